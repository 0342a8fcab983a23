package io.checkmark.infra;

import io.checkmark.template.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.ICfnConditionExpression;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.apigatewayv2.CfnApi;
import software.amazon.awscdk.services.apigatewayv2.CfnDeployment;
import software.amazon.awscdk.services.apigatewayv2.CfnIntegration;
import software.amazon.awscdk.services.apigatewayv2.CfnRoute;
import software.amazon.awscdk.services.apigatewayv2.CfnRouteResponse;
import software.amazon.awscdk.services.apigatewayv2.CfnStage;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentGroup;
import software.amazon.awscdk.services.dynamodb.CfnTable;
import software.amazon.awscdk.services.iam.CfnPolicy;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnEventSourceMapping;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.CfnBucketPolicy;
import software.amazon.awscdk.services.secretsmanager.CfnSecret;
import software.amazon.awscdk.services.sns.CfnTopic;
import software.amazon.awscdk.services.sqs.CfnQueue;
import software.constructs.Construct;

/**
 * The Checkmark stack of {@code template.yaml}, built with CDK: the same WebSocket routes,
 * functions (from the same jar), tables, permissions, alarms, canary deployments and optional web
 * client hosting. A parity test holds the two to each other.
 */
public final class CheckmarkStack extends Stack {

  public static final String DESCRIPTION =
      "Checkmark: WhatsApp-style messaging on API Gateway WebSockets, Lambda and DynamoDB.";
  public static final String DEFAULT_FUNCTION_JAR = "../functions/target/checkmark-functions.jar";

  /** The routes and handlers come from here: template.yaml is their one list. */
  public static final String DEFAULT_TEMPLATE = "../template.yaml";

  /** The retentions CloudWatch Logs accepts, in days. */
  private static final List<String> LOG_RETENTION_DAYS =
      List.of(
          "1", "3", "5", "7", "14", "30", "60", "90", "120", "150", "180", "365", "400", "545",
          "731", "1096", "1827", "2192", "2557", "2922", "3288", "3653");

  /**
   * The routes whose functions read the test numbers (requestPin skips the SMS, verifyPin takes the
   * fixed PIN).
   */
  private static final Set<String> READS_TEST_NUMBERS = Set.of("RequestPin");

  /** The function the GroupEvents table's stream runs. */
  private static final String FAN_OUT = "FanOut";

  /** The function the Messages table's stream runs, to wake offline devices by push. */
  private static final String NOTIFY = "Notify";

  /**
   * The records the notifier runs for: messages ({@code k} m) and group updates (u) stored, never
   * receipts or removals.
   */
  private static final String STORED_MESSAGES_AND_GROUP_UPDATES =
      "{\"eventName\": [\"INSERT\"], \"dynamodb\": {\"NewImage\": {\"k\": {\"S\": [\"m\", \"u\"]}}}}";

  /**
   * CloudWatch's limit of metrics ({@code MetricStat}) in one metric-math alarm: the throttles
   * alarms watch this many functions each.
   */
  private static final int METRICS_PER_ALARM = 10;

  /** The first throttles alarm; the others are this name and 2, 3, ... */
  private static final String THROTTLES_ALARM = "FunctionThrottlesAlarm";

  private final Map<String, CfnTable> tables = new LinkedHashMap<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final CfnApi api;
  private final CfnParameter stageName;
  private final CfnSecret messageIdKey;
  private final CfnParameter sendsPer10Seconds;
  private final CfnParameter readsPer10Seconds;
  private final CfnParameter presenceQueriesPer10Seconds;
  private final CfnParameter unknownRecipientsPerDay;
  private final CfnParameter linkRequestsPerAddress;
  private final CfnParameter groupsPerDay;
  private final CfnParameter memberAdditionsPerDay;
  private final CfnParameter maxMediaBytes;
  private final CfnParameter mediaUploadsPerHour;
  private final CfnBucket mediaBucket;
  private final List<PlatformApplication> platformApplications;
  private final CfnCondition hasPush;

