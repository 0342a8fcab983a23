package io.checkmark.infra;

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

/**
 * What two templates of the Checkmark stack must agree on, read the same way from the SAM template
 * and from CDK's synthesized one: the route selection, each route's handler and route response,
 * each table (found through the environment variable that names it) with its keys, indexes and TTL,
 * the environment variables and IAM actions of each handler's function (an action granted only
 * under a condition is named with it), the retention of each handler's log group, the metrics the
 * alarms watch, and the streams that run functions, with their batching, retries and destinations.
 */
record StackShape(
    String routeSelection,
    Map<String, String> handlerByRoute,
    Set<String> twoWayRoutes,
    Map<String, String> tableByVariable,
    Map<String, Set<String>> variablesByHandler,
    Map<String, Set<String>> actionsByHandler,
    Map<String, String> logRetentionByHandler,
    Set<String> alarms,
    Map<String, String> streamsByHandler) {

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

    Map<String, Set<String>> variablesByHandler = new TreeMap<>();
    functions
        .values()
        .forEach(
            function ->
                variablesByHandler
                    .computeIfAbsent(function.handler(), handler -> new TreeSet<>())
                    .addAll(function.environment().keySet()));

    Map<String, Object> document = CloudFormationYaml.load(template);
    Map<String, Map<String, Object>> resources = map(document.get("Resources"));
    Map<String, Set<String>> actionsByHandler = new TreeMap<>();
    resources.forEach(
        (id, resource) -> {
          String type = String.valueOf(resource.get("Type"));
          Map<String, Object> properties = map(resource.get("Properties"));
          if (type.equals("AWS::Serverless::Function")) {
            Set<String> actions =
                actionsByHandler.computeIfAbsent(
                    functions.get(id).handler(), handler -> new TreeSet<>());
            list(properties.get("Policies"))
                .forEach(policy -> statementActions(map(policy).get("Statement"), "", actions));
          } else if (type.equals("AWS::Lambda::Function")) {
            actionsByHandler.computeIfAbsent(
                functions.get(id).handler(), handler -> new TreeSet<>());
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
                    statementActions(
                        map(properties.get("PolicyDocument")).get("Statement"),
                        condition,
                        actionsByHandler.get(functions.get(functionId).handler()));
                  }
                });
          }
        });
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
    resources.values().stream()
        .filter(resource -> "AWS::CloudWatch::Alarm".equals(resource.get("Type")))
        .forEach(alarm -> alarms.add(describeAlarm(map(alarm.get("Properties")))));
    Map<String, String> streamsByHandler = new TreeMap<>();
    stack
        .streamSources()
        .forEach(
            source ->
                streamsByHandler.put(
                    functions.get(source.functionLogicalId()).handler(),
                    source.tableLogicalId()
                        + " from "
                        + source.startingPosition()
                        + ", batches of "
                        + source.batchSize()
                        + ", "
                        + source.maximumRetryAttempts()
                        + " retries, bisect "
                        + source.bisectBatchOnFunctionError()
                        + ", item failures "
                        + source.reportsBatchItemFailures()
                        + ", events "
                        + source.eventNames()
                        + ", on failure to "
                        + source.onFailureLogicalId()));
    return new StackShape(
        stack.routeSelectionExpression(),
        handlerByRoute,
        twoWay,
        tableByVariable,
        variablesByHandler,
        actionsByHandler,
        logRetentionByHandler,
        alarms,
        streamsByHandler);
  }

  /** Where the two disagree, one line each; empty when they agree. */
  List<String> differencesFrom(StackShape other) {
    List<String> differences = new ArrayList<>();
    compare("route selection", routeSelection, other.routeSelection, differences);
    compare("routes and handlers", handlerByRoute, other.handlerByRoute, differences);
    compare("routes with route responses", twoWayRoutes, other.twoWayRoutes, differences);
    compare("tables", tableByVariable, other.tableByVariable, differences);
    compare(
        "environment variables per handler",
        variablesByHandler,
        other.variablesByHandler,
        differences);
    compare("IAM actions per handler", actionsByHandler, other.actionsByHandler, differences);
    compare(
        "log retention per handler",
        logRetentionByHandler,
        other.logRetentionByHandler,
        differences);
    compare("alarms", alarms, other.alarms, differences);
    compare("stream event sources", streamsByHandler, other.streamsByHandler, differences);
    return differences;
  }

  private static void compare(String what, Object mine, Object theirs, List<String> differences) {
    if (!mine.equals(theirs)) {
      differences.add(what + " differ:\n  " + mine + "\n  " + theirs);
    }
  }

  private static String describe(TableDefinition table) {
    StringBuilder text = new StringBuilder();
    table
        .keySchema()
        .forEach(
            key ->
                text.append(key.attributeName())
                    .append(':')
                    .append(key.keyTypeAsString())
                    .append(' '));
    table
        .globalSecondaryIndexes()
        .forEach(
            index ->
                text.append("index ")
                    .append(index.indexName())
                    .append(
                        index.keySchema().stream()
                            .map(key -> key.attributeName() + ":" + key.keyTypeAsString())
                            .toList())
                    .append(index.projection().projectionTypeAsString())
                    .append(index.projection().nonKeyAttributes())
                    .append(' '));
    table.timeToLiveAttribute().ifPresent(ttl -> text.append("ttl ").append(ttl));
    return text.toString().trim();
  }

  private static String describeAlarm(Map<String, Object> alarm) {
    if (alarm.containsKey("MetricName")) {
      return alarm.get("Namespace")
          + "/"
          + alarm.get("MetricName")
          + " "
          + alarm.get("ComparisonOperator");
    }
    Set<String> watched = new TreeSet<>();
    StringBuilder expression = new StringBuilder();
    for (Object query : list(alarm.get("Metrics"))) {
      Map<String, Object> metric = map(map(map(query).get("MetricStat")).get("Metric"));
      if (!metric.isEmpty()) {
        watched.add(metric.get("Namespace") + "/" + metric.get("MetricName"));
      }
      if (map(query).containsKey("Expression")) {
        expression.append(map(query).get("Expression"));
      }
    }
    return watched + " " + expression + " " + alarm.get("ComparisonOperator");
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

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> map(Object value) {
    return value instanceof Map ? (Map<String, V>) value : Map.of();
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }
}
