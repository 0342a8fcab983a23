package io.checkmark.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.event.ruler.RuleCompiler;

/**
 * The stack described by {@code template.yaml}: its WebSocket routes with the functions behind
 * them, each function's handler and environment, and its DynamoDB tables, with every intrinsic
 * function resolved against local values. A resource whose {@code Condition} is false with the
 * given parameters is not part of the stack. The local stack and the tests read the stack only
 * through this class, so a route or table added to the template needs no code change.
 */
public final class SamTemplate {

  public static final String LOCAL_ACCOUNT_ID = "000000000000";

  private static final Pattern INTEGRATION_TARGET = Pattern.compile("^integrations/(.+)$");
  private static final Pattern FUNCTION_IN_ARN = Pattern.compile(":function:([^/:]+)");
  private static final ObjectReader STRICT_JSON =
      new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Map<String, Object> document;

  /** Every resource the template declares: what {@code Ref} and {@code Fn::GetAtt} resolve. */
  private final Map<String, Map<String, Object>> declaredResources;

  /** The resources the stack has with these parameters: those whose {@code Condition} holds. */
  private final Map<String, Map<String, Object>> resources;

  private final Intrinsics intrinsics;
  private final String region;
  private final String stackName;
  private final List<StreamSource> streamSources;

  private SamTemplate(
      Map<String, Object> document,
      Map<String, String> parameterOverrides,
      String region,
      String stackName) {
    this.document = document;
    this.declaredResources = resourcesOf(document);
    this.region = region;
    this.stackName = stackName;
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("AWS::Region", region);
    values.put("AWS::AccountId", LOCAL_ACCOUNT_ID);
    values.put("AWS::StackName", stackName);
    values.put(
        "AWS::StackId",
        "arn:aws:cloudformation:" + region + ":" + LOCAL_ACCOUNT_ID + ":stack/" + stackName);
    values.put("AWS::Partition", "aws");
    values.put("AWS::URLSuffix", "amazonaws.com");
    section("Parameters")
        .forEach(
            (name, definition) -> {
              Object defaultValue = definition instanceof Map<?, ?> map ? map.get("Default") : null;
              values.put(
                  name,
                  parameterOverrides.getOrDefault(
                      name, defaultValue == null ? "" : String.valueOf(defaultValue)));
            });
    parameterOverrides.forEach(values::putIfAbsent);
    this.intrinsics =
        new Intrinsics(values, section("Conditions"), this::physicalId, this::attribute);
    this.resources = created();
    // Read now, so that a stream the stack could not run (a bad filter pattern) fails the load.
    this.streamSources = List.copyOf(readStreamSources());
  }

  public static SamTemplate load(
      Path path, Map<String, String> parameterOverrides, String region, String stackName) {
    return new SamTemplate(CloudFormationYaml.load(path), parameterOverrides, region, stackName);
  }

  public static SamTemplate load(Path path) {
    return load(path, Map.of(), "us-east-1", "checkmark-local");
  }

