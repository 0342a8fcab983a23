package io.checkmark.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.template.CloudFormationYaml;
import io.checkmark.template.SamTemplate;
import io.checkmark.template.TableDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * What two templates of the Checkmark stack must agree on, read the same way from the SAM template
 * and from CDK's synthesized one: the parameters (all but their descriptions), conditions and
 * outputs, the route selection, each route's handler and route response, the routes the API's
 * deployment waits for, each table (found through the environment variable that names it) with its
 * keys and their types, indexes, stream and TTL, each bucket and bucket policy and each CloudFront
 * resource (the hosted web client's) with all their properties and conditions, the environment
 * variables of each handler's function and their values, the IAM actions it is granted and the
 * resources of each (an action granted only under a condition is named with it, a resource that is
 * there only under a condition is written with it), the timeout of each handler's function, the
 * retention of each handler's log group, each alarm (by logical id) with the metrics it watches (a
 * function's by its handler), its statistic, threshold and periods, the alarms that roll back each
 * handler's canary deploys, and the streams that run functions, with every setting of their event
 * source mappings (filter patterns compared as JSON, not as text).
 *
 * <p>Where intrinsic functions are compared, {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub} and
 * {@code Fn::Join} are written as the {@code Fn::Sub} text they amount to, so that CDK's joins of
 * tokens equal the template's substitutions.
 */
record StackShape(
    Map<String, String> parameters,
    Map<String, String> conditions,
    Map<String, String> outputs,
    String routeSelection,
    Map<String, String> handlerByRoute,
    Set<String> twoWayRoutes,
    Set<String> deployedRoutes,
    Map<String, String> tableByVariable,
    Map<String, String> bucketByVariable,
    Map<String, String> buckets,
    Map<String, String> cloudFront,
    Map<String, Map<String, String>> variablesByHandler,
    Map<String, Set<String>> actionsByHandler,
    Map<String, Set<String>> grantsByHandler,
    Map<String, Integer> timeoutByHandler,
    Map<String, String> logRetentionByHandler,
    Set<String> alarms,
    Map<String, Set<String>> rollbackAlarmsByHandler,
    Map<String, String> streamsByHandler) {

  /** The parameter CDK's default synthesizer adds to every stack. */
  private static final String CDK_BOOTSTRAP_VERSION = "BootstrapVersion";

  /** The properties of a stream's event source mapping that name its stream and its function. */
  private static final Set<String> STREAM_AND_FUNCTION =
      Set.of("Stream", "EventSourceArn", "FunctionName");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Resource types compared property by property, besides every CloudFront one. */
  private static final Set<String> COMPARED_WHOLE =
      Set.of("AWS::S3::Bucket", "AWS::S3::BucketPolicy");

  private static final String CLOUDFRONT_TYPES = "AWS::CloudFront::";

  static StackShape of(Path template) {
    SamTemplate stack = SamTemplate.load(template, Map.of(), "us-east-1", "Checkmark");
    Map<String, SamTemplate.LambdaFunction> functions = stack.functions();
    Map<String, String> handlerByRoute = new TreeMap<>();
    Set<String> twoWay = new TreeSet<>();
    stack
        .routes()
        .forEach(
            route -> {
              handlerByRoute.put(
                  route.routeKey(), functions.get(route.functionLogicalId()).handler());
              if (route.twoWay()) {
                twoWay.add(route.routeKey());
              }
            });
    Map<String, String> tableNames = new TreeMap<>();
    stack.tables().forEach(table -> tableNames.put(table.tableName(), describe(table)));
    Map<String, String> tableByVariable = new TreeMap<>();
    functions
        .values()
        .forEach(
            function ->
                function
                    .environment()
                    .forEach(
                        (name, value) -> {
                          if (tableNames.containsKey(value)) {
                            tableByVariable.put(name, tableNames.get(value));
                          }
                        }));

    Map<String, Map<String, String>> variablesByHandler = new TreeMap<>();
    Map<String, Object> document = CloudFormationYaml.load(template);
    Map<String, Map<String, Object>> resources = map(document.get("Resources"));
    Map<String, Object> globalVariables =
        map(
            map(map(map(document.get("Globals")).get("Function")).get("Environment"))
                .get("Variables"));
    Map<String, String> bucketByVariable = new TreeMap<>();
    Map<String, String> buckets = new TreeMap<>();
    Map<String, String> cloudFront = new TreeMap<>();
    resources.forEach(
        (id, resource) -> {
          String type = String.valueOf(resource.get("Type"));
          if (COMPARED_WHOLE.contains(type) || type.startsWith(CLOUDFRONT_TYPES)) {
            Map<String, Object> whole = new TreeMap<>(resource);
            whole.remove("Metadata");
            (type.startsWith(CLOUDFRONT_TYPES) ? cloudFront : buckets).put(id, render(whole));
          } else if (type.equals("AWS::Serverless::Function")
              || type.equals("AWS::Lambda::Function")) {
            Map<String, Object> variables = new TreeMap<>();
            if (type.equals("AWS::Serverless::Function")) {
              variables.putAll(globalVariables);
            }
            variables.putAll(
                map(map(map(resource.get("Properties")).get("Environment")).get("Variables")));
            Map<String, String> rendered = new TreeMap<>();
            variables.forEach((name, value) -> rendered.put(name, render(value)));
            variablesByHandler.put(functions.get(id).handler(), rendered);
            variables.forEach(
                (name, value) -> {
                  Object referenced = map(value).get("Ref");
                  if (referenced != null
                      && "AWS::S3::Bucket"
                          .equals(map(resources.get(String.valueOf(referenced))).get("Type"))) {
                    bucketByVariable.put(name, String.valueOf(referenced));
                  }
                });
          }
        });
    Map<String, String> parameters = new TreeMap<>();
    map(document.get("Parameters"))
        .forEach(
            (name, definition) -> {
              if (!name.equals(CDK_BOOTSTRAP_VERSION)) {
                Map<String, Object> compared = new TreeMap<>(map(definition));
                compared.remove("Description");
                parameters.put(name, render(compared));
              }
            });
    Map<String, String> conditions = new TreeMap<>();
    map(document.get("Conditions"))
        .forEach((name, condition) -> conditions.put(name, render(condition)));
    Set<String> deployedRoutes = new TreeSet<>();
    resources.forEach(
        (id, resource) -> {
          if ("AWS::ApiGatewayV2::Deployment".equals(resource.get("Type"))) {
            for (Object awaited : listOrOne(resource.get("DependsOn"))) {
              Map<String, Object> route = map(resources.get(String.valueOf(awaited)));
              deployedRoutes.add(
                  "AWS::ApiGatewayV2::Route".equals(route.get("Type"))
                      ? String.valueOf(map(route.get("Properties")).get("RouteKey"))
                      : String.valueOf(awaited));
            }
          }
        });
    Map<String, String> outputs = new TreeMap<>();
    map(document.get("Outputs"))
        .forEach(
            (name, output) -> {
              Map<String, Object> compared = new TreeMap<>(map(output));
              compared.remove("Description");
              outputs.put(name, render(compared));
            });
    Map<String, Set<String>> actionsByHandler = new TreeMap<>();
    Map<String, Set<String>> grantsByHandler = new TreeMap<>();
    resources.forEach(
        (id, resource) -> {
          String type = String.valueOf(resource.get("Type"));
          Map<String, Object> properties = map(resource.get("Properties"));
          if (type.equals("AWS::Serverless::Function")) {
            String handler = functions.get(id).handler();
            Set<String> actions = actionsByHandler.computeIfAbsent(handler, h -> new TreeSet<>());
            Set<String> grants = grantsByHandler.computeIfAbsent(handler, h -> new TreeSet<>());
            list(properties.get("Policies"))
                .forEach(
                    policy -> {
                      statementActions(map(policy).get("Statement"), "", actions);
                      statementGrants(map(policy).get("Statement"), "", grants);
                    });
          } else if (type.equals("AWS::Lambda::Function")) {
            String handler = functions.get(id).handler();
            actionsByHandler.computeIfAbsent(handler, h -> new TreeSet<>());
            grantsByHandler.computeIfAbsent(handler, h -> new TreeSet<>());
          }
        });
    // CDK: a function's statements are an AWS::IAM::Policy attached to the role the function
    // assumes.
    resources.forEach(
        (id, resource) -> {
          if (!"AWS::IAM::Policy".equals(resource.get("Type"))) {
            return;
          }
          Map<String, Object> properties = map(resource.get("Properties"));
          String condition =
              resource.containsKey("Condition") ? " if " + resource.get("Condition") : "";
          for (Object role : list(properties.get("Roles"))) {
            String roleId = String.valueOf(map(role).get("Ref"));
            resources.forEach(
                (functionId, function) -> {
                  Object assumed = map(function.get("Properties")).get("Role");
                  if ("AWS::Lambda::Function".equals(function.get("Type"))
                      && String.valueOf(assumed).contains(roleId)) {
                    String handler = functions.get(functionId).handler();
                    Object statements = map(properties.get("PolicyDocument")).get("Statement");
                    statementActions(statements, condition, actionsByHandler.get(handler));
                    statementGrants(statements, condition, grantsByHandler.get(handler));
                  }
                });
          }
        });
    Map<String, Integer> timeoutByHandler = new TreeMap<>();
    functions
        .values()
        .forEach(function -> timeoutByHandler.put(function.handler(), function.timeoutSeconds()));
    Map<String, String> logRetentionByHandler = new TreeMap<>();
    resources.forEach(
        (id, resource) -> {
          if (functions.containsKey(id)) {
            Object logGroup =
                map(map(map(resource.get("Properties")).get("LoggingConfig")).get("LogGroup"))
                    .get("Ref");
            Map<String, Object> group = map(resources.get(String.valueOf(logGroup)));
            logRetentionByHandler.put(
                functions.get(id).handler(),
                "AWS::Logs::LogGroup".equals(group.get("Type"))
                    ? String.valueOf(map(group.get("Properties")).get("RetentionInDays"))
                    : "no log group of its own");
          }
        });
    Set<String> alarms = new TreeSet<>();
    resources.forEach(
        (id, resource) -> {
          if ("AWS::CloudWatch::Alarm".equals(resource.get("Type"))) {
            alarms.add(id + ": " + describeAlarm(map(resource.get("Properties")), functions));
          }
        });
    Map<String, Set<String>> rollbackAlarmsByHandler =
        rollbackAlarmsByHandler(document, resources, functions);
    Map<String, String> streamsByHandler = new TreeMap<>();
    resources.forEach(
        (id, resource) -> {
          Map<String, Object> properties = map(resource.get("Properties"));
          if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
            map(properties.get("Events"))
                .forEach(
                    (name, event) -> {
                      if ("DynamoDB".equals(map(event).get("Type"))) {
                        Map<String, Object> mapping = map(map(event).get("Properties"));
                        streamsByHandler.put(
                            functions.get(id).handler(),
                            describeStream(mapping.get("Stream"), mapping, resources));
                      }
                    });
          } else if ("AWS::Lambda::EventSourceMapping".equals(resource.get("Type"))) {
            String function = referencedResource(properties.get("FunctionName"), resources);
            Map<String, Object> alias = resources.get(function);
            if ("AWS::Lambda::Alias".equals(alias.get("Type"))) {
              function =
                  referencedResource(map(alias.get("Properties")).get("FunctionName"), resources);
            }
            streamsByHandler.put(
                functions.get(function).handler(),
                describeStream(properties.get("EventSourceArn"), properties, resources));
          }
        });
    return new StackShape(
        parameters,
        conditions,
        outputs,
        stack.routeSelectionExpression(),
        handlerByRoute,
        twoWay,
        deployedRoutes,
        tableByVariable,
        bucketByVariable,
        buckets,
        cloudFront,
        variablesByHandler,
        actionsByHandler,
        grantsByHandler,
        timeoutByHandler,
        logRetentionByHandler,
        alarms,
        rollbackAlarmsByHandler,
        streamsByHandler);
  }

  /** Where the two disagree, one line each; empty when they agree. */
  List<String> differencesFrom(StackShape other) {
    List<String> differences = new ArrayList<>();
    compare("parameters", parameters, other.parameters, differences);
    compare("conditions", conditions, other.conditions, differences);
    compare("outputs", outputs, other.outputs, differences);
    compare("route selection", routeSelection, other.routeSelection, differences);
    compare("routes and handlers", handlerByRoute, other.handlerByRoute, differences);
    compare("routes with route responses", twoWayRoutes, other.twoWayRoutes, differences);
    compare("routes the deployment waits for", deployedRoutes, other.deployedRoutes, differences);
    compare("tables", tableByVariable, other.tableByVariable, differences);
    compare("buckets", bucketByVariable, other.bucketByVariable, differences);
    compare("buckets and bucket policies", buckets, other.buckets, differences);
    compare("CloudFront resources", cloudFront, other.cloudFront, differences);
    compare(
        "environment variables per handler",
        variablesByHandler,
        other.variablesByHandler,
        differences);
    compare("IAM actions per handler", actionsByHandler, other.actionsByHandler, differences);
    compare(
        "IAM actions and resources per handler",
        grantsByHandler,
        other.grantsByHandler,
        differences);
    compare("timeout per handler", timeoutByHandler, other.timeoutByHandler, differences);
    compare(
        "log retention per handler",
        logRetentionByHandler,
        other.logRetentionByHandler,
        differences);
    compare("alarms", alarms, other.alarms, differences);
    compare(
        "rollback alarms per handler",
        rollbackAlarmsByHandler,
        other.rollbackAlarmsByHandler,
        differences);
    compare("stream event sources", streamsByHandler, other.streamsByHandler, differences);
    return differences;
  }

  private static void compare(String what, Object mine, Object theirs, List<String> differences) {
    if (!mine.equals(theirs)) {
      differences.add(what + " differ:\n  " + mine + "\n  " + theirs);
    }
  }

  /**
   * A table's keys ({@code name:KEYTYPE:attributeType}), its indexes, the view of its stream and
   * its TTL attribute.
   */
  private static String describe(TableDefinition table) {
    Map<String, String> attributeTypes = new TreeMap<>();
    table
        .attributes()
        .forEach(
            attribute ->
                attributeTypes.put(attribute.attributeName(), attribute.attributeTypeAsString()));
    StringBuilder text = new StringBuilder();
    table.keySchema().forEach(key -> text.append(describeKey(key, attributeTypes)).append(' '));
    table
        .globalSecondaryIndexes()
        .forEach(
            index ->
                text.append("index ")
                    .append(index.indexName())
                    .append(
                        index.keySchema().stream()
                            .map(key -> describeKey(key, attributeTypes))
                            .toList())
                    .append(index.projection().projectionTypeAsString())
                    .append(index.projection().nonKeyAttributes())
                    .append(' '));
    table.streamViewType().ifPresent(view -> text.append("stream ").append(view).append(' '));
    table.timeToLiveAttribute().ifPresent(ttl -> text.append("ttl ").append(ttl));
    return text.toString().trim();
  }

  private static String describeKey(KeySchemaElement key, Map<String, String> attributeTypes) {
    return key.attributeName()
        + ":"
        + key.keyTypeAsString()
        + ":"
        + attributeTypes.get(key.attributeName());
  }

  /**
   * A stream event source: its table, and every setting of its mapping but the stream and the
   * function, each filter's pattern read as JSON.
   */
  private static String describeStream(
      Object stream, Map<String, Object> mapping, Map<String, Map<String, Object>> resources) {
    Map<String, Object> settings = new TreeMap<>(mapping);
    settings.keySet().removeAll(STREAM_AND_FUNCTION);
    Map<String, Object> criteria = new TreeMap<>(map(settings.get("FilterCriteria")));
    if (!criteria.isEmpty()) {
      List<Object> filters = new ArrayList<>();
      for (Object filter : list(criteria.get("Filters"))) {
        Map<String, Object> parsed = new TreeMap<>(map(filter));
        parsed.computeIfPresent("Pattern", (key, pattern) -> parseJson(pattern));
        filters.add(parsed);
      }
      criteria.put("Filters", filters);
      settings.put("FilterCriteria", criteria);
    }
    return referencedResource(stream, resources) + " " + render(settings);
  }

  /** A filter pattern's JSON; one that is not JSON compared as its text. */
  private static Object parseJson(Object text) {
    try {
      return JSON.readValue(String.valueOf(text), Object.class);
    } catch (JsonProcessingException e) {
      return text;
    }
  }

  /**
   * An alarm's metric (or each query of its metric math, in order, a function's metric named by the
   * function's handler), statistic, period, comparison, threshold and evaluation periods.
   */
  private static String describeAlarm(
      Map<String, Object> alarm, Map<String, SamTemplate.LambdaFunction> functions) {
    String condition =
        " "
            + alarm.get("ComparisonOperator")
            + " "
            + render(alarm.get("Threshold"))
            + " for "
            + alarm.get("EvaluationPeriods");
    if (alarm.containsKey("MetricName")) {
      return describeMetric(alarm, functions)
          + " "
          + alarm.getOrDefault("Statistic", alarm.get("ExtendedStatistic"))
          + "/"
          + alarm.get("Period")
          + condition;
    }
    List<String> queries = new ArrayList<>();
    for (Object query : list(alarm.get("Metrics"))) {
      Map<String, Object> fields = map(query);
      Map<String, Object> stat = map(fields.get("MetricStat"));
      String returned = Boolean.FALSE.equals(fields.get("ReturnData")) ? "" : " returned";
      if (fields.containsKey("Expression")) {
        queries.add(fields.get("Id") + "=" + fields.get("Expression") + returned);
      } else {
        queries.add(
            fields.get("Id")
                + "="
                + describeMetric(map(stat.get("Metric")), functions)
                + " "
                + stat.get("Stat")
                + "/"
                + stat.get("Period")
                + returned);
      }
    }
    return queries + condition;
  }

  /** A metric's namespace, name and dimensions, a function named by its handler. */
  private static String describeMetric(
      Map<String, Object> metric, Map<String, SamTemplate.LambdaFunction> functions) {
    List<String> dimensions = new ArrayList<>();
    for (Object dimension : list(metric.get("Dimensions"))) {
      Object value = map(dimension).get("Value");
      Object referenced = map(value).get("Ref");
      dimensions.add(
          map(dimension).get("Name")
              + "="
              + (functions.containsKey(String.valueOf(referenced))
                  ? functions.get(String.valueOf(referenced)).handler()
                  : render(value)));
    }
    return metric.get("Namespace") + "/" + metric.get("MetricName") + dimensions;
  }

  /**
   * The alarms (by logical id) that roll back each handler's canary deploys: a SAM function's
   * DeploymentPreference (its own, or the Globals'), or the CodeDeploy deployment group of a Lambda
   * alias (as CDK writes them).
   */
  private static Map<String, Set<String>> rollbackAlarmsByHandler(
      Map<String, Object> document,
      Map<String, Map<String, Object>> resources,
      Map<String, SamTemplate.LambdaFunction> functions) {
    Map<String, Object> globalPreference =
        map(map(map(document.get("Globals")).get("Function")).get("DeploymentPreference"));
    Map<String, Set<String>> rollbackAlarms = new TreeMap<>();
    resources.forEach(
        (id, resource) -> {
          Map<String, Object> properties = map(resource.get("Properties"));
          if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
            Map<String, Object> preference =
                properties.containsKey("DeploymentPreference")
                    ? map(properties.get("DeploymentPreference"))
                    : globalPreference;
            Set<String> alarms =
                rollbackAlarms.computeIfAbsent(functions.get(id).handler(), h -> new TreeSet<>());
            list(preference.get("Alarms"))
                .forEach(alarm -> alarms.add(referencedResource(alarm, resources)));
          } else if ("AWS::Lambda::Alias".equals(resource.get("Type"))) {
            String function = referencedResource(properties.get("FunctionName"), resources);
            String group =
                referencedResource(
                    map(map(resource.get("UpdatePolicy")).get("CodeDeployLambdaAliasUpdate"))
                        .get("DeploymentGroupName"),
                    resources);
            if (!functions.containsKey(function) || !resources.containsKey(group)) {
              return;
            }
            Set<String> alarms =
                rollbackAlarms.computeIfAbsent(
                    functions.get(function).handler(), h -> new TreeSet<>());
            list(map(map(resources.get(group).get("Properties")).get("AlarmConfiguration"))
                    .get("Alarms"))
                .forEach(
                    alarm -> alarms.add(referencedResource(map(alarm).get("Name"), resources)));
          }
        });
    return rollbackAlarms;
  }

  /**
   * The first resource a value refers to ({@code Ref} or {@code Fn::GetAtt}, however deep in other
   * intrinsics, as in CDK's name taken from an alarm's ARN); the value rendered when none.
   */
  private static String referencedResource(
      Object value, Map<String, Map<String, Object>> resources) {
    Map<String, Object> fields = map(value);
    if (fields.size() == 1) {
      Object argument = fields.values().iterator().next();
      String key = fields.keySet().iterator().next();
      if (key.equals("Ref") && resources.containsKey(String.valueOf(argument))) {
        return String.valueOf(argument);
      }
      if (key.equals("Fn::GetAtt")
          && !list(argument).isEmpty()
          && resources.containsKey(String.valueOf(list(argument).get(0)))) {
        return String.valueOf(list(argument).get(0));
      }
    }
    List<Object> nested = new ArrayList<>(fields.values());
    nested.addAll(list(value));
    for (Object part : nested) {
      String found = referencedResource(part, resources);
      if (resources.containsKey(found)) {
        return found;
      }
    }
    return render(value);
  }

  /** The actions of each statement, a statement under {@code Fn::If} named with its condition. */
  private static void statementActions(Object statements, String condition, Set<String> into) {
    for (Object statement : list(statements)) {
      List<?> conditional = list(map(statement).get("Fn::If"));
      if (!conditional.isEmpty()) {
        statementActions(
            conditional.subList(1, conditional.size()), " if " + conditional.get(0), into);
        continue;
      }
      Object actions = map(statement).get("Action");
      if (actions instanceof List<?> several) {
        several.forEach(action -> into.add(action + condition));
      } else if (actions != null) {
        into.add(actions + condition);
      }
    }
  }

  /**
   * Each action of each statement on each of its resources ({@code Effect action on resource}),
   * whether the template groups them in one statement or several; a statement under {@code Fn::If}
   * named with its condition.
   */
  private static void statementGrants(Object statements, String condition, Set<String> into) {
    for (Object statement : list(statements)) {
      List<?> conditional = list(map(statement).get("Fn::If"));
      if (!conditional.isEmpty()) {
        statementGrants(
            conditional.subList(1, conditional.size()), " if " + conditional.get(0), into);
        continue;
      }
      Map<String, Object> fields = map(statement);
      if (fields.isEmpty()) {
        continue;
      }
      for (Object action : listOrOne(fields.get("Action"))) {
        for (Object resource : listOrOne(fields.get("Resource"))) {
          into.add(
              fields.get("Effect")
                  + " "
                  + action
                  + " on "
                  + render(resource)
                  + (fields.containsKey("Condition")
                      ? " when " + render(fields.get("Condition"))
                      : "")
                  + condition);
        }
      }
    }
  }

  /**
   * A value with its keys sorted and its references written as {@code Fn::Sub} text: {@code
   * ${Bucket.Arn}/media/*} for a {@code Fn::Sub}, and for the {@code Fn::Join} of a {@code
   * Fn::GetAtt} and {@code /media/*} alike.
   */
  static String render(Object value) {
    Map<String, Object> fields = map(value);
    if (fields.size() == 1) {
      String function = fields.keySet().iterator().next();
      Object argument = fields.get(function);
      switch (function) {
        case "Ref":
          return "${" + argument + "}";
        case "Fn::GetAtt":
          return "${"
              + (argument instanceof List<?> parts
                  ? parts.get(0) + "." + parts.get(1)
                  : String.valueOf(argument))
              + "}";
        case "Fn::Sub":
          if (!(argument instanceof List<?>)) {
            return String.valueOf(argument);
          }
          break;
        case "Fn::Join":
          {
            List<?> parts = list(argument);
            if (parts.size() == 2 && parts.get(1) instanceof List<?> joined) {
              List<String> rendered = new ArrayList<>();
              joined.forEach(part -> rendered.add(render(part)));
              return String.join(String.valueOf(parts.get(0)), rendered);
            }
            break;
          }
        default:
          break;
      }
    }
    if (value instanceof Map<?, ?>) {
      Map<String, String> sorted = new TreeMap<>();
      fields.forEach((key, field) -> sorted.put(key, render(field)));
      return sorted.toString();
    }
    if (value instanceof List<?> items) {
      List<String> rendered = new ArrayList<>();
      items.forEach(item -> rendered.add(render(item)));
      return rendered.toString();
    }
    return String.valueOf(value);
  }

  private static List<?> listOrOne(Object value) {
    if (value == null) {
      return List.of();
    }
    return value instanceof List<?> several ? several : List.of(value);
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> map(Object value) {
    return value instanceof Map ? (Map<String, V>) value : Map.of();
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }
}
