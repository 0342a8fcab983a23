package io.checkmark.template;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Offline checks of a SAM template, for the mistakes that otherwise surface only in the middle of a
 * deploy: a reference to nothing, a route without an integration, a key attribute not defined, a
 * Lambda permission open to any API, a wildcard resource where a specific ARN exists, a function
 * whose logs would be kept forever, a metric-math alarm over more metrics than CloudWatch takes, a
 * function whose throttles no alarm (or more than one) watches.
 */
public final class TemplateChecks {

  /** Actions that have no resource to name: SMS to a phone number, metrics, logs and traces. */
  private static final Set<String> ACTIONS_WITHOUT_RESOURCES =
      Set.of(
          "sns:Publish",
          "cloudwatch:PutMetricData",
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords");

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");
  private static final Set<String> SAM_FUNCTION_PROPERTIES = Set.of("Alias", "Version");

  /**
   * CloudWatch's hard limits on one metric-math alarm (PutMetricAlarm): at most 10 metrics ({@code
   * MetricStat} entries) among at most 20 queries; a template over them fails in mid-deploy.
   */
  static final int MAX_ALARM_METRICS = 10;

  static final int MAX_ALARM_QUERIES = 20;

  private final Map<String, Object> document;
  private final Map<String, Object> resources;
  private final Map<String, Object> parameters;
  private final Map<String, Object> conditions;
  private final List<String> problems = new ArrayList<>();

  private TemplateChecks(Map<String, Object> document) {
    this.document = document;
    this.resources = SamTemplate.mapOrEmpty(document.get("Resources"));
    this.parameters = SamTemplate.mapOrEmpty(document.get("Parameters"));
    this.conditions = SamTemplate.mapOrEmpty(document.get("Conditions"));
  }

  /** Every problem found; empty for a template that passes. */
  public static List<String> problems(Path template) {
    TemplateChecks checks = new TemplateChecks(CloudFormationYaml.load(template));
    checks.checkReferences("Globals", checks.document.get("Globals"));
    checks.resources.forEach((id, resource) -> checks.checkReferences(id, resource));
    checks.checkReferences("Outputs", checks.document.get("Outputs"));
    checks.checkDependsOn();
    checks.checkPermissions();
    checks.checkPolicies();
    checks.checkLogGroups();
    checks.checkAlarms();
    checks.checkStack(template);
    return List.copyOf(checks.problems);
  }

  /**
   * The problems of {@link #problems}'s alarm check alone, in a template already loaded (CDK's
   * synthesized one, say): metric-math alarms within CloudWatch's limits, and every function's
   * throttles watched by exactly one alarm.
   */
  public static List<String> alarmProblems(Map<String, Object> document) {
    TemplateChecks checks = new TemplateChecks(document);
    checks.checkAlarms();
    return List.copyOf(checks.problems);
  }

  private void checkReferences(String where, Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.size() == 1) {
        String key = String.valueOf(map.keySet().iterator().next());
        Object argument = map.values().iterator().next();
        switch (key) {
          case "Ref" -> checkName(where, "Ref", String.valueOf(argument));
          case "Fn::GetAtt" -> {
            if (argument instanceof List<?> parts
                && !parts.isEmpty()
                && !resources.containsKey(String.valueOf(parts.get(0)))) {
              problems.add(where + ": !GetAtt names " + parts.get(0) + ", which is not a resource");
            }
          }
          case "Fn::Sub" -> checkSub(where, argument);
          case "Fn::If" -> {
            if (argument instanceof List<?> parts
                && !parts.isEmpty()
                && !conditions.containsKey(String.valueOf(parts.get(0)))) {
              problems.add(where + ": !If names " + parts.get(0) + ", which is not a condition");
            }
          }
          default -> {}
        }
      }
      // Both a resource's Condition and the !Condition intrinsic are a "Condition" key naming one.
      map.forEach(
          (key, nested) -> {
            if ("Condition".equals(key)
                && nested instanceof String name
                && !conditions.containsKey(name)) {
              problems.add(where + ": Condition " + name + " is not defined");
            }
            checkReferences(where, nested);
          });
    } else if (value instanceof List<?> list) {
      list.forEach(item -> checkReferences(where, item));
    }
  }

  private void checkSub(String where, Object argument) {
    String text;
    Map<?, ?> variables = Map.of();
    if (argument instanceof List<?> parts && !parts.isEmpty()) {
      text = String.valueOf(parts.get(0));
      if (parts.size() > 1 && parts.get(1) instanceof Map<?, ?> given) {
        variables = given;
      }
    } else {
      text = String.valueOf(argument);
    }
    Matcher variable = SUB_VARIABLE.matcher(text);
    while (variable.find()) {
      String name = variable.group(1);
      if (!variables.containsKey(name)) {
        checkName(where, "!Sub", name);
      }
    }
  }

  /**
   * A name a Ref or Sub may use: a parameter, a pseudo parameter, a resource, or a resource's
   * attribute.
   */
  private void checkName(String where, String how, String name) {
    if (name.startsWith("AWS::") || parameters.containsKey(name) || resources.containsKey(name)) {
      return;
    }
    int dot = name.indexOf('.');
    if (dot > 0 && resources.containsKey(name.substring(0, dot))) {
      if (how.equals("Ref") && !SAM_FUNCTION_PROPERTIES.contains(name.substring(dot + 1))) {
        problems.add(where + ": !Ref " + name + " is not a referenceable property");
      }
      return;
    }
    problems.add(
        where + ": " + how + " names " + name + ", which is neither a parameter nor a resource");
  }

  private void checkDependsOn() {
    resources.forEach(
        (id, resource) -> {
          Object dependsOn = SamTemplate.mapOrEmpty(resource).get("DependsOn");
          List<?> names =
              dependsOn instanceof List<?> list
                  ? list
                  : dependsOn == null ? List.of() : List.of(dependsOn);
          names.stream()
              .map(String::valueOf)
              .filter(name -> !resources.containsKey(name))
              .forEach(
                  name ->
                      problems.add(id + ": DependsOn names " + name + ", which is not a resource"));
        });
  }

  private void checkPermissions() {
    resources.forEach(
        (id, resource) -> {
          Map<String, Object> value = SamTemplate.mapOrEmpty(resource);
          if ("AWS::Lambda::Permission".equals(value.get("Type"))
              && !SamTemplate.mapOrEmpty(value.get("Properties")).containsKey("SourceArn")) {
            problems.add(
                id
                    + ": a Lambda permission without SourceArn lets any API of any account invoke the function");
          }
        });
  }

  private void checkPolicies() {
    resources.forEach(
        (id, resource) -> {
          Map<String, Object> properties =
              SamTemplate.mapOrEmpty(SamTemplate.mapOrEmpty(resource).get("Properties"));
          Object policies = properties.get("Policies");
          if (policies instanceof List<?> list) {
            for (Object policy : list) {
              Object statements = SamTemplate.mapOrEmpty(policy).get("Statement");
              if (statements instanceof List<?> each) {
                each.forEach(statement -> checkStatement(id, SamTemplate.mapOrEmpty(statement)));
              }
            }
          }
        });
  }

  /**
   * Every function logs to a log group of this template that has a retention: without one, Lambda
   * creates {@code /aws/lambda/<name>} itself and CloudWatch keeps its logs forever.
   */
  private void checkLogGroups() {
    resources.forEach(
        (id, resource) -> {
          Map<String, Object> value = SamTemplate.mapOrEmpty(resource);
          if (!"AWS::Serverless::Function".equals(value.get("Type"))
              && !"AWS::Lambda::Function".equals(value.get("Type"))) {
            return;
          }
          Map<String, Object> properties = SamTemplate.mapOrEmpty(value.get("Properties"));
          Object logGroup =
              SamTemplate.mapOrEmpty(
                      SamTemplate.mapOrEmpty(properties.get("LoggingConfig")).get("LogGroup"))
                  .get("Ref");
          Map<String, Object> group =
              SamTemplate.mapOrEmpty(resources.get(String.valueOf(logGroup)));
          if (!"AWS::Logs::LogGroup".equals(group.get("Type"))
              || !SamTemplate.mapOrEmpty(group.get("Properties")).containsKey("RetentionInDays")) {
            problems.add(
                id
                    + ": logs to no log group of this template with a retention"
                    + " (LoggingConfig.LogGroup: !Ref an AWS::Logs::LogGroup with RetentionInDays)");
          }
        });
  }

  /**
   * Each metric-math alarm has at most {@value #MAX_ALARM_METRICS} metrics and {@value
   * #MAX_ALARM_QUERIES} queries, uses every metric it fetches, and the Lambda {@code Throttles} of
   * every function of the template are watched by exactly one metric of one alarm (none would hide
   * a throttled function; two would page twice and hold a slot of the ten).
   */
  private void checkAlarms() {
    Map<String, List<String>> throttlesWatchers = new LinkedHashMap<>();
    resources.forEach(
        (id, resource) -> {
          Object type = SamTemplate.mapOrEmpty(resource).get("Type");
          if ("AWS::Serverless::Function".equals(type) || "AWS::Lambda::Function".equals(type)) {
            throttlesWatchers.put(id, new ArrayList<>());
          }
        });
    resources.forEach(
        (id, resource) -> {
          Map<String, Object> value = SamTemplate.mapOrEmpty(resource);
          if (!"AWS::CloudWatch::Alarm".equals(value.get("Type"))
              || !(SamTemplate.mapOrEmpty(value.get("Properties")).get("Metrics")
                  instanceof List<?> queries)) {
            return;
          }
          StringBuilder expressions = new StringBuilder();
          queries.forEach(
              query -> {
                Object expression = SamTemplate.mapOrEmpty(query).get("Expression");
                if (expression != null) {
                  expressions.append(expression).append('\n');
                }
              });
          int metrics = 0;
          for (Object query : queries) {
            Map<String, Object> fields = SamTemplate.mapOrEmpty(query);
            Map<String, Object> stat = SamTemplate.mapOrEmpty(fields.get("MetricStat"));
            if (stat.isEmpty()) {
              continue;
            }
            metrics++;
            String metricId = String.valueOf(fields.get("Id"));
            boolean used =
                !Boolean.FALSE.equals(fields.get("ReturnData"))
                    || expressions.indexOf("METRICS(") >= 0
                    || Pattern.compile("\\b" + Pattern.quote(metricId) + "\\b")
                        .matcher(expressions)
                        .find();
            if (!used) {
              problems.add(
                  id + ": metric " + metricId + " is fetched but neither returned nor used");
              continue;
            }
            Map<String, Object> metric = SamTemplate.mapOrEmpty(stat.get("Metric"));
            if (!"AWS/Lambda".equals(metric.get("Namespace"))
                || !"Throttles".equals(metric.get("MetricName"))
                || !(metric.get("Dimensions") instanceof List<?> dimensions)) {
              continue;
            }
            for (Object dimension : dimensions) {
              Map<String, Object> named = SamTemplate.mapOrEmpty(dimension);
              Object function = SamTemplate.mapOrEmpty(named.get("Value")).get("Ref");
              if ("FunctionName".equals(named.get("Name"))
                  && throttlesWatchers.containsKey(String.valueOf(function))) {
                throttlesWatchers.get(String.valueOf(function)).add(id);
              }
            }
          }
          if (metrics > MAX_ALARM_METRICS) {
            problems.add(
                id
                    + ": a metric-math alarm may have at most "
                    + MAX_ALARM_METRICS
                    + " metrics (MetricStat), this one has "
                    + metrics
                    + "; split it into several alarms");
          }
          if (queries.size() > MAX_ALARM_QUERIES) {
            problems.add(
                id
                    + ": a metric-math alarm may have at most "
                    + MAX_ALARM_QUERIES
                    + " queries, this one has "
                    + queries.size());
          }
        });
    throttlesWatchers.forEach(
        (function, alarms) -> {
          if (alarms.isEmpty()) {
            problems.add(function + ": no alarm watches its Lambda Throttles");
          } else if (alarms.size() > 1) {
            problems.add(
                function
                    + ": its Lambda Throttles are watched "
                    + alarms.size()
                    + " times, "
                    + alarms);
          }
        });
  }

  private void checkStatement(String id, Map<String, Object> statement) {
    List<?> resourcesNamed =
        statement.get("Resource") instanceof List<?> list
            ? list
            : List.of(String.valueOf(statement.get("Resource")));
    List<?> actions =
        statement.get("Action") instanceof List<?> list
            ? list
            : List.of(String.valueOf(statement.get("Action")));
    boolean wildcard = resourcesNamed.stream().anyMatch("*"::equals);
    for (Object action : actions) {
      if (String.valueOf(action).endsWith("*")) {
        problems.add(id + ": action " + action + " grants more than the function uses");
      }
      if (wildcard && !ACTIONS_WITHOUT_RESOURCES.contains(String.valueOf(action))) {
        problems.add(id + ": " + action + " on Resource '*', where a specific ARN exists");
      }
    }
  }

  /**
   * What the local stack needs to run the template: routes with integrations, tables with defined
   * keys.
   */
  private void checkStack(Path template) {
    try {
      SamTemplate stack = SamTemplate.load(template);
      stack.routes();
      stack.tables();
      stack.functions();
    } catch (TemplateException e) {
      problems.add(e.getMessage());
    }
  }
}