  /** The names of the template's parameters, in the order it declares them. */
  public Set<String> parameterNames() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(section("Parameters").keySet()));
  }

  /** The WebSocket API's route selection expression, such as {@code $request.body.action}. */
  public String routeSelectionExpression() {
    Map<String, Object> api = webSocketApi().getValue();
    return intrinsics.resolveString(properties(api).get("RouteSelectionExpression"));
  }

  /** The stage the WebSocket API is deployed to. */
  public String stageName() {
    return resources.values().stream()
        .filter(resource -> "AWS::ApiGatewayV2::Stage".equals(resource.get("Type")))
        .map(stage -> intrinsics.resolveString(properties(stage).get("StageName")))
        .findFirst()
        .orElseThrow(() -> new TemplateException("the template has no AWS::ApiGatewayV2::Stage"));
  }

  /** Every route of the WebSocket API with the function its integration invokes. */
  public List<Route> routes() {
    List<String> routesWithResponses = new ArrayList<>();
    resourcesOfType("AWS::ApiGatewayV2::RouteResponse")
        .forEach(
            (id, properties) ->
                routesWithResponses.add(intrinsics.resolveString(properties.get("RouteId"))));
    List<Route> routes = new ArrayList<>();
    resourcesOfType("AWS::ApiGatewayV2::Route")
        .forEach(
            (id, properties) -> {
              String routeKey = intrinsics.resolveString(properties.get("RouteKey"));
              String target = intrinsics.resolveString(properties.get("Target"));
              if (target == null) {
                throw new TemplateException(
                    "route " + id + " (" + routeKey + ") has no integration Target");
              }
              Matcher integration = INTEGRATION_TARGET.matcher(target);
              if (!integration.matches()) {
                throw new TemplateException(
                    "route " + id + " targets " + target + ", not integrations/<id>");
              }
              routes.add(
                  new Route(
                      id,
                      routeKey,
                      functionOfIntegration(integration.group(1)),
                      routesWithResponses.contains(id)));
            });
    return routes;
  }

  /** Every Lambda function, by logical id, with Globals merged in. */
  public Map<String, LambdaFunction> functions() {
    Map<String, Object> globals = mapOrEmpty(mapOrEmpty(document.get("Globals")).get("Function"));
    Map<String, LambdaFunction> functions = new LinkedHashMap<>();
    resources.forEach(
        (id, resource) -> {
          Object type = resource.get("Type");
          if (!"AWS::Serverless::Function".equals(type) && !"AWS::Lambda::Function".equals(type)) {
            return;
          }
          Map<String, Object> properties = properties(resource);
          boolean sam = "AWS::Serverless::Function".equals(type);
          Map<String, String> environment = new LinkedHashMap<>();
          if (sam) {
            environment.putAll(variables(globals));
          }
          environment.putAll(variables(properties));
          String handler =
              intrinsics.resolveString(
                  sam
                      ? properties.getOrDefault("Handler", globals.get("Handler"))
                      : properties.get("Handler"));
          Object timeout =
              sam
                  ? properties.getOrDefault("Timeout", globals.getOrDefault("Timeout", 3))
                  : properties.getOrDefault("Timeout", 3);
          Object memory =
              sam
                  ? properties.getOrDefault("MemorySize", globals.getOrDefault("MemorySize", 128))
                  : properties.getOrDefault("MemorySize", 128);
          if (handler == null) {
            throw new TemplateException("function " + id + " has no Handler");
          }
          functions.put(
              id,
              new LambdaFunction(
                  id,
                  handler,
                  environment,
                  Integer.parseInt(intrinsics.resolveString(timeout)),
                  Integer.parseInt(intrinsics.resolveString(memory))));
        });
    return functions;
  }

  /**
   * Every DynamoDB stream that runs a function: a SAM function's {@code DynamoDB} events, and
   * {@code AWS::Lambda::EventSourceMapping} resources (as CDK writes them).
   */
  public List<StreamSource> streamSources() {
    return streamSources;
  }

  private List<StreamSource> readStreamSources() {
    List<StreamSource> sources = new ArrayList<>();
    resources.forEach(
        (id, resource) -> {
          Map<String, Object> properties = properties(resource);
          if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
            mapOrEmpty(properties.get("Events"))
                .forEach(
                    (name, event) -> {
                      Map<String, Object> declared = mapOrEmpty(event);
                      if ("DynamoDB".equals(declared.get("Type"))) {
                        sources.add(
                            streamSource(id, mapOrEmpty(declared.get("Properties")), "Stream"));
                      }
                    });
          } else if ("AWS::Lambda::EventSourceMapping".equals(resource.get("Type"))) {
            sources.add(
                streamSource(
                    functionBehind(properties.get("FunctionName")), properties, "EventSourceArn"));
          }
        });
    return sources;
  }

  /** The function a {@code Ref} names, directly or through one of its aliases. */
  private String functionBehind(Object reference) {
    Object id = mapOrEmpty(reference).getOrDefault("Ref", reference);
    Map<String, Object> resource = mapOrEmpty(declaredResources.get(String.valueOf(id)));
    if ("AWS::Lambda::Alias".equals(resource.get("Type"))) {
      return functionBehind(properties(resource).get("FunctionName"));
    }
    return String.valueOf(id);
  }

  private StreamSource streamSource(
      String functionId, Map<String, Object> properties, String streamProperty) {
    Object stream = mapOrEmpty(properties.get(streamProperty)).get("Fn::GetAtt");
    if (!(stream instanceof List<?> parts) || !"StreamArn".equals(String.valueOf(parts.get(1)))) {
      throw new TemplateException(
          "the stream of " + functionId + " must be !GetAtt <table>.StreamArn");
    }
    String tableId = String.valueOf(parts.get(0));
    List<String> filterPatterns = new ArrayList<>();
    for (Object filter : listOrEmpty(mapOrEmpty(properties.get("FilterCriteria")).get("Filters"))) {
      filterPatterns.add(
          filterPattern(functionId, intrinsics.resolveString(mapOrEmpty(filter).get("Pattern"))));
    }
    Object onFailure =
        mapOrEmpty(
                mapOrEmpty(mapOrEmpty(properties.get("DestinationConfig")).get("OnFailure"))
                    .get("Destination"))
            .get("Fn::GetAtt");
    return new StreamSource(
        functionId,
        tableId,
        physicalId(tableId),
        Integer.parseInt(intrinsics.resolveString(properties.getOrDefault("BatchSize", 100))),
        Integer.parseInt(
            intrinsics.resolveString(properties.getOrDefault("MaximumRetryAttempts", -1))),
        Boolean.parseBoolean(
            intrinsics.resolveString(properties.getOrDefault("BisectBatchOnFunctionError", false))),
        listOrEmpty(properties.get("FunctionResponseTypes")).stream()
            .map(String::valueOf)
            .toList()
            .contains("ReportBatchItemFailures"),
        List.copyOf(filterPatterns),
        onFailure instanceof List<?> destination ? String.valueOf(destination.get(0)) : null,
        intrinsics.resolveString(properties.get("StartingPosition")));
  }

  /**
   * A stream filter pattern checked as Lambda checks it (event-ruler's syntax, which Lambda's is)
   * and written as compact JSON, so that the same pattern reads the same however it was spaced.
   */
  private static String filterPattern(String functionId, String pattern) {
    String text = pattern == null ? "" : pattern.strip();
    String problem;
    String compact = null;
    if (text.isEmpty()) {
      problem = "it is empty";
    } else {
      try {
        compact = STRICT_JSON.readTree(text).toString();
        problem = RuleCompiler.check(compact);
      } catch (JsonProcessingException notJson) {
        problem = notJson.getOriginalMessage();
      }
    }
    if (problem != null) {
      throw new TemplateException(
          "the stream filter pattern of "
              + functionId
              + " is not valid ("
              + firstLine(problem)
              + "): "
              + text.replaceAll("\\s*\\R\\s*", " "));
    }
    return compact;
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse(text);
  }

  /** The IAM statements of a SAM function's inline policies, every intrinsic resolved. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> policyStatements(String functionLogicalId) {
    List<Map<String, Object>> statements = new ArrayList<>();
    Object policies = properties(declaredResources.get(functionLogicalId)).get("Policies");
    if (policies instanceof List<?> list) {
      for (Object policy : list) {
        Object resolved = intrinsics.resolve(mapOrEmpty(policy).get("Statement"));
        if (resolved instanceof List<?> each) {
          each.forEach(statement -> statements.add((Map<String, Object>) statement));
        }
      }
    }
    return statements;
  }

  /**
   * The ARN of every Secrets Manager secret the template declares, by logical id: what a function's
   * {@code !Ref} to it resolves to.
   */
  public Map<String, String> secrets() {
    Map<String, String> secrets = new LinkedHashMap<>();
    resourcesOfType("AWS::SecretsManager::Secret")
        .forEach((id, properties) -> secrets.put(id, physicalId(id)));
    return secrets;
  }

  /** Every DynamoDB table with its keys, indexes and TTL. */
  public List<TableDefinition> tables() {
    List<TableDefinition> tables = new ArrayList<>();
    resourcesOfType("AWS::DynamoDB::Table")
        .forEach(
            (id, properties) -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> resolved = (Map<String, Object>) intrinsics.resolve(properties);
              tables.add(TableDefinition.fromProperties(id, physicalId(id), resolved));
            });
    return tables;
  }

  /** Every S3 bucket, with the CORS rules browsers are held to. */
  public List<Bucket> buckets() {
    List<Bucket> buckets = new ArrayList<>();
    resourcesOfType("AWS::S3::Bucket")
        .forEach(
            (id, properties) -> {
              List<CorsRule> rules = new ArrayList<>();
              for (Object rule :
                  listOrEmpty(
                      mapOrEmpty(intrinsics.resolve(properties.get("CorsConfiguration")))
                          .get("CorsRules"))) {
                Map<String, Object> fields = mapOrEmpty(rule);
                rules.add(
                    new CorsRule(
                        strings(fields.get("AllowedOrigins")),
                        strings(fields.get("AllowedMethods")),
                        strings(fields.get("AllowedHeaders")),
                        strings(fields.get("ExposedHeaders"))));
              }
              buckets.add(new Bucket(id, physicalId(id), List.copyOf(rules)));
            });
    return buckets;
  }

  private static List<String> strings(Object list) {
    return listOrEmpty(list).stream().map(String::valueOf).toList();
  }

  private Map.Entry<String, Map<String, Object>> webSocketApi() {
    return resources.entrySet().stream()
        .filter(entry -> "AWS::ApiGatewayV2::Api".equals(entry.getValue().get("Type")))
        .filter(
            entry ->
                "WEBSOCKET"
                    .equals(
                        intrinsics.resolveString(properties(entry.getValue()).get("ProtocolType"))))
        .findFirst()
        .orElseThrow(
            () -> new TemplateException("the template has no WebSocket AWS::ApiGatewayV2::Api"));
  }

  private String functionOfIntegration(String integrationId) {
    Map<String, Object> integration =
        Optional.ofNullable(declaredResources.get(integrationId))
            .filter(resource -> "AWS::ApiGatewayV2::Integration".equals(resource.get("Type")))
            .orElseThrow(
                () ->
                    new TemplateException(
                        "no AWS::ApiGatewayV2::Integration named " + integrationId));
    String uri = intrinsics.resolveString(properties(integration).get("IntegrationUri"));
    Matcher function = FUNCTION_IN_ARN.matcher(uri == null ? "" : uri);
    if (!function.find()) {
      throw new TemplateException(
          "integration " + integrationId + " does not invoke a Lambda function: " + uri);
    }
    return function.group(1);
  }

  private Map<String, String> variables(Map<String, Object> functionProperties) {
    Map<String, Object> declared =
        mapOrEmpty(mapOrEmpty(functionProperties.get("Environment")).get("Variables"));
    Map<String, String> environment = new LinkedHashMap<>();
    declared.forEach(
        (name, value) -> {
          String resolved = intrinsics.resolveString(value);
          if (resolved != null) {
            environment.put(name, resolved);
          }
        });
    return environment;
  }

  /**
   * What {@code Ref} gives for a resource here: a table's name, a secret's ARN, else its logical
   * id; SAM's {@code Function.Alias} and {@code Function.Version} give the function's qualified
   * ARN.
   */
  private String physicalId(String logicalId) {
    int dot = logicalId.indexOf('.');
    if (dot > 0) {
      return attribute(logicalId.substring(0, dot), logicalId.substring(dot + 1));
    }
    Map<String, Object> resource = declaredResources.get(logicalId);
    if (resource == null) {
      throw new TemplateException(
          "Ref to " + logicalId + ", which is neither a parameter nor a resource");
    }
    if ("AWS::Lambda::Alias".equals(resource.get("Type"))) {
      // A plain CloudFormation alias (as CDK writes it): its ARN is the function's, qualified.
      Map<String, Object> alias = properties(resource);
      return "arn:aws:lambda:"
          + region
          + ":"
          + LOCAL_ACCOUNT_ID
          + ":function:"
          + intrinsics.resolveString(alias.get("FunctionName"))
          + ":"
          + intrinsics.resolveString(alias.get("Name"));
    }
    if ("AWS::SecretsManager::Secret".equals(resource.get("Type"))) {
      // Ref gives a secret's ARN; AWS ends it in six random characters, fixed here.
      return "arn:aws:secretsmanager:"
          + region
          + ":"
          + LOCAL_ACCOUNT_ID
          + ":secret:"
          + logicalId
          + "-local0";
    }
    if ("AWS::S3::Bucket".equals(resource.get("Type"))) {
      // CloudFormation names a bucket after its stack and logical id, in the lower case S3 needs.
      Object bucketName = properties(resource).get("BucketName");
      return bucketName != null
          ? intrinsics.resolveString(bucketName)
          : (stackName + "-" + logicalId).toLowerCase(Locale.ROOT);
    }
    if ("AWS::DynamoDB::Table".equals(resource.get("Type"))) {
      Object tableName = properties(resource).get("TableName");
      if (tableName != null) {
        return intrinsics.resolveString(tableName);
      }
    }
    return logicalId;
  }

  private String attribute(String logicalId, String attribute) {
    Map<String, Object> resource = declaredResources.get(logicalId);
    if (resource == null) {
      throw new TemplateException("GetAtt on " + logicalId + ", which is not a resource");
    }
    String type = String.valueOf(resource.get("Type"));
    String prefix = "arn:aws:";
    if (type.endsWith("::Function")) {
      String arn = prefix + "lambda:" + region + ":" + LOCAL_ACCOUNT_ID + ":function:" + logicalId;
      switch (attribute) {
        case "Arn":
          return arn;
        case "Alias":
          return arn + ":" + autoPublishAlias(resource);
        case "Version":
          return arn + ":1";
        default:
          break;
      }
    }
    if (attribute.equals("Arn") && type.equals("AWS::DynamoDB::Table")) {
      return prefix
          + "dynamodb:"
          + region
          + ":"
          + LOCAL_ACCOUNT_ID
          + ":table/"
          + physicalId(logicalId);
    }
    if (attribute.equals("Arn") && type.equals("AWS::S3::Bucket")) {
      return prefix + "s3:::" + physicalId(logicalId);
    }
    return prefix
        + type.toLowerCase().replace("::", "-")
        + ":"
        + region
        + ":"
        + LOCAL_ACCOUNT_ID
        + ":"
        + logicalId
        + "/"
        + attribute;
  }

  /** The alias SAM publishes for a function: its own AutoPublishAlias, else the Globals one. */
  private String autoPublishAlias(Map<String, Object> function) {
    Object alias = properties(function).get("AutoPublishAlias");
    if (alias == null) {
      alias =
          mapOrEmpty(mapOrEmpty(document.get("Globals")).get("Function")).get("AutoPublishAlias");
    }
    if (alias == null) {
      throw new TemplateException("a function without AutoPublishAlias has no .Alias to refer to");
    }
    return intrinsics.resolveString(alias);
  }

  /**
   * The declared resources CloudFormation creates with these parameters: those without a {@code
   * Condition} and those whose condition holds (a bucket for a feature that is off is no bucket).
   */
  private Map<String, Map<String, Object>> created() {
    Map<String, Map<String, Object>> created = new LinkedHashMap<>();
    declaredResources.forEach(
        (id, resource) -> {
          Object condition = resource.get("Condition");
          if (condition == null || intrinsics.condition(String.valueOf(condition))) {
            created.put(id, resource);
          }
        });
    return Collections.unmodifiableMap(created);
  }

  private Map<String, Map<String, Object>> resourcesOfType(String type) {
    Map<String, Map<String, Object>> result = new LinkedHashMap<>();
    resources.forEach(
        (id, resource) -> {
          if (type.equals(resource.get("Type"))) {
            result.put(id, properties(resource));
          }
        });
    return result;
  }

  private Map<String, Object> section(String name) {
    return mapOrEmpty(document.get(name));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> resourcesOf(Map<String, Object> document) {
    Object resources = document.get("Resources");
    if (!(resources instanceof Map)) {
      throw new TemplateException("the template has no Resources");
    }
    return (Map<String, Map<String, Object>>) resources;
  }

  private static Map<String, Object> properties(Map<String, Object> resource) {
    return mapOrEmpty(resource.get("Properties"));
  }

  private static List<?> listOrEmpty(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> mapOrEmpty(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : Map.of();
  }

  /**
   * A WebSocket route; {@code twoWay} when a route response sends the integration's reply to the
   * client.
   */
  public record Route(
      String logicalId, String routeKey, String functionLogicalId, boolean twoWay) {}

  /**
   * A DynamoDB stream that runs a function, as its event source mapping is configured: records of
   * the table's stream in batches of up to {@code batchSize}, retried up to {@code
   * maximumRetryAttempts} times (-1: until they expire), halved on error when {@code
   * bisectBatchOnFunctionError}; only the records one of the {@code filterPatterns} matches (all
   * when there is none; each pattern Lambda's filter syntax, as compact JSON); a batch given up on
   * recorded at {@code onFailureLogicalId} (null for none).
   */
  public record StreamSource(
      String functionLogicalId,
      String tableLogicalId,
      String tableName,
      int batchSize,
      int maximumRetryAttempts,
      boolean bisectBatchOnFunctionError,
      boolean reportsBatchItemFailures,
      List<String> filterPatterns,
      String onFailureLogicalId,
      String startingPosition) {}

  /** An S3 bucket: its logical id, its name, and its CORS rules in order. */
  public record Bucket(String logicalId, String name, List<CorsRule> corsRules) {}

  /** One rule of a bucket's CORS configuration. */
  public record CorsRule(
      List<String> allowedOrigins,
      List<String> allowedMethods,
      List<String> allowedHeaders,
      List<String> exposedHeaders) {}

  /** A Lambda function: its handler ({@code class::method}), environment, timeout and memory. */
  public record LambdaFunction(
      String logicalId,
      String handler,
      Map<String, String> environment,
      int timeoutSeconds,
      int memoryMegabytes) {

    public String handlerClass() {
      int separator = handler.indexOf("::");
      return separator < 0 ? handler : handler.substring(0, separator);
    }
  }
}