  public CheckmarkStack(
      Construct scope, String id, StackProps props, String functionJar, SamTemplate template) {
    super(scope, id, props);
    stageName =
        CfnParameter.Builder.create(this, "StageName")
            .type("String")
            .defaultValue("dev")
            .allowedPattern("[A-Za-z0-9_-]+")
            .description("Stage of the WebSocket API; part of the WebSocket URL.")
            .build();
    CfnParameter logLevel =
        CfnParameter.Builder.create(this, "LogLevel")
            .type("String")
            .defaultValue("INFO")
            .allowedValues(List.of("DEBUG", "INFO", "WARN", "ERROR"))
            .description("Level of the functions' structured JSON logs.")
            .build();
    CfnParameter countries =
        parameter(
            "AllowedCountryCodes",
            "String",
            "",
            "Calling codes that may register; empty allows all.");
    CfnParameter logRetention =
        CfnParameter.Builder.create(this, "LogRetentionDays")
            .type("Number")
            .defaultValue(30)
            .allowedValues(LOG_RETENTION_DAYS)
            .description("Days CloudWatch keeps each function's logs.")
            .build();
    CfnParameter testNumbers =
        CfnParameter.Builder.create(this, "TestNumbersParameterName")
            .type("String")
            .defaultValue("")
            .allowedPattern("(/[A-Za-z0-9_.-]+)*")
            .description(
                "SSM SecureString parameter (from its leading slash) of test numbers with fixed PINs; empty for none.")
            .build();
    CfnParameter perAddress =
        CfnParameter.Builder.create(this, "PinRequestsPerAddressPerHour")
            .type("Number")
            .defaultValue(20)
            .minValue(1)
            .description("requestPin calls one source IP address may make in an hour.")
            .build();
    CfnParameter smsPerCallingCode =
        CfnParameter.Builder.create(this, "PinSmsPerCallingCodePerHour")
            .type("Number")
            .defaultValue(1000)
            .minValue(1)
            .description("PIN SMS to all numbers of one calling code in an hour.")
            .build();
    CfnParameter failuresPerAddress =
        CfnParameter.Builder.create(this, "AuthFailuresPerAddressPerHour")
            .type("Number")
            .defaultValue(100)
            .minValue(1)
            .description("Wrong PINs and device keys one source IP address may send in an hour.")
            .build();
    CfnParameter failuresPerPhoneAndAddress =
        CfnParameter.Builder.create(this, "AuthFailuresPerPhoneAndAddressPerHour")
            .type("Number")
            .defaultValue(20)
            .minValue(1)
            .description(
                "Wrong PINs and device keys for one phone from one source IP address in an hour.")
            .build();
    CfnParameter anonymousConnects =
        CfnParameter.Builder.create(this, "AnonymousConnectsPerAddressPerMinute")
            .type("Number")
            .defaultValue(60)
            .minValue(20)
            .description(
                "Connections without credentials one source IP address may open in a minute.")
            .build();
    linkRequestsPerAddress =
        CfnParameter.Builder.create(this, "LinkRequestsPerAddressPerHour")
            .type("Number")
            .defaultValue(20)
            .minValue(10)
            .description("requestLink calls one source IP address may make in an hour.")
            .build();
    sendsPer10Seconds =
        CfnParameter.Builder.create(this, "SendsPerAccountPer10Seconds")
            .type("Number")
            .defaultValue(160)
            .minValue(1)
            .description(
                "sends one account may make in each 10-second window (a burst of 50 on 10/s always fits).")
            .build();
    readsPer10Seconds =
        CfnParameter.Builder.create(this, "ReadsPerAccountPer10Seconds")
            .type("Number")
            .defaultValue(160)
            .minValue(1)
            .description("reads one account may make in each 10-second window.")
            .build();
    presenceQueriesPer10Seconds =
        CfnParameter.Builder.create(this, "PresenceQueriesPerAccountPer10Seconds")
            .type("Number")
            .defaultValue(20)
            .minValue(1)
            .description("presence queries one account may make in each 10-second window.")
            .build();
    unknownRecipientsPerDay =
        CfnParameter.Builder.create(this, "UnknownRecipientsPerAccountPerDay")
            .type("Number")
            .defaultValue(50)
            .minValue(1)
            .description("Distinct unregistered numbers one account may be told of in a UTC day.")
            .build();
    groupsPerDay =
        CfnParameter.Builder.create(this, "GroupsPerAccountPerDay")
            .type("Number")
            .defaultValue(50)
            .minValue(1)
            .description("Groups one account may create in a UTC day.")
            .build();
    memberAdditionsPerDay =
        CfnParameter.Builder.create(this, "MemberAdditionsPerAccountPerDay")
            .type("Number")
            .defaultValue(200)
            .minValue(1)
            .description("updateGroup calls that add members one account may make in a UTC day.")
            .build();
    maxMediaBytes =
        CfnParameter.Builder.create(this, "MaxMediaBytes")
            .type("Number")
            .defaultValue(104_857_600)
            .minValue(1024)
            .maxValue(5_368_709_120L)
            .description(
                "Largest encrypted media file one requestUpload may grant (bytes; 100 MB by default, 5 GB is a single PUT's limit).")
            .build();
    mediaUploadsPerHour =
        CfnParameter.Builder.create(this, "MediaUploadsPerAccountPerHour")
            .type("Number")
            .defaultValue(200)
            .minValue(1)
            .description("requestUpload calls one account may make in an hour.")
            .build();
    platformApplications =
        List.of(
            platformApplication(
                "Apns",
                "APNS",
                "SNS platform application for Apple's production push service (see docs/push.md to create one); empty for no iOS push."),
            platformApplication(
                "ApnsSandbox",
                "APNS_SANDBOX",
                "SNS platform application for Apple's sandbox push service (development builds); empty for none."),
            platformApplication(
                "Fcm",
                "GCM",
                "SNS platform application for Firebase Cloud Messaging (Android); empty for no Android push."));
    CfnParameter senderId =
        parameter(
            "SmsSenderId", "String", "", "Alphanumeric sender id of the PIN SMS; empty for none.");
    CfnParameter alarmEmail =
        parameter("AlarmEmail", "String", "", "Address that alarms are mailed to; empty for none.");
    CfnParameter backlogSeconds =
        CfnParameter.Builder.create(this, "BacklogAgeAlarmSeconds")
            .type("Number")
            .defaultValue(900)
            .minValue(60)
            .description("Alarm when a sync finds a queued item older than this.")
            .build();
    CfnParameter smsSpend =
        CfnParameter.Builder.create(this, "SmsMonthlySpendAlarmUsd")
            .type("Number")
            .defaultValue(50)
            .minValue(1)
            .description("Alarm when this month's SMS spend passes this many dollars.")
            .build();
    CfnParameter deletionProtection =
        CfnParameter.Builder.create(this, "DeletionProtection")
            .type("String")
            .defaultValue("true")
            .allowedValues(List.of("true", "false"))
            .description("Deletion protection of the tables.")
            .build();
    CfnParameter webClient =
        CfnParameter.Builder.create(this, "WebClient")
            .type("String")
            .defaultValue("false")
            .allowedValues(List.of("true", "false"))
            .description("'true' hosts the web client on a private S3 bucket behind CloudFront.")
            .build();
    CfnParameter webClientPriceClass =
        CfnParameter.Builder.create(this, "WebClientPriceClass")
            .type("String")
            .defaultValue("PriceClass_100")
            .allowedValues(List.of("PriceClass_100", "PriceClass_200", "PriceClass_All"))
            .description("CloudFront edge locations that serve the web client.")
            .build();
    CfnCondition hasAlarmEmail =
        CfnCondition.Builder.create(this, "HasAlarmEmail")
            .expression(Fn.conditionNot(Fn.conditionEquals(alarmEmail.getValueAsString(), "")))
            .build();
    CfnCondition hasTestNumbers =
        CfnCondition.Builder.create(this, "HasTestNumbers")
            .expression(Fn.conditionNot(Fn.conditionEquals(testNumbers.getValueAsString(), "")))
            .build();
    CfnCondition hostsWebClient =
        CfnCondition.Builder.create(this, "HostsWebClient")
            .expression(Fn.conditionEquals(webClient.getValueAsString(), "true"))
            .build();
    hasPush =
        CfnCondition.Builder.create(this, "HasPush")
            .expression(
                Fn.conditionOr(
                    platformApplications.stream()
                        .map(PlatformApplication::given)
                        .toArray(ICfnConditionExpression[]::new)))
            .build();

    api =
        CfnApi.Builder.create(this, "WebSocketApi")
            .name(Aws.STACK_NAME + "-websocket")
            .protocolType("WEBSOCKET")
            .routeSelectionExpression("$request.body.action")
            .build();
    api.addPropertyOverride("Name", Fn.sub("${AWS::StackName}-websocket"));

    table(
        "ConnectionsTable",
        "CONNECTIONS_TABLE",
        deletionProtection,
        List.of(key("id", "HASH")),
        List.of(attribute("id", "S"), attribute("phone", "S")),
        "expiresAt",
        List.of(
            CfnTable.GlobalSecondaryIndexProperty.builder()
                .indexName("devicesByPhone")
                .keySchema(List.of(key("phone", "HASH")))
                .projection(
                    CfnTable.ProjectionProperty.builder()
                        .projectionType("INCLUDE")
                        .nonKeyAttributes(List.of("deviceId", "keyGeneration"))
                        .build())
                .build()));
    table(
        "AccountsTable",
        "ACCOUNTS_TABLE",
        deletionProtection,
        List.of(key("phone", "HASH")),
        List.of(attribute("phone", "S")),
        null,
        List.of());
    table(
        "PinsTable",
        "PINS_TABLE",
        deletionProtection,
        List.of(key("phone", "HASH")),
        List.of(attribute("phone", "S")),
        "expiresAt",
        List.of());
    table(
        "MessagesTable",
        "MESSAGES_TABLE",
        deletionProtection,
        List.of(key("queue", "HASH"), key("id", "RANGE")),
        List.of(attribute("queue", "S"), attribute("id", "S")),
        "expiresAt",
        List.of());
    table(
        "RateLimitsTable",
        "RATE_LIMITS_TABLE",
        deletionProtection,
        List.of(key("bucket", "HASH")),
        List.of(attribute("bucket", "S")),
        "expiresAt",
        List.of());
    table(
        "LinkCodesTable",
        "LINK_CODES_TABLE",
        deletionProtection,
        List.of(key("codeHash", "HASH")),
        List.of(attribute("codeHash", "S")),
        "expiresAt",
        List.of());
    table(
        "GroupsTable",
        "GROUPS_TABLE",
        deletionProtection,
        List.of(key("group", "HASH")),
        List.of(attribute("group", "S")),
        null,
        List.of());
    table(
        "GroupEventsTable",
        "GROUP_EVENTS_TABLE",
        deletionProtection,
        List.of(key("id", "HASH")),
        List.of(attribute("id", "S")),
        "expiresAt",
        List.of());
    // Their streams run the notifier and the fan-out.
    for (String streamed : List.of("MessagesTable", "GroupEventsTable")) {
      tables
          .get(streamed)
          .setStreamSpecification(
              CfnTable.StreamSpecificationProperty.builder().streamViewType("NEW_IMAGE").build());
    }
    mediaBucket = mediaBucket();
    environment.put("MEDIA_BUCKET", mediaBucket.getRef());
    table(
        "PushTargetsTable",
        "PUSH_TARGETS_TABLE",
        deletionProtection,
        List.of(key("phone", "HASH"), key("device", "RANGE")),
        List.of(attribute("phone", "S"), attribute("device", "N"), attribute("endpoint", "S")),
        null,
        List.of(
            CfnTable.GlobalSecondaryIndexProperty.builder()
                .indexName("devicesByEndpoint")
                .keySchema(List.of(key("endpoint", "HASH")))
                .projection(
                    CfnTable.ProjectionProperty.builder().projectionType("KEYS_ONLY").build())
                .build()));
    messageIdKey =
        CfnSecret.Builder.create(this, "MessageIdKeySecret")
            .description("Checkmark's key for the MACs in message ids (HMAC-SHA256).")
            .generateSecretString(
                CfnSecret.GenerateSecretStringProperty.builder()
                    .passwordLength(64)
                    .excludePunctuation(true)
                    .build())
            .build();
    environment.put(
        "CONNECTIONS_ENDPOINT",
        Fn.sub(
            "https://${WebSocketApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageName}"));
    environment.put("ALLOWED_COUNTRY_CODES", countries.getValueAsString());
    environment.put("SMS_SENDER_ID", senderId.getValueAsString());
    environment.put("PIN_REQUESTS_PER_IP_PER_HOUR", perAddress.getValueAsString());
    environment.put("SMS_PER_CALLING_CODE_PER_HOUR", smsPerCallingCode.getValueAsString());
    environment.put("AUTH_FAILURES_PER_ADDRESS_PER_HOUR", failuresPerAddress.getValueAsString());
    environment.put(
        "AUTH_FAILURES_PER_PHONE_AND_ADDRESS_PER_HOUR",
        failuresPerPhoneAndAddress.getValueAsString());
    environment.put(
        "ANONYMOUS_CONNECTS_PER_ADDRESS_PER_MINUTE", anonymousConnects.getValueAsString());
    environment.put("SDK_MAX_ATTEMPTS", "3");
    environment.put("SDK_ATTEMPT_TIMEOUT_MILLIS", "1500");
    environment.put("SDK_API_CALL_TIMEOUT_MILLIS", "4000");
    environment.put("POWERTOOLS_SERVICE_NAME", "checkmark");
    environment.put("POWERTOOLS_METRICS_NAMESPACE", "Checkmark");
    environment.put("POWERTOOLS_LOG_LEVEL", logLevel.getValueAsString());
    environment.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

    CfnTopic topic =
        CfnTopic.Builder.create(this, "AlarmTopic")
            .subscription(
                List.of(
                    CfnTopic.SubscriptionProperty.builder()
                        .protocol("email")
                        .endpoint(alarmEmail.getValueAsString())
                        .build()))
            .build();
    topic.getCfnOptions().setCondition(hasAlarmEmail);
    Object alarmActions =
        Fn.conditionIf(hasAlarmEmail.getLogicalId(), List.of(topic.getRef()), Aws.NO_VALUE);

    List<Function> functions = new ArrayList<>();
    List<Route> routes = routes(template);
    List<CfnRoute> cfnRoutes = new ArrayList<>();
    Map<String, Alias> aliases = new LinkedHashMap<>();
    for (Route route : routes) {
      Map<String, String> functionEnvironment = with(environment, route.environment);
      if (READS_TEST_NUMBERS.contains(route.name)) {
        functionEnvironment.put("TEST_NUMBERS_PARAMETER", testNumbers.getValueAsString());
      }
      Function function =
          function(
              route.name,
              route.handler,
              functionEnvironment,
              Duration.seconds(10),
              functionJar,
              logRetention,
              route.statements);
      if (READS_TEST_NUMBERS.contains(route.name)) {
        grantIf(
            hasTestNumbers,
            route.name + "FunctionTestNumbersPolicy",
            function,
            List.of(
                allow(
                    List.of("ssm:GetParameter"),
                    Fn.sub(
                        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${TestNumbersParameterName}"))));
      }
      if (!route.pushStatements.isEmpty()) {
        grantIf(hasPush, route.name + "FunctionPushPolicy", function, route.pushStatements);
      }
      Alias alias = liveAlias(route.name, function);
      CfnIntegration integration =
          CfnIntegration.Builder.create(this, route.name + "Integration")
              .apiId(api.getRef())
              .integrationType("AWS_PROXY")
              .integrationUri(
                  Fn.join(
                      "",
                      List.of(
                          "arn:",
                          Aws.PARTITION,
                          ":apigateway:",
                          Aws.REGION,
                          ":lambda:path/2015-03-31/functions/",
                          alias.getFunctionArn(),
                          "/invocations")))
              .build();
      CfnRoute cfnRoute =
          CfnRoute.Builder.create(this, route.name + "Route")
              .apiId(api.getRef())
              .routeKey(route.routeKey)
              .authorizationType("NONE")
              .target("integrations/" + integration.getRef())
              .build();
      if (route.twoWay) {
        cfnRoute.setRouteResponseSelectionExpression("$default");
        CfnRouteResponse.Builder.create(this, route.name + "RouteResponse")
            .apiId(api.getRef())
            .routeId(cfnRoute.getRef())
            .routeResponseKey("$default")
            .build();
      }
      CfnPermission.Builder.create(this, route.name + "Permission")
          .action("lambda:InvokeFunction")
          .functionName(alias.getFunctionArn())
          .principal("apigateway.amazonaws.com")
          .sourceArn(
              Fn.sub(
                  "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*/"
                      + route.routeKey))
          .build();
      functions.add(function);
      aliases.put(route.name, alias);
      cfnRoutes.add(cfnRoute);
    }
    aliases.put(FAN_OUT, fanOut(template, functionJar, logRetention, functions));
    aliases.put(NOTIFY, notifier(template, functionJar, logRetention, functions));

    CfnDeployment deployment =
        CfnDeployment.Builder.create(this, "Deployment").apiId(api.getRef()).build();
    cfnRoutes.forEach(route -> deployment.getNode().addDependency(route));
    CfnLogGroup accessLogs =
        CfnLogGroup.Builder.create(this, "AccessLogGroup")
            .logGroupName(Fn.sub("/aws/apigateway/${AWS::StackName}-websocket"))
            .retentionInDays(30)
            .build();
    CfnStage.Builder.create(this, "Stage")
        .apiId(api.getRef())
        .stageName(stageName.getValueAsString())
        .deploymentId(deployment.getRef())
        .accessLogSettings(
            CfnStage.AccessLogSettingsProperty.builder()
                .destinationArn(accessLogs.getAttrArn())
                .format(
                    "{\"requestId\":\"$context.requestId\",\"connectionId\":\"$context.connectionId\","
                        + "\"eventType\":\"$context.eventType\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\","
                        + "\"integrationStatus\":\"$context.integration.status\",\"integrationLatency\":\"$context.integration.latency\","
                        + "\"sourceIp\":\"$context.identity.sourceIp\",\"requestTime\":\"$context.requestTime\"}")
                .build())
        .defaultRouteSettings(
            CfnStage.RouteSettingsProperty.builder()
                .throttlingBurstLimit(2000)
                .throttlingRateLimit(1000)
                .detailedMetricsEnabled(true)
                .build())
        .build();

    CfnAlarm.Builder.create(this, "QueueBacklogAlarm")
        .alarmDescription(
            "Half the syncs of 5 minutes found items queued longer than BacklogAgeAlarmSeconds.")
        .namespace("Checkmark")
        .metricName("OldestQueuedItemAge")
        .dimensions(
            List.of(
                CfnAlarm.DimensionProperty.builder().name("service").value("checkmark").build()))
        .extendedStatistic("p50")
        .period(300)
        .evaluationPeriods(1)
        .threshold(backlogSeconds.getValueAsNumber())
        .comparisonOperator("GreaterThanThreshold")
        .treatMissingData("notBreaching")
        .build()
        .addPropertyOverride("AlarmActions", alarmActions);
    CfnAlarm integrationErrors =
        CfnAlarm.Builder.create(this, "IntegrationErrorsAlarm")
            .alarmDescription("Functions behind the WebSocket API failed or timed out.")
            .namespace("AWS/ApiGateway")
            .metricName("IntegrationError")
            .dimensions(
                List.of(
                    CfnAlarm.DimensionProperty.builder().name("ApiId").value(api.getRef()).build(),
                    CfnAlarm.DimensionProperty.builder()
                        .name("Stage")
                        .value(stageName.getValueAsString())
                        .build()))
            .statistic("Sum")
            .period(60)
            .evaluationPeriods(2)
            .threshold(5)
            .comparisonOperator("GreaterThanOrEqualToThreshold")
            .treatMissingData("notBreaching")
            .build();
    integrationErrors.addPropertyOverride("AlarmActions", alarmActions);
    List<CfnAlarm> functionThrottles = throttlesAlarms(template, functions, alarmActions);
    CfnAlarm.Builder.create(this, "PinSmsBudgetAlarm")
        .alarmDescription(
            "A country calling code spent its hourly PIN SMS budget (PinSmsPerCallingCodePerHour).")
        .namespace("Checkmark")
        .metricName("PinSmsBudgetExhausted")
        .dimensions(
            List.of(
                CfnAlarm.DimensionProperty.builder().name("service").value("checkmark").build()))
        .statistic("Sum")
        .period(300)
        .evaluationPeriods(1)
        .threshold(1)
        .comparisonOperator("GreaterThanOrEqualToThreshold")
        .treatMissingData("notBreaching")
        .build()
        .addPropertyOverride("AlarmActions", alarmActions);
    CfnAlarm smsSpendAlarm =
        CfnAlarm.Builder.create(this, "SmsSpendAlarm")
            .alarmDescription("This month's SMS spend passed SmsMonthlySpendAlarmUsd.")
            .namespace("AWS/SNS")
            .metricName("SMSMonthToDateSpentUSD")
            .statistic("Maximum")
            .period(300)
            .evaluationPeriods(1)
            .threshold(smsSpend.getValueAsNumber())
            .comparisonOperator("GreaterThanThreshold")
            .treatMissingData("notBreaching")
            .build();
    smsSpendAlarm.addPropertyOverride("AlarmActions", alarmActions);

    // Canary deploys, rolled back by the error alarm and every throttles alarm, as SAM's
    // DeploymentPreference does.
    aliases.forEach(
        (name, alias) -> {
          List<IAlarm> rollbackAlarms = new ArrayList<>();
          rollbackAlarms.add(
              Alarm.fromAlarmArn(this, name + "ErrorsAlarmRef", integrationErrors.getAttrArn()));
          for (CfnAlarm throttles : functionThrottles) {
            rollbackAlarms.add(
                Alarm.fromAlarmArn(
                    this, name + throttles.getNode().getId() + "Ref", throttles.getAttrArn()));
          }
          LambdaDeploymentGroup.Builder.create(this, name + "FunctionDeploymentGroup")
              .alias(alias)
              .deploymentConfig(LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES)
              .alarms(rollbackAlarms)
              .build();
        });

    CfnOutput.Builder.create(this, "WebSocketUrl")
        .description("URL the clients connect to.")
        .value(
            Fn.sub(
                "wss://${WebSocketApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageName}"))
        .build();
    CfnOutput.Builder.create(this, "ManagementEndpoint")
        .description("Endpoint of the management API for this stage.")
        .value(
            Fn.sub(
                "https://${WebSocketApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageName}"))
        .build();
    tables.forEach(
        (name, table) ->
            CfnOutput.Builder.create(this, name + "Name").value(table.getRef()).build());
    CfnOutput.Builder.create(this, "MediaBucketName").value(mediaBucket.getRef()).build();
    WebClientHosting.addTo(this, hostsWebClient, webClientPriceClass);
  }

  /**
   * The alarms on the functions' Lambda throttles, as template.yaml has them: its functions in its
   * order, {@value #METRICS_PER_ALARM} to a metric-math alarm (CloudWatch's limit), each summing
   * its functions' throttles; {@code FunctionThrottlesAlarm}, {@code FunctionThrottlesAlarm2}, ...
   * A function of the template that this stack did not build stops the synthesis.
   */
  private List<CfnAlarm> throttlesAlarms(
      SamTemplate template, List<Function> functions, Object alarmActions) {
    Map<String, Function> built = new LinkedHashMap<>();
    functions.forEach(function -> built.put(function.getNode().getId(), function));
    List<String> order = new ArrayList<>(template.functions().keySet());
    if (!built.keySet().equals(Set.copyOf(order))) {
      throw new IllegalStateException(
          "template.yaml's functions "
              + order
              + " are not the ones this stack built "
              + built.keySet()
              + ": their throttles alarms would differ");
    }
    List<CfnAlarm> alarms = new ArrayList<>();
    for (int first = 0; first < order.size(); first += METRICS_PER_ALARM) {
      List<String> watched =
          order.subList(first, Math.min(first + METRICS_PER_ALARM, order.size()));
      List<CfnAlarm.MetricDataQueryProperty> queries = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < watched.size(); i++) {
        String id = "t" + (first + i);
        ids.add(id);
        queries.add(
            CfnAlarm.MetricDataQueryProperty.builder()
                .id(id)
                .returnData(false)
                .metricStat(
                    CfnAlarm.MetricStatProperty.builder()
                        .period(60)
                        .stat("Sum")
                        .metric(
                            CfnAlarm.MetricProperty.builder()
                                .namespace("AWS/Lambda")
                                .metricName("Throttles")
                                .dimensions(
                                    List.of(
                                        CfnAlarm.DimensionProperty.builder()
                                            .name("FunctionName")
                                            .value(built.get(watched.get(i)).getFunctionName())
                                            .build()))
                                .build())
                        .build())
                .build());
      }
      String span =
          watched.size() == 1
              ? watched.get(0)
              : watched.get(0) + " to " + watched.get(watched.size() - 1);
      queries.add(
          CfnAlarm.MetricDataQueryProperty.builder()
              .id("throttles")
              .expression("SUM([" + String.join(",", ids) + "])")
              .label("Throttles of " + span)
              .returnData(true)
              .build());
      CfnAlarm alarm =
          CfnAlarm.Builder.create(
                  this,
                  THROTTLES_ALARM + (alarms.isEmpty() ? "" : String.valueOf(alarms.size() + 1)))
              .alarmDescription(
                  "Lambda throttled Checkmark's "
                      + (watched.size() == 1 ? span : "functions " + span)
                      + ".")
              .metrics(queries)
              .evaluationPeriods(2)
              .threshold(10)
              .comparisonOperator("GreaterThanOrEqualToThreshold")
              .treatMissingData("notBreaching")
              .build();
      alarm.addPropertyOverride("AlarmActions", alarmActions);
      alarms.add(alarm);
    }
    return alarms;
  }

  /**
   * A route of template.yaml with its function's handler, and what this stack grants and sets for
   * it.
   */
  private record Route(
      String name,
      String routeKey,
      String handler,
      boolean twoWay,
      List<PolicyStatement> statements,
      Map<String, String> environment,
      List<PolicyStatement> pushStatements) {}

  /**
   * What a route's function may do (exactly the actions it uses), the settings of its own, and what
   * it may do only when a push platform is set up.
   */
  private record Grants(
      List<PolicyStatement> statements,
      Map<String, String> environment,
      List<PolicyStatement> pushStatements) {

    Grants(List<PolicyStatement> statements, Map<String, String> environment) {
      this(statements, environment, List.of());
    }

    Grants(List<PolicyStatement> statements) {
      this(statements, Map.of());
    }
  }

  /**
   * An SNS platform application the stack may be given, as a parameter, with the condition that it
   * was and the environment variable that passes it to the functions.
   */
  private record PlatformApplication(CfnParameter arn, CfnCondition given, String variable) {

    /** Its ARN when given, else nothing. */
    String arnIfGiven() {
      return Token.asString(
          Fn.conditionIf(given.getLogicalId(), arn.getValueAsString(), Aws.NO_VALUE));
    }

    /**
     * The ARNs of its endpoints when given, else nothing: SNS makes the endpoints of {@code
     * arn:...:app/APNS/Name} {@code arn:...:endpoint/APNS/Name/<id>}.
     */
    String endpointsIfGiven() {
      List<String> halves = Fn.split(":app/", arn.getValueAsString());
      String endpoints =
          Fn.join("", List.of(Fn.select(0, halves), ":endpoint/", Fn.select(1, halves), "/*"));
      return Token.asString(Fn.conditionIf(given.getLogicalId(), endpoints, Aws.NO_VALUE));
    }
  }

  /**
   * The routes of template.yaml, in its order, with the handlers it names; each with its grants. A
   * route of the template without grants here fails the synthesis, so a new route cannot deploy
   * with permissions nobody wrote down.
   */
  private List<Route> routes(SamTemplate template) {
    Map<String, Grants> grants = grants();
    List<Route> routes = new ArrayList<>();
    for (SamTemplate.Route route : template.routes()) {
      String function = route.functionLogicalId();
      String name =
          function.endsWith("Function")
              ? function.substring(0, function.length() - "Function".length())
              : function;
      Grants granted = grants.get(name);
      if (granted == null) {
        throw new IllegalStateException(
            "template.yaml has a route "
                + route.routeKey()
                + " to "
                + function
                + ", but CheckmarkStack grants it nothing: add its permissions to grants()");
      }
      routes.add(
          new Route(
              name,
              route.routeKey(),
              template.functions().get(function).handler(),
              route.twoWay(),
              granted.statements(),
              granted.environment(),
              granted.pushStatements()));
    }
    return routes;
  }

  /**
   * Per route's function: exactly the DynamoDB, S3, SNS, Secrets Manager and management API actions
   * it uses.
   */
  private Map<String, Grants> grants() {
    String connections = arn("ConnectionsTable");
    String accounts = arn("AccountsTable");
    String pins = arn("PinsTable");
    String rateLimits = arn("RateLimitsTable");
    String messages = arn("MessagesTable");
    String linkCodes = arn("LinkCodesTable");
    String groups = arn("GroupsTable");
    String groupEvents = arn("GroupEventsTable");
    String devicesByPhone = connections + "/index/devicesByPhone";
    String pushTargets = arn("PushTargetsTable");
    PolicyStatement session = allow(List.of("dynamodb:GetItem"), connections, accounts);
    // The session records the device's last seen at most once a minute.
    PolicyStatement lastSeen = allow(List.of("dynamodb:UpdateItem"), accounts);
    PolicyStatement manageConnections = manageConnections();
    PolicyStatement findConnections = allow(List.of("dynamodb:Query"), devicesByPhone);
    List<PolicyStatement> push =
        List.of(
            findConnections, allow(List.of("dynamodb:DeleteItem"), connections), manageConnections);
    // Unlinked devices' and revoked linked devices' queues are dropped, key by key.
    PolicyStatement dropQueues = allow(List.of("dynamodb:Query", "dynamodb:DeleteItem"), messages);
    Map<String, Grants> grants = new LinkedHashMap<>();
    grants.put(
        "Connect",
        new Grants(
            List.of(
                allow(List.of("dynamodb:PutItem"), connections),
                // A connect with credentials checks the device's key and records when the device
                // was last seen.
                allow(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), accounts),
                allow(List.of("dynamodb:UpdateItem"), rateLimits))));
    grants.put(
        "Disconnect",
        new Grants(
            List.of(
                // The delete returns the row, which names the device whose lastSeen is set.
                allow(List.of("dynamodb:DeleteItem"), connections),
                allow(List.of("dynamodb:UpdateItem", "dynamodb:GetItem"), accounts),
                // A device with a push target that closed with something still queued is woken:
                // its targets, what came while it was connected, its other connections (asked of
                // the gateway), the collapse marker, the push.
                allow(
                    List.of("dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
                    pushTargets),
                allow(
                    List.of("dynamodb:Query"),
                    messages,
                    devicesByPhone,
                    pushTargets + "/index/devicesByEndpoint"),
                manageConnections),
            Map.of(),
            List.of(onPlatformEndpoints("sns:Publish", "sns:DeleteEndpoint"))));
    grants.put("Default", new Grants(List.of()));
    grants.put("Ping", new Grants(List.of()));
    grants.put(
        "RequestPin",
        new Grants(
            List.of(
                allow(List.of("dynamodb:PutItem"), pins),
                allow(List.of("dynamodb:UpdateItem"), rateLimits),
                // SMS to a phone number has no resource ARN to name; push endpoints are not for
                // this function.
                allow(List.of("sns:Publish"), "*"),
                deny(
                    List.of("sns:Publish"),
                    Fn.sub(
                        "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:endpoint/*")))));
    grants.put(
        "VerifyPin",
        new Grants(
            List.of(
                allow(
                    List.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
                    pins),
                allow(List.of("dynamodb:UpdateItem"), accounts),
                allow(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), rateLimits),
                allow(List.of("dynamodb:UpdateItem", "dynamodb:DeleteItem"), connections),
                findConnections,
                manageConnections,
                dropQueues)));
    grants.put(
        "Login",
        new Grants(
            List.of(
                // A login checks the device's key and records when the device was last seen.
                allow(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), accounts),
                allow(List.of("dynamodb:UpdateItem"), rateLimits),
                allow(List.of("dynamodb:UpdateItem"), connections))));
    PolicyStatement stillBound = allow(List.of("dynamodb:ConditionCheckItem"), connections);
    PolicyStatement countHits = allow(List.of("dynamodb:UpdateItem"), rateLimits);
    PolicyStatement readKey =
        allow(List.of("secretsmanager:GetSecretValue"), messageIdKey.getRef());
    String mediaObjects = mediaBucket.getAttrArn() + "/media/*";
    // Presigned URLs carry their signer's permissions: media objects only, and nothing lists them.
    PolicyStatement readMedia = allow(List.of("s3:GetObject"), mediaObjects);
    String keyArn = messageIdKey.getRef();
    grants.put(
        "Send",
        new Grants(
            with(
                session,
                lastSeen,
                concat(
                    List.of(
                        allow(List.of("dynamodb:PutItem"), messages, groupEvents),
                        allow(List.of("dynamodb:BatchGetItem"), accounts, messages),
                        allow(List.of("dynamodb:ConditionCheckItem"), connections, groups),
                        allow(List.of("dynamodb:GetItem"), groups),
                        countHits,
                        readMedia,
                        readKey),
                    push)),
            Map.of(
                "MESSAGE_ID_KEY_SECRET",
                keyArn,
                "SENDS_PER_ACCOUNT_PER_10_SECONDS",
                sendsPer10Seconds.getValueAsString(),
                "UNKNOWN_RECIPIENTS_PER_ACCOUNT_PER_DAY",
                unknownRecipientsPerDay.getValueAsString())));
    grants.put(
        "Sync",
        new Grants(
            List.of(
                session,
                lastSeen,
                allow(
                    List.of("dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:PutItem"), messages),
                // A device that synced everything ends its push collapse window.
                allow(List.of("dynamodb:UpdateItem"), pushTargets),
                allow(List.of("dynamodb:DeleteItem"), connections),
                manageConnections)));
    grants.put(
        "Ack",
        new Grants(
            with(
                session,
                lastSeen,
                concat(
                    List.of(
                        allow(
                            List.of(
                                "dynamodb:BatchGetItem", "dynamodb:DeleteItem", "dynamodb:PutItem"),
                            messages),
                        stillBound),
                    push))));
    grants.put(
        "Read",
        new Grants(
            with(
                session,
                lastSeen,
                concat(
                    List.of(
                        allow(List.of("dynamodb:PutItem"), messages),
                        allow(List.of("dynamodb:GetItem"), groups),
                        stillBound,
                        countHits,
                        readKey),
                    push)),
            Map.of(
                "MESSAGE_ID_KEY_SECRET",
                keyArn,
                "READS_PER_ACCOUNT_PER_10_SECONDS",
                readsPer10Seconds.getValueAsString())));
    grants.put(
        "RequestLink",
        new Grants(
            List.of(
                countHits,
                allow(List.of("dynamodb:GetItem"), connections),
                allow(List.of("dynamodb:PutItem"), linkCodes)),
            Map.of(
                "LINK_REQUESTS_PER_ADDRESS_PER_HOUR", linkRequestsPerAddress.getValueAsString())));
    grants.put(
        "ApproveLink",
        new Grants(
            List.of(
                session,
                allow(List.of("dynamodb:DeleteItem"), linkCodes),
                // The device is added to the account, and removed again when its connection cannot
                // be told its key; the session records the device's last seen (lastSeen) too.
                allow(List.of("dynamodb:UpdateItem"), accounts),
                allow(List.of("dynamodb:UpdateItem", "dynamodb:DeleteItem"), connections),
                manageConnections)));
    grants.put(
        "ListDevices",
        new Grants(
            List.of(
                session,
                lastSeen,
                findConnections,
                allow(List.of("dynamodb:DeleteItem"), connections),
                manageConnections)));
    grants.put(
        "UnlinkDevice",
        new Grants(
            List.of(
                session,
                // The device is removed from the account; the session records the device's last
                // seen (lastSeen) too.
                allow(List.of("dynamodb:UpdateItem"), accounts),
                findConnections,
                allow(List.of("dynamodb:UpdateItem", "dynamodb:DeleteItem"), connections),
                manageConnections,
                dropQueues)));
    // A connection of a replaced or unlinked device is closed and forgotten on its next action.
    List<PolicyStatement> forgetStale =
        List.of(allow(List.of("dynamodb:DeleteItem"), connections), manageConnections);
    PolicyStatement writeGroup = allow(List.of("dynamodb:PutItem"), groups, groupEvents);
    PolicyStatement readGroup = allow(List.of("dynamodb:GetItem"), groups);
    PolicyStatement readMembers = allow(List.of("dynamodb:BatchGetItem"), accounts);
    String unknownRecipients = unknownRecipientsPerDay.getValueAsString();
    grants.put(
        "CreateGroup",
        new Grants(
            with(
                session,
                lastSeen,
                concat(List.of(readMembers, writeGroup, stillBound, countHits), forgetStale)),
            Map.of(
                "GROUPS_PER_ACCOUNT_PER_DAY",
                groupsPerDay.getValueAsString(),
                "UNKNOWN_RECIPIENTS_PER_ACCOUNT_PER_DAY",
                unknownRecipients)));
    grants.put(
        "UpdateGroup",
        new Grants(
            with(
                session,
                lastSeen,
                concat(
                    List.of(readGroup, readMembers, writeGroup, stillBound, countHits),
                    forgetStale)),
            Map.of(
                "MEMBER_ADDITIONS_PER_ACCOUNT_PER_DAY",
                memberAdditionsPerDay.getValueAsString(),
                "UNKNOWN_RECIPIENTS_PER_ACCOUNT_PER_DAY",
                unknownRecipients)));
    grants.put(
        "LeaveGroup",
        new Grants(
            with(
                session,
                lastSeen,
                concat(List.of(readGroup, writeGroup, stillBound), forgetStale))));
    grants.put(
        "GetGroup", new Grants(with(session, lastSeen, concat(List.of(readGroup), forgetStale))));
    grants.put(
        "RequestUpload",
        new Grants(
            with(
                session,
                lastSeen,
                concat(
                    List.of(countHits, allow(List.of("s3:PutObject"), mediaObjects)), forgetStale)),
            Map.of(
                "MAX_MEDIA_BYTES",
                maxMediaBytes.getValueAsString(),
                "MEDIA_UPLOADS_PER_ACCOUNT_PER_HOUR",
                mediaUploadsPerHour.getValueAsString())));
    grants.put(
        "RequestDownload",
        new Grants(with(session, lastSeen, concat(List.of(readMedia), forgetStale))));
    Map<String, String> platformApplicationArns = new LinkedHashMap<>();
    platformApplications.forEach(
        application ->
            platformApplicationArns.put(
                application.variable(), application.arn().getValueAsString()));
    grants.put(
        "RegisterPush",
        new Grants(
            with(
                session,
                lastSeen,
                concat(
                    List.of(
                        // The device's target (put, returning the one it replaces), and the device
                        // a moved token leaves.
                        allow(List.of("dynamodb:PutItem", "dynamodb:DeleteItem"), pushTargets),
                        allow(List.of("dynamodb:Query"), pushTargets + "/index/devicesByEndpoint")),
                    forgetStale)),
            platformApplicationArns,
            // An endpoint per token, enabled again on registration; a device's previous one
            // deleted.
            List.of(
                allow(
                    List.of("sns:CreatePlatformEndpoint"),
                    platformApplications.stream()
                        .map(PlatformApplication::arnIfGiven)
                        .toArray(String[]::new)),
                onPlatformEndpoints("sns:SetEndpointAttributes", "sns:DeleteEndpoint"))));
    grants.put(
        "UnregisterPush",
        new Grants(
            with(
                session,
                lastSeen,
                concat(
                    List.of(
                        allow(List.of("dynamodb:DeleteItem"), pushTargets),
                        // The endpoint is deleted only if no other device took its token meanwhile.
                        allow(List.of("dynamodb:Query"), pushTargets + "/index/devicesByEndpoint")),
                    forgetStale)),
            Map.of(),
            List.of(onPlatformEndpoints("sns:DeleteEndpoint"))));
    // A group's typing goes to its members only; pushing finds the recipients' connections, forgets
    // the gone ones and posts through the management API.
    grants.put("Typing", new Grants(with(session, lastSeen, concat(List.of(readGroup), push))));
    grants.put(
        "Presence",
        new Grants(
            with(
                session,
                lastSeen,
                // The asked phone's account and the caller's in one read; presence queries and
                // unregistered numbers asked of are counted; online while one of its devices'
                // connections is open, each asked of the gateway, a stale one forgotten.
                concat(List.of(readMembers, countHits), push)),
            Map.of(
                "PRESENCE_QUERIES_PER_ACCOUNT_PER_10_SECONDS",
                presenceQueriesPer10Seconds.getValueAsString(),
                "UNKNOWN_RECIPIENTS_PER_ACCOUNT_PER_DAY",
                unknownRecipients)));
    // setPrivacy, block and unblock write the account item, which lastSeen's grant covers;
    // listBlocked only reads it.
    for (String accountSetting : List.of("SetPrivacy", "Block", "Unblock", "ListBlocked")) {
      grants.put(accountSetting, new Grants(with(session, lastSeen, forgetStale)));
    }
    return grants;
  }

  /** The given platform applications' endpoints, on which a function may take these actions. */
  private PolicyStatement onPlatformEndpoints(String... actions) {
    return allow(
        List.of(actions),
        platformApplications.stream()
            .map(PlatformApplication::endpointsIfGiven)
            .toArray(String[]::new));
  }

  /**
   * The fan-out function, run by the GroupEvents table's stream through an event source mapping on
   * its live alias, with the settings and permissions template.yaml gives it; returns the alias.
   */
  private Alias fanOut(
      SamTemplate template,
      String functionJar,
      CfnParameter logRetention,
      List<Function> functions) {
    SamTemplate.StreamSource source = streamSource(template, FAN_OUT);
    CfnQueue deadLetters =
        CfnQueue.Builder.create(this, source.onFailureLogicalId())
            .messageRetentionPeriod(1_209_600)
            .sqsManagedSseEnabled(true)
            .build();
    CfnTable groupEvents = tables.get(source.tableLogicalId());
    Function function =
        function(
            FAN_OUT,
            template.functions().get(FAN_OUT + "Function").handler(),
            environment,
            Duration.seconds(template.functions().get(FAN_OUT + "Function").timeoutSeconds()),
            functionJar,
            logRetention,
            List.of(
                readStream(groupEvents),
                allow(List.of("dynamodb:BatchGetItem", "dynamodb:GetItem"), arn("AccountsTable")),
                allow(List.of("dynamodb:GetItem", "dynamodb:PutItem"), arn("MessagesTable")),
                allow(List.of("dynamodb:Query"), arn("ConnectionsTable") + "/index/devicesByPhone"),
                allow(List.of("dynamodb:DeleteItem"), arn("ConnectionsTable")),
                manageConnections(),
                allow(List.of("sqs:SendMessage"), deadLetters.getAttrArn())));
    Alias alias = liveAlias(FAN_OUT, function);
    streamMapping(FAN_OUT + "FunctionGroupEvents", source, alias, "{\"eventName\": [\"INSERT\"]}")
        .destinationConfig(
            CfnEventSourceMapping.DestinationConfigProperty.builder()
                .onFailure(
                    CfnEventSourceMapping.OnFailureProperty.builder()
                        .destination(deadLetters.getAttrArn())
                        .build())
                .build())
        .build();
    CfnOutput.Builder.create(this, source.onFailureLogicalId() + "Url")
        .description("Batches of group events the fan-out gave up on.")
        .value(deadLetters.getRef())
        .build();
    functions.add(function);
    return alias;
  }

  /**
   * The notifier, run by the Messages table's stream for each message and group update stored, as
   * template.yaml sets it up: a failed push loses nothing (the items wait in their queues), so a
   * batch is retried a little, then passed over, with no destination. Its SNS actions only when a
   * push platform is set up. Returns its alias.
   */
  private Alias notifier(
      SamTemplate template,
      String functionJar,
      CfnParameter logRetention,
      List<Function> functions) {
    SamTemplate.StreamSource source = streamSource(template, NOTIFY);
    CfnTable messages = tables.get(source.tableLogicalId());
    String connections = arn("ConnectionsTable");
    Function function =
        function(
            NOTIFY,
            template.functions().get(NOTIFY + "Function").handler(),
            environment,
            Duration.seconds(template.functions().get(NOTIFY + "Function").timeoutSeconds()),
            functionJar,
            logRetention,
            List.of(
                readStream(messages),
                // A phone's targets in one query; the collapse marker moved by a conditional
                // update; a target whose token is invalid or whose device is gone removed.
                allow(
                    List.of("dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
                    arn("PushTargetsTable")),
                allow(
                    List.of("dynamodb:Query"),
                    arn("PushTargetsTable") + "/index/devicesByEndpoint"),
                allow(List.of("dynamodb:GetItem"), arn("AccountsTable")),
                allow(List.of("dynamodb:Query"), connections + "/index/devicesByPhone"),
                allow(List.of("dynamodb:DeleteItem"), connections),
                manageConnections()));
    grantIf(
        hasPush,
        NOTIFY + "FunctionPushPolicy",
        function,
        List.of(onPlatformEndpoints("sns:Publish", "sns:DeleteEndpoint")));
    Alias alias = liveAlias(NOTIFY, function);
    streamMapping(NOTIFY + "FunctionStoredItems", source, alias, STORED_MESSAGES_AND_GROUP_UPDATES)
        .maximumRecordAgeInSeconds(300)
        .build();
    functions.add(function);
    return alias;
  }

  /** How template.yaml has a table's stream run the function named so. */
  private static SamTemplate.StreamSource streamSource(SamTemplate template, String name) {
    return template.streamSources().stream()
        .filter(stream -> stream.functionLogicalId().equals(name + "Function"))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException("template.yaml has no stream for " + name + "Function"));
  }

  /**
   * The event source mapping of a table's stream on a function's alias, with the template's
   * starting position, batch size, retries and bisection, and what both streams do alike: batches
   * start at once, ten of a shard run together, a batch reports the items that failed, and only the
   * records the filter pattern matches run the function.
   */
  private CfnEventSourceMapping.Builder streamMapping(
      String id, SamTemplate.StreamSource source, Alias alias, String filterPattern) {
    return CfnEventSourceMapping.Builder.create(this, id)
        .eventSourceArn(tables.get(source.tableLogicalId()).getAttrStreamArn())
        .functionName(alias.getFunctionArn())
        .startingPosition(source.startingPosition())
        .batchSize(source.batchSize())
        .maximumBatchingWindowInSeconds(0)
        .parallelizationFactor(10)
        .maximumRetryAttempts(source.maximumRetryAttempts())
        .bisectBatchOnFunctionError(source.bisectBatchOnFunctionError())
        .functionResponseTypes(List.of("ReportBatchItemFailures"))
        .filterCriteria(
            CfnEventSourceMapping.FilterCriteriaProperty.builder()
                .filters(
                    List.of(
                        CfnEventSourceMapping.FilterProperty.builder()
                            .pattern(filterPattern)
                            .build()))
                .build());
  }

  private static PolicyStatement readStream(CfnTable table) {
    return allow(
        List.of(
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams"),
        table.getAttrStreamArn());
  }

  /**
   * Statements a function has only while a condition holds: a policy of their own with the
   * condition, which nothing waits for (a wait on a policy left out would fail the deploy).
   */
  private void grantIf(
      CfnCondition condition, String id, Function function, List<PolicyStatement> statements) {
    Policy policy =
        Policy.Builder.create(this, id)
            .statements(statements)
            .roles(List.of(function.getRole()))
            .build();
    ((CfnPolicy) policy.getNode().getDefaultChild()).getCfnOptions().setCondition(condition);
  }

  /**
   * The parameter of an SNS platform application ({@code Apns}: {@code ApnsPlatformApplicationArn},
   * an application of the {@code APNS} platform, or empty) and its condition ({@code HasApns}); the
   * functions read it from {@code APNS_PLATFORM_APPLICATION_ARN}.
   */
  private PlatformApplication platformApplication(
      String name, String platform, String description) {
    CfnParameter arn =
        CfnParameter.Builder.create(this, name + "PlatformApplicationArn")
            .type("String")
            .defaultValue("")
            .allowedPattern(
                "^$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:app/" + platform + "/[A-Za-z0-9_.-]+$")
            .description(description)
            .build();
    CfnCondition given =
        CfnCondition.Builder.create(this, "Has" + name)
            .expression(Fn.conditionNot(Fn.conditionEquals(arn.getValueAsString(), "")))
            .build();
    String variable =
        name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)
            + "_PLATFORM_APPLICATION_ARN";
    return new PlatformApplication(arn, given, variable);
  }

  /**
   * A function of the shared jar with its own log group (with a retention, not
   * /aws/lambda/&lt;name&gt;, which Lambda could create first; see template.yaml) and exactly the
   * given statements.
   */
  private Function function(
      String name,
      String handler,
      Map<String, String> functionEnvironment,
      Duration timeout,
      String functionJar,
      CfnParameter logRetention,
      List<PolicyStatement> statements) {
    CfnLogGroup logGroup =
        CfnLogGroup.Builder.create(this, name + "FunctionLogGroup")
            .logGroupName(Fn.sub("/aws/lambda/${AWS::StackName}/" + name + "Function"))
            .retentionInDays(logRetention.getValueAsNumber())
            .build();
    Function function =
        Function.Builder.create(this, name + "Function")
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.ARM_64)
            .memorySize(1024)
            .timeout(timeout)
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .code(Code.fromAsset(functionJar))
            .handler(handler)
            .environment(functionEnvironment)
            .build();
    ((CfnFunction) function.getNode().getDefaultChild())
        .setLoggingConfig(
            CfnFunction.LoggingConfigProperty.builder().logGroup(logGroup.getRef()).build());
    statements.forEach(function::addToRolePolicy);
    return function;
  }

  private Alias liveAlias(String name, Function function) {
    Annotations.of(function)
        .acknowledgeWarning(
            "@aws-cdk/aws-lambda:snapStartRequirePublish",
            "every deploy publishes a version through the live alias below");
    return Alias.Builder.create(this, name + "FunctionAliaslive")
        .aliasName("live")
        .version(function.getCurrentVersion())
        .build();
  }

  private static PolicyStatement manageConnections() {
    return allow(
        List.of("execute-api:ManageConnections"),
        Fn.sub(
            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/${StageName}/*/@connections/*"));
  }

  private void table(
      String name,
      String environmentVariable,
      CfnParameter deletionProtection,
      List<CfnTable.KeySchemaProperty> keys,
      List<CfnTable.AttributeDefinitionProperty> attributes,
      String ttlAttribute,
      List<CfnTable.GlobalSecondaryIndexProperty> indexes) {
    CfnTable.Builder table =
        CfnTable.Builder.create(this, name)
            .billingMode("PAY_PER_REQUEST")
            .attributeDefinitions(new ArrayList<Object>(attributes))
            .keySchema(new ArrayList<Object>(keys))
            .pointInTimeRecoverySpecification(
                CfnTable.PointInTimeRecoverySpecificationProperty.builder()
                    .pointInTimeRecoveryEnabled(true)
                    .build());
    if (!indexes.isEmpty()) {
      table.globalSecondaryIndexes(new ArrayList<Object>(indexes));
    }
    if (ttlAttribute != null) {
      table.timeToLiveSpecification(
          CfnTable.TimeToLiveSpecificationProperty.builder()
              .attributeName(ttlAttribute)
              .enabled(true)
              .build());
    }
    CfnTable created = table.build();
    created.addPropertyOverride("DeletionProtectionEnabled", deletionProtection.getValueAsString());
    tables.put(name, created);
    environment.put(environmentVariable, created.getRef());
  }

  /**
   * The bucket of the encrypted media files: private, owner-enforced, encrypted at rest, reachable
   * only over TLS, files expiring after 30 days, with the CORS rules of the browsers' presigned
   * PUTs and GETs.
   */
  private CfnBucket mediaBucket() {
    CfnBucket bucket =
        PrivateBuckets.builder(this, "MediaBucket")
            .lifecycleConfiguration(
                CfnBucket.LifecycleConfigurationProperty.builder()
                    .rules(
                        List.of(
                            CfnBucket.RuleProperty.builder()
                                .id("ExpireMedia")
                                .status("Enabled")
                                .expirationInDays(30)
                                .abortIncompleteMultipartUpload(
                                    CfnBucket.AbortIncompleteMultipartUploadProperty.builder()
                                        .daysAfterInitiation(1)
                                        .build())
                                .build()))
                    .build())
            .corsConfiguration(
                CfnBucket.CorsConfigurationProperty.builder()
                    .corsRules(
                        List.of(
                            CfnBucket.CorsRuleProperty.builder()
                                .allowedOrigins(List.of("*"))
                                .allowedMethods(List.of("PUT"))
                                .allowedHeaders(List.of("content-type", "x-amz-checksum-sha256"))
                                .maxAge(3600)
                                .build(),
                            CfnBucket.CorsRuleProperty.builder()
                                .allowedOrigins(List.of("*"))
                                .allowedMethods(List.of("GET"))
                                .maxAge(3600)
                                .build()))
                    .build())
            .build();
    CfnBucketPolicy.Builder.create(this, "MediaBucketPolicy")
        .bucket(bucket.getRef())
        .policyDocument(Map.of("Statement", List.of(PrivateBuckets.tlsOnly(bucket))))
        .build();
    return bucket;
  }

  private String arn(String tableName) {
    return tables.get(tableName).getAttrArn();
  }

  private CfnParameter parameter(
      String name, String type, String defaultValue, String description) {
    return CfnParameter.Builder.create(this, name)
        .type(type)
        .defaultValue(defaultValue)
        .description(description)
        .build();
  }

  private static CfnTable.KeySchemaProperty key(String attribute, String type) {
    return CfnTable.KeySchemaProperty.builder().attributeName(attribute).keyType(type).build();
  }

  private static CfnTable.AttributeDefinitionProperty attribute(String name, String type) {
    return CfnTable.AttributeDefinitionProperty.builder()
        .attributeName(name)
        .attributeType(type)
        .build();
  }

  private static PolicyStatement allow(List<String> actions, String... resources) {
    return PolicyStatement.Builder.create().actions(actions).resources(List.of(resources)).build();
  }

  private static PolicyStatement deny(List<String> actions, String... resources) {
    return PolicyStatement.Builder.create()
        .effect(Effect.DENY)
        .actions(actions)
        .resources(List.of(resources))
        .build();
  }

  private static List<PolicyStatement> concat(
      List<PolicyStatement> first, List<PolicyStatement> second) {
    List<PolicyStatement> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static Map<String, String> with(Map<String, String> shared, Map<String, String> own) {
    Map<String, String> all = new LinkedHashMap<>(shared);
    all.putAll(own);
    return all;
  }

  private static List<PolicyStatement> with(PolicyStatement first, List<PolicyStatement> rest) {
    List<PolicyStatement> all = new ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }

  private static List<PolicyStatement> with(
      PolicyStatement first, PolicyStatement second, List<PolicyStatement> rest) {
    List<PolicyStatement> all = new ArrayList<>(List.of(first, second));
    all.addAll(rest);
    return all;
  }
}
