package io.checkmark.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.template.CloudFormationYaml;
import io.checkmark.template.TemplateChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * template.yaml and the CDK app describe one stack: this fails when they drift apart, and each
 * mutation below (on one side only) shows that it would.
 */
class ParityTest {

  private static final Path SAM = Path.of(System.getProperty("checkmark.template"));
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  @Test
  void samTemplateAndCdkStackAgree() throws IOException {
    StackShape sam = StackShape.of(SAM);
    StackShape cdk = cdk(SynthesizedStack.json());

    for (StackShape side : List.of(sam, cdk)) {
      assertThat(side.routeSelection()).isEqualTo("$request.body.action");
      assertThat(side.handlerByRoute())
          .hasSize(29)
          .containsEntry("send", "io.checkmark.handler.SendHandler::handleRequest")
          .containsEntry("approveLink", "io.checkmark.handler.ApproveLinkHandler::handleRequest")
          .containsEntry("typing", "io.checkmark.handler.TypingHandler::handleRequest")
          .containsEntry("listBlocked", "io.checkmark.handler.ListBlockedHandler::handleRequest");
      assertThat(side.deployedRoutes())
          .as("a deployment of the API waits for every route")
          .isEqualTo(side.handlerByRoute().keySet());
      assertThat(side.tableByVariable())
          .hasSize(9)
          .containsEntry("MESSAGES_TABLE", "queue:HASH:S id:RANGE:S stream NEW_IMAGE ttl expiresAt")
          .containsEntry("GROUP_EVENTS_TABLE", "id:HASH:S stream NEW_IMAGE ttl expiresAt")
          .containsEntry("LINK_CODES_TABLE", "codeHash:HASH:S ttl expiresAt")
          .containsEntry(
              "PUSH_TARGETS_TABLE",
              "phone:HASH:S device:RANGE:N index devicesByEndpoint[endpoint:HASH:S]KEYS_ONLY[]");
      assertThat(side.actionsByHandler().get("io.checkmark.handler.SendHandler::handleRequest"))
          .contains("dynamodb:PutItem", "dynamodb:Query", "execute-api:ManageConnections");
      assertThat(
              side.actionsByHandler().get("io.checkmark.handler.RequestPinHandler::handleRequest"))
          .contains("sns:Publish", "ssm:GetParameter if HasTestNumbers");
      assertThat(
              side.grantsByHandler().get("io.checkmark.handler.RequestPinHandler::handleRequest"))
          .as("SMS to any number, but never a push endpoint")
          .contains(
              "Allow sns:Publish on *",
              "Deny sns:Publish on arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:endpoint/*");
      assertThat(
              side.actionsByHandler().get("io.checkmark.handler.VerifyPinHandler::handleRequest"))
          .doesNotContain("ssm:GetParameter if HasTestNumbers");
      assertThat(side.timeoutByHandler())
          .hasSize(31)
          .containsEntry("io.checkmark.handler.SendHandler::handleRequest", 10)
          .containsEntry("io.checkmark.handler.FanOutHandler::handleRequest", 60)
          .containsEntry("io.checkmark.handler.NotifyHandler::handleRequest", 60);
      assertThat(
              side.variablesByHandler()
                  .get("io.checkmark.handler.RequestPinHandler::handleRequest"))
          .containsKey("TEST_NUMBERS_PARAMETER")
          .doesNotContainKey("TEST_NUMBERS");
      assertThat(side.variablesByHandler().get("io.checkmark.handler.SendHandler::handleRequest"))
          .doesNotContainKeys("TEST_NUMBERS_PARAMETER", "TEST_NUMBERS")
          .doesNotContainKey("LINK_REQUESTS_PER_ADDRESS_PER_HOUR");
      assertThat(
              side.variablesByHandler()
                  .get("io.checkmark.handler.RequestLinkHandler::handleRequest"))
          .containsKey("LINK_REQUESTS_PER_ADDRESS_PER_HOUR");
      assertThat(side.logRetentionByHandler())
          .as("every function's log group keeps logs for LogRetentionDays")
          .hasSize(31)
          .allSatisfy(
              (handler, retention) -> assertThat(retention).isEqualTo("{Ref=LogRetentionDays}"));
      assertThat(side.parameters()).containsKeys("MaxMediaBytes", "MediaUploadsPerAccountPerHour");
      assertThat(side.outputs()).containsKey("MediaBucketName");
      assertThat(side.bucketByVariable()).containsExactly(Map.entry("MEDIA_BUCKET", "MediaBucket"));
      assertThat(side.buckets())
          .containsOnlyKeys(
              "MediaBucket", "MediaBucketPolicy", "WebClientBucket", "WebClientBucketPolicy");
      assertThat(side.buckets().get("MediaBucket"))
          .contains(
              "RestrictPublicBuckets=true",
              "ObjectOwnership=BucketOwnerEnforced",
              "SSEAlgorithm=AES256",
              "ExpirationInDays=30",
              "AllowedMethods=[PUT]");
      assertThat(side.buckets().get("MediaBucketPolicy"))
          .contains("Effect=Deny", "aws:SecureTransport=false", "${MediaBucket.Arn}/*");
      assertThat(side.parameters())
          .containsEntry("WebClient", "{AllowedValues=[true, false], Default=false, Type=String}")
          .containsKey("WebClientPriceClass");
      assertThat(side.conditions())
          .containsEntry("HostsWebClient", "{Fn::Equals=[${WebClient}, true]}");
      assertThat(side.buckets().get("WebClientBucket"))
          .startsWith("{Condition=HostsWebClient, ")
          .contains(
              "RestrictPublicBuckets=true",
              "ObjectOwnership=BucketOwnerEnforced",
              "SSEAlgorithm=AES256")
          .doesNotContain("CorsConfiguration");
      assertThat(side.buckets().get("WebClientBucketPolicy"))
          .startsWith("{Condition=HostsWebClient, ")
          .contains(
              "Action=s3:GetObject",
              "Principal={Service=cloudfront.amazonaws.com}",
              "{StringEquals={AWS:SourceArn=arn:${AWS::Partition}:cloudfront::${AWS::AccountId}"
                  + ":distribution/${WebClientDistribution}}}",
              "aws:SecureTransport=false");
      assertThat(side.cloudFront())
          .containsOnlyKeys(
              "WebClientDistribution",
              "WebClientOriginAccessControl",
              "WebClientResponseHeadersPolicy")
          .allSatisfy(
              (id, resource) -> assertThat(resource).startsWith("{Condition=HostsWebClient, "));
      assertThat(side.cloudFront().get("WebClientOriginAccessControl"))
          .contains(
              "OriginAccessControlOriginType=s3",
              "SigningBehavior=always",
              "SigningProtocol=sigv4");
      assertThat(side.cloudFront().get("WebClientDistribution"))
          .contains(
              "DefaultRootObject=index.html",
              "HttpVersion=http2and3",
              "PriceClass=${WebClientPriceClass}",
              "OriginAccessControlId=${WebClientOriginAccessControl.Id}",
              "ViewerProtocolPolicy=redirect-to-https",
              "PathPattern=*.js",
              "ResponseHeadersPolicyId=${WebClientResponseHeadersPolicy}");
      assertThat(side.cloudFront().get("WebClientResponseHeadersPolicy"))
          .contains("connect-src 'self' wss://${WebSocketApi}.", "https://${MediaBucket}.s3.");
      assertThat(side.outputs())
          .containsEntry(
              "WebClientConfig",
              "{Condition=HostsWebClient, Value={\"webSocketUrl\":\"wss://${WebSocketApi}"
                  + ".execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageName}\"}}")
          .containsEntry(
              "WebClientUrl",
              "{Condition=HostsWebClient, Value=https://${WebClientDistribution.DomainName}/}")
          .containsEntry(
              "WebClientBucketName", "{Condition=HostsWebClient, Value=${WebClientBucket}}")
          .containsEntry(
              "WebClientDistributionId",
              "{Condition=HostsWebClient, Value=${WebClientDistribution}}");
      assertThat(side.grantsByHandler())
          .allSatisfy(
              (handler, grants) ->
                  assertThat(grants)
                      .filteredOn(grant -> grant.contains(" s3:"))
                      .as("S3 grants of " + handler)
                      .allMatch(grant -> grant.endsWith(" on ${MediaBucket.Arn}/media/*")));
      assertThat(
              side.grantsByHandler()
                  .get("io.checkmark.handler.RequestUploadHandler::handleRequest"))
          .contains("Allow s3:PutObject on ${MediaBucket.Arn}/media/*");
      for (String reader : List.of("RequestDownload", "Send")) {
        assertThat(
                side.grantsByHandler()
                    .get("io.checkmark.handler." + reader + "Handler::handleRequest"))
            .contains("Allow s3:GetObject on ${MediaBucket.Arn}/media/*")
            .noneMatch(grant -> grant.contains("s3:PutObject"));
      }
      assertThat(
              side.variablesByHandler()
                  .get("io.checkmark.handler.RequestUploadHandler::handleRequest"))
          .containsKeys("MEDIA_BUCKET", "MAX_MEDIA_BYTES", "MEDIA_UPLOADS_PER_ACCOUNT_PER_HOUR");
      assertThat(side.alarms())
          .hasSize(8)
          .anyMatch(
              alarm ->
                  alarm.startsWith("FunctionThrottlesAlarm3: ")
                      && alarm.contains("FunctionName=io.checkmark.handler.TypingHandler")
                      && alarm.contains("FunctionName=io.checkmark.handler.FanOutHandler"))
          .anyMatch(
              alarm ->
                  alarm.startsWith("FunctionThrottlesAlarm4: ")
                      && alarm.contains("FunctionName=io.checkmark.handler.NotifyHandler"));
      assertThat(side.rollbackAlarmsByHandler())
          .as("every function's canary deploys roll back on the error and all throttles alarms")
          .hasSize(31)
          .allSatisfy(
              (handler, alarms) ->
                  assertThat(alarms)
                      .containsExactly(
                          "FunctionThrottlesAlarm",
                          "FunctionThrottlesAlarm2",
                          "FunctionThrottlesAlarm3",
                          "FunctionThrottlesAlarm4",
                          "IntegrationErrorsAlarm"));
      assertThat(side.streamsByHandler())
          .containsOnlyKeys(
              "io.checkmark.handler.FanOutHandler::handleRequest",
              "io.checkmark.handler.NotifyHandler::handleRequest");
      assertThat(side.streamsByHandler().get("io.checkmark.handler.NotifyHandler::handleRequest"))
          .startsWith("MessagesTable ")
          .contains("MaximumRecordAgeInSeconds=300", "NewImage={k={S=[m, u]}}")
          .doesNotContain("DestinationConfig");
      assertThat(side.parameters())
          .containsKeys(
              "ApnsPlatformApplicationArn",
              "ApnsSandboxPlatformApplicationArn",
              "FcmPlatformApplicationArn");
      assertThat(side.conditions())
          .containsEntry(
              "HasPush",
              "{Fn::Or=[{Condition=HasApns}, {Condition=HasApnsSandbox}, {Condition=HasFcm}]}");
      assertThat(
              side.variablesByHandler()
                  .get("io.checkmark.handler.RegisterPushHandler::handleRequest"))
          .containsEntry("APNS_PLATFORM_APPLICATION_ARN", "${ApnsPlatformApplicationArn}")
          .containsEntry(
              "APNS_SANDBOX_PLATFORM_APPLICATION_ARN", "${ApnsSandboxPlatformApplicationArn}")
          .containsEntry("FCM_PLATFORM_APPLICATION_ARN", "${FcmPlatformApplicationArn}")
          .containsEntry("PUSH_TARGETS_TABLE", "${PushTargetsTable}");
      for (String waker : List.of("Notify", "Disconnect")) {
        assertThat(
                side.actionsByHandler()
                    .get("io.checkmark.handler." + waker + "Handler::handleRequest"))
            .contains("sns:Publish if HasPush", "sns:DeleteEndpoint if HasPush");
      }
      assertThat(
              side.actionsByHandler()
                  .get("io.checkmark.handler.RegisterPushHandler::handleRequest"))
          .contains(
              "sns:CreatePlatformEndpoint if HasPush", "sns:SetEndpointAttributes if HasPush");
      assertThat(side.actionsByHandler())
          .as("push reaches SNS only when a platform application is given")
          .allSatisfy(
              (handler, actions) ->
                  assertThat(actions)
                      .filteredOn(action -> action.startsWith("sns:"))
                      .allMatch(
                          action ->
                              action.endsWith(" if HasPush")
                                  || handler.contains(".RequestPinHandler:")));
    }
    assertThat(sam.differencesFrom(cdk)).isEmpty();
  }

  /**
   * The tables each function that logs a device in may update, on both sides: the session records
   * the device's last seen in its account (at most once a minute) for every logged-in action, and
   * at connect and login; nothing else may be updated beyond what each function writes itself.
   */
  @Test
  void everyFunctionThatLogsInMayRecordLastSeenAndUpdateNoOtherTableBeyondItsOwn()
      throws IOException {
    Map<String, Set<String>> updatedTables =
        Map.ofEntries(
            Map.entry("Connect", Set.of("AccountsTable", "RateLimitsTable")),
            Map.entry("Login", Set.of("AccountsTable", "RateLimitsTable", "ConnectionsTable")),
            Map.entry("Send", Set.of("AccountsTable", "RateLimitsTable")),
            Map.entry("Sync", Set.of("AccountsTable", "PushTargetsTable")),
            Map.entry("Ack", Set.of("AccountsTable")),
            Map.entry("Read", Set.of("AccountsTable", "RateLimitsTable")),
            Map.entry("ApproveLink", Set.of("AccountsTable", "ConnectionsTable")),
            Map.entry("ListDevices", Set.of("AccountsTable")),
            Map.entry("UnlinkDevice", Set.of("AccountsTable", "ConnectionsTable")),
            Map.entry("CreateGroup", Set.of("AccountsTable", "RateLimitsTable")),
            Map.entry("UpdateGroup", Set.of("AccountsTable", "RateLimitsTable")),
            Map.entry("LeaveGroup", Set.of("AccountsTable")),
            Map.entry("GetGroup", Set.of("AccountsTable")),
            Map.entry("RequestUpload", Set.of("AccountsTable", "RateLimitsTable")),
            Map.entry("RequestDownload", Set.of("AccountsTable")),
            Map.entry("RegisterPush", Set.of("AccountsTable")),
            Map.entry("UnregisterPush", Set.of("AccountsTable")),
            Map.entry("Typing", Set.of("AccountsTable")),
            Map.entry("Presence", Set.of("AccountsTable", "RateLimitsTable")),
            Map.entry("SetPrivacy", Set.of("AccountsTable")),
            Map.entry("Block", Set.of("AccountsTable")),
            Map.entry("Unblock", Set.of("AccountsTable")),
            Map.entry("ListBlocked", Set.of("AccountsTable")));
    for (StackShape side : List.of(StackShape.of(SAM), cdk(SynthesizedStack.json()))) {
      updatedTables.forEach(
          (function, tables) ->
              assertThat(
                      side.grantsByHandler().get(handler(function)).stream()
                          .filter(grant -> grant.startsWith("Allow dynamodb:UpdateItem on "))
                          .map(grant -> grant.replaceAll("^.* on \\$\\{(\\w+)\\.Arn}$", "$1"))
                          .collect(Collectors.toSet()))
                  .as("the tables " + function + "Function may update")
                  .isEqualTo(tables));
    }
  }

  /**
   * Typing, presence, privacy and blocking: what every logged-in action has, and only typing and
   * presence more (a group's members; a phone's connections; presence's counts).
   */
  @Test
  void typingPresencePrivacyAndBlockingHaveExactlyTheirGrants() throws IOException {
    List<String> loggedIn =
        List.of(
            "Allow dynamodb:GetItem on ${ConnectionsTable.Arn}",
            "Allow dynamodb:GetItem on ${AccountsTable.Arn}",
            "Allow dynamodb:UpdateItem on ${AccountsTable.Arn}",
            "Allow dynamodb:DeleteItem on ${ConnectionsTable.Arn}",
            "Allow execute-api:ManageConnections on arn:${AWS::Partition}:execute-api:${AWS::Region}"
                + ":${AWS::AccountId}:${WebSocketApi}/${StageName}/*/@connections/*");
    String findConnections = "Allow dynamodb:Query on ${ConnectionsTable.Arn}/index/devicesByPhone";
    Map<String, List<String>> beyondLoggedIn =
        Map.of(
            "Typing",
            List.of("Allow dynamodb:GetItem on ${GroupsTable.Arn}", findConnections),
            "Presence",
            List.of(
                "Allow dynamodb:BatchGetItem on ${AccountsTable.Arn}",
                "Allow dynamodb:UpdateItem on ${RateLimitsTable.Arn}",
                findConnections),
            "SetPrivacy",
            List.of(),
            "Block",
            List.of(),
            "Unblock",
            List.of(),
            "ListBlocked",
            List.of());
    for (StackShape side : List.of(StackShape.of(SAM), cdk(SynthesizedStack.json()))) {
      beyondLoggedIn.forEach(
          (function, more) -> {
            Set<String> expected = new TreeSet<>(loggedIn);
            expected.addAll(more);
            assertThat(side.grantsByHandler().get(handler(function)))
                .as(function + "Function's grants")
                .isEqualTo(expected);
          });
      assertThat(side.variablesByHandler().get(handler("Presence")))
          .containsEntry(
              "PRESENCE_QUERIES_PER_ACCOUNT_PER_10_SECONDS",
              "${PresenceQueriesPerAccountPer10Seconds}")
          .containsEntry(
              "UNKNOWN_RECIPIENTS_PER_ACCOUNT_PER_DAY", "${UnknownRecipientsPerAccountPerDay}");
      assertThat(side.variablesByHandler().get(handler("Typing")))
          .doesNotContainKeys(
              "PRESENCE_QUERIES_PER_ACCOUNT_PER_10_SECONDS",
              "UNKNOWN_RECIPIENTS_PER_ACCOUNT_PER_DAY");
    }
  }

  /**
   * Every logged-in action goes through the session's check, which closes the connection of a
   * replaced or unlinked device (its notice and its close through the management API) and deletes
   * its row: every function whose handler declares {@code Access.LOGGED_IN} has exactly these two
   * grants, on both sides. The functions are read from the handlers' sources, so a new logged-in
   * handler is checked too.
   */
  @Test
  void everyLoggedInFunctionMayCloseAndForgetAReplacedOrUnlinkedDevicesConnection()
      throws IOException {
    String forgetConnection = "Allow dynamodb:DeleteItem on ${ConnectionsTable.Arn}";
    String manageConnections =
        "Allow execute-api:ManageConnections on arn:${AWS::Partition}:execute-api:${AWS::Region}"
            + ":${AWS::AccountId}:${WebSocketApi}/${StageName}/*/@connections/*";
    Set<String> loggedIn = loggedInHandlers();
    assertThat(loggedIn)
        .as("handlers that declare Access.LOGGED_IN")
        .hasSize(21)
        .contains(
            handler("GetGroup"),
            handler("CreateGroup"),
            handler("UpdateGroup"),
            handler("LeaveGroup"),
            handler("SetPrivacy"));
    for (StackShape side : List.of(StackShape.of(SAM), cdk(SynthesizedStack.json()))) {
      for (String handler : loggedIn) {
        Set<String> grants = side.grantsByHandler().get(handler);
        assertThat(grants).as("the function of " + handler).isNotNull();
        assertThat(grants)
            .as(handler + ": closes and forgets a stale connection on its next action")
            .contains(forgetConnection, manageConnections);
        assertThat(grants)
            .filteredOn(grant -> grant.contains(" execute-api:"))
            .as(handler + "'s management API grants")
            .containsExactly(manageConnections);
      }
    }
  }

  /** The handlers whose source declares {@code Access.LOGGED_IN}, as template.yaml names them. */
  private static Set<String> loggedInHandlers() throws IOException {
    Path sources =
        SAM.toAbsolutePath().getParent().resolve("functions/src/main/java/io/checkmark/handler");
    Pattern declaration = Pattern.compile("super\\([^;]*Access\\.LOGGED_IN");
    try (Stream<Path> files = Files.list(sources)) {
      Set<String> handlers = new TreeSet<>();
      for (Path file : files.filter(f -> f.toString().endsWith("Handler.java")).toList()) {
        if (declaration.matcher(Files.readString(file)).find()) {
          String name = file.getFileName().toString();
          handlers.add(
              "io.checkmark.handler."
                  + name.substring(0, name.length() - ".java".length())
                  + "::handleRequest");
        }
      }
      return handlers;
    }
  }

  private static String handler(String function) {
    return "io.checkmark.handler." + function + "Handler::handleRequest";
  }

  /**
   * One change on the template's side only, each caught by the comparison of its part of the stack:
   * what changes, the text replaced and its replacement, and the part that must report it.
   */
  static Stream<Arguments> templateSideChanges() {
    return Stream.of(
        Arguments.of(
            "route on one side only",
            "RouteKey: read\n",
            "RouteKey: readAll\n",
            "routes and handlers"),
        Arguments.of(
            "table key on one side only",
            "        - AttributeName: id\n          KeyType: RANGE\n",
            "",
            "tables"),
        Arguments.of(
            "IAM action on one side only",
            "Action: [dynamodb:BatchGetItem, dynamodb:DeleteItem, dynamodb:PutItem]",
            "Action: [dynamodb:BatchGetItem, dynamodb:DeleteItem]",
            "IAM actions per handler"),
        Arguments.of(
            "log retention on one side only",
            "      LogGroupName: !Sub /aws/lambda/${AWS::StackName}/SendFunction\n      RetentionInDays: !Ref LogRetentionDays\n",
            "      LogGroupName: !Sub /aws/lambda/${AWS::StackName}/SendFunction\n      RetentionInDays: 7\n",
            "log retention per handler"),
        Arguments.of(
            "environment variable on one side only",
            "          TEST_NUMBERS_PARAMETER: !Ref TestNumbersParameterName\n",
            "          UNUSED: x\n",
            "environment variables per handler"),
        Arguments.of(
            "parameter setting on one side only", "    MaxValue: 5368709120\n", "", "parameters"),
        Arguments.of(
            "output on one side only",
            "  MediaBucketName:\n    Value: !Ref MediaBucket\n",
            "",
            "outputs"),
        Arguments.of(
            "bucket named by another variable on one side only",
            "        MEDIA_BUCKET: !Ref MediaBucket\n",
            "        MEDIA_BUCKET: media\n",
            "buckets differ"),
        Arguments.of(
            "bucket lifecycle on one side only",
            "            ExpirationInDays: 30\n",
            "            ExpirationInDays: 7\n",
            "buckets and bucket policies"),
        Arguments.of(
            "cors rule on one side only",
            "AllowedHeaders: [content-type, x-amz-checksum-sha256]",
            "AllowedHeaders: ['*']",
            "buckets and bucket policies"),
        Arguments.of(
            "public access setting on one side only",
            "        BlockPublicPolicy: true\n",
            "        BlockPublicPolicy: false\n",
            "buckets and bucket policies"),
        Arguments.of(
            "stream setting on one side only",
            "            MaximumRetryAttempts: 10\n",
            "            MaximumRetryAttempts: 2\n",
            "stream event sources"),
        Arguments.of(
            "stream filter on one side only",
            "{\"S\": [\"m\", \"u\"]}",
            "{\"S\": [\"m\"]}",
            "stream event sources"),
        Arguments.of(
            "stream record age on one side only",
            "            MaximumRecordAgeInSeconds: 300\n",
            "",
            "stream event sources"),
        Arguments.of(
            "table stream on one side only",
            "(NotifyFunction), after the store and off the sender's path.\n      StreamSpecification:\n        StreamViewType: NEW_IMAGE\n",
            "(NotifyFunction), after the store and off the sender's path.\n",
            "tables"),
        Arguments.of(
            "key attribute type on one side only",
            "AttributeName: device\n          AttributeType: N\n",
            "AttributeName: device\n          AttributeType: S\n",
            "tables"),
        Arguments.of(
            "index projection on one side only",
            "ProjectionType: KEYS_ONLY\n",
            "ProjectionType: ALL\n",
            "tables"),
        Arguments.of(
            "condition on one side only",
            "HasPush: !Or [!Condition HasApns, !Condition HasApnsSandbox, !Condition HasFcm]",
            "HasPush: !Or [!Condition HasApns, !Condition HasApnsSandbox]",
            "conditions"),
        Arguments.of(
            "SNS action on one side only",
            "Action: [sns:Publish, sns:DeleteEndpoint]",
            "Action: sns:DeleteEndpoint",
            "IAM actions per handler"),
        Arguments.of(
            "Deny on one side only",
            "            - Effect: Deny\n              Action: sns:Publish\n              Resource: !Sub arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:endpoint/*\n",
            "",
            "IAM actions and resources per handler"),
        Arguments.of(
            "Deny turned Allow on one side only",
            "- Effect: Deny\n              Action: sns:Publish",
            "- Effect: Allow\n              Action: sns:Publish",
            "IAM actions and resources per handler"),
        Arguments.of(
            "timeout on one side only",
            "      Timeout: 60\n      LoggingConfig:\n        LogGroup: !Ref NotifyFunctionLogGroup\n",
            "      LoggingConfig:\n        LogGroup: !Ref NotifyFunctionLogGroup\n",
            "timeout per handler"),
        Arguments.of(
            "statement's condition on one side only",
            "- HasPush\n              - Effect: Allow\n                Action: sns:CreatePlatformEndpoint",
            "- HasApns\n              - Effect: Allow\n                Action: sns:CreatePlatformEndpoint",
            "IAM actions per handler"),
        Arguments.of(
            "resource's condition on one side only",
            "- !If [HasFcm, !Ref FcmPlatformApplicationArn, !Ref AWS::NoValue]",
            "- !Ref FcmPlatformApplicationArn",
            "IAM actions and resources per handler"),
        Arguments.of(
            "variable's value on one side only",
            "APNS_PLATFORM_APPLICATION_ARN: !Ref ApnsPlatformApplicationArn",
            "APNS_PLATFORM_APPLICATION_ARN: !Ref ApnsSandboxPlatformApplicationArn",
            "environment variables per handler"),
        Arguments.of(
            "route the deployment waits for on one side only",
            ", UnblockRoute, ListBlockedRoute]",
            ", UnblockRoute]",
            "routes the deployment waits for"),
        Arguments.of(
            "throttles watched by another alarm on one side",
            "                  Value: !Ref FanOutFunction\n",
            "                  Value: !Ref GetGroupFunction\n",
            "alarms"),
        Arguments.of(
            "rollback alarm on one side only",
            "        - !Ref FunctionThrottlesAlarm3\n",
            "",
            "rollback alarms per handler"),
        Arguments.of(
            "web client bucket's condition on one side only",
            "  WebClientBucket:\n    Type: AWS::S3::Bucket\n    Condition: HostsWebClient\n",
            "  WebClientBucket:\n    Type: AWS::S3::Bucket\n",
            "buckets and bucket policies"),
        Arguments.of(
            "reader of the web client's bucket on one side only",
            "              Service: cloudfront.amazonaws.com\n",
            "              Service: s3.amazonaws.com\n",
            "buckets and bucket policies"),
        Arguments.of(
            "origin access control's signing on one side only",
            "SigningBehavior: always",
            "SigningBehavior: no-override",
            "CloudFront resources"),
        Arguments.of(
            "distribution's cache policy on one side only",
            "CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            "CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6",
            "CloudFront resources"),
        Arguments.of(
            "Content-Security-Policy on one side only",
            "frame-ancestors 'none'",
            "frame-ancestors 'self'",
            "CloudFront resources"),
        Arguments.of(
            "web client output's condition on one side only",
            "  WebClientConfig:\n    Condition: HostsWebClient\n",
            "  WebClientConfig:\n",
            "outputs"));
  }

  @ParameterizedTest(name = "{0} is caught")
  @MethodSource("templateSideChanges")
  void aChangeOnTheTemplateSideOnlyIsCaught(
      String what, String find, String replace, String reportedBy) throws IOException {
    assertThat(samAfter(find, replace).differencesFrom(cdk(SynthesizedStack.json())))
        .anyMatch(difference -> difference.startsWith(reportedBy));
  }

  @Test
  void filterPatternsAreComparedAsJsonNotAsText() throws IOException {
    StackShape sam =
        samAfter(
            "'{\"eventName\": [\"INSERT\"], \"dynamodb\": {\"NewImage\": {\"k\": {\"S\": [\"m\", \"u\"]}}}}'",
            "'{\"dynamodb\":{\"NewImage\":{\"k\":{\"S\":[\"m\",\"u\"]}}},\"eventName\":[\"INSERT\"]}'");
    assertThat(sam.differencesFrom(cdk(SynthesizedStack.json()))).isEmpty();
  }

  @Test
  void conditionalPolicyMissingFromTheCdkSideIsCaught() throws IOException {
    Map<String, Object> cdk = copy(SynthesizedStack.json());
    assertThat(resources(cdk).keySet().removeIf(id -> id.startsWith("NotifyFunctionPushPolicy")))
        .isTrue();

    assertThat(StackShape.of(SAM).differencesFrom(cdk(cdk)))
        .anyMatch(difference -> difference.startsWith("IAM actions per handler"));
  }

  @Test
  void bucketPolicyMissingFromTheCdkSideIsCaught() throws IOException {
    Map<String, Object> cdk = copy(SynthesizedStack.json());
    assertThat(resources(cdk).remove("MediaBucketPolicy")).isNotNull();

    assertThat(StackShape.of(SAM).differencesFrom(cdk(cdk)))
        .anyMatch(difference -> difference.startsWith("buckets and bucket policies"));
  }

  @Test
  void originAccessControlMissingFromTheCdkSideIsCaught() throws IOException {
    Map<String, Object> cdk = copy(SynthesizedStack.json());
    assertThat(resources(cdk).remove("WebClientOriginAccessControl")).isNotNull();

    assertThat(StackShape.of(SAM).differencesFrom(cdk(cdk)))
        .anyMatch(difference -> difference.startsWith("CloudFront resources"));
  }

  @Test
  void distributionConditionMissingFromTheCdkSidesBucketPolicyIsCaught() throws IOException {
    Map<String, Object> cdk = copy(SynthesizedStack.json());
    List<?> statements =
        (List<?>)
            ((Map<?, ?>)
                    properties(resources(cdk).get("WebClientBucketPolicy")).get("PolicyDocument"))
                .get("Statement");
    Map<?, ?> readByTheDistribution =
        statements.stream()
            .map(statement -> (Map<?, ?>) statement)
            .filter(statement -> "ReadByTheDistribution".equals(statement.get("Sid")))
            .findFirst()
            .orElseThrow();
    assertThat(readByTheDistribution.remove("Condition")).isNotNull();

    assertThat(StackShape.of(SAM).differencesFrom(cdk(cdk)))
        .anyMatch(difference -> difference.startsWith("buckets and bucket policies"));
  }

  @Test
  void iamResourceOnOneSideOnlyIsCaughtWhereTheActionsAgree() throws IOException {
    StackShape sam =
        samAfter(
            "Action: s3:PutObject\n              Resource: !Sub ${MediaBucket.Arn}/media/*",
            "Action: s3:PutObject\n              Resource: !Sub ${MediaBucket.Arn}/*");
    assertThat(sam.differencesFrom(cdk(SynthesizedStack.json())))
        .anyMatch(difference -> difference.startsWith("IAM actions and resources per handler"))
        .noneMatch(difference -> difference.startsWith("IAM actions per handler"));
  }

  @Test
  void alarmOnOneSideOnlyIsCaught() throws IOException {
    String text = Files.readString(SAM);
    String withoutSmsAlarm = text.replaceFirst("(?s)  SmsSpendAlarm:\\n.*?(?=\\nOutputs:)", "");
    assertThat(withoutSmsAlarm).isNotEqualTo(text);
    assertThat(shapeOf(withoutSmsAlarm).differencesFrom(cdk(SynthesizedStack.json())))
        .anyMatch(difference -> difference.startsWith("alarms"));
  }

  @Test
  void bothSidesKeepTheirAlarmsWithinCloudWatchsLimitsAndWatchEveryFunctionOnce() {
    assertThat(TemplateChecks.alarmProblems(CloudFormationYaml.load(SAM))).isEmpty();
    assertThat(TemplateChecks.alarmProblems(SynthesizedStack.json())).isEmpty();
  }

  @Test
  void cdkAlarmOverCloudWatchsLimitIsCaught() throws IOException {
    Map<String, Object> cdk = copy(SynthesizedStack.json());
    List<Object> third = metrics(resources(cdk).get("FunctionThrottlesAlarm3"));
    List<Object> first = metrics(resources(cdk).get("FunctionThrottlesAlarm"));
    first.add(0, third.remove(0));

    assertThat(TemplateChecks.alarmProblems(cdk))
        .anyMatch(
            problem ->
                problem.startsWith("FunctionThrottlesAlarm: ") && problem.contains("at most 10"));
  }

  @Test
  void routeMissingFromTheCdkSideIsCaught() throws IOException {
    Map<String, Object> cdk = copy(SynthesizedStack.json());
    Map<String, Object> resources = resources(cdk);
    String pingRoute =
        resources.entrySet().stream()
            .filter(entry -> "ping".equals(properties(entry.getValue()).get("RouteKey")))
            .findFirst()
            .orElseThrow()
            .getKey();
    resources.remove(pingRoute);
    resources
        .values()
        .removeIf(
            resource -> String.valueOf(properties(resource).get("RouteId")).contains(pingRoute));

    assertThat(StackShape.of(SAM).differencesFrom(cdk(cdk)))
        .anyMatch(difference -> difference.startsWith("routes and handlers"));
  }

  @Test
  void alarmMissingFromTheCdkSideIsCaught() throws IOException {
    Map<String, Object> cdk = copy(SynthesizedStack.json());
    resources(cdk).remove("QueueBacklogAlarm");

    assertThat(StackShape.of(SAM).differencesFrom(cdk(cdk)))
        .anyMatch(difference -> difference.startsWith("alarms"));
  }

  private StackShape samAfter(String find, String replace) throws IOException {
    String text = Files.readString(SAM);
    assertThat(text).as("the mutation's target").contains(find);
    return shapeOf(text.replaceFirst(Pattern.quote(find), Matcher.quoteReplacement(replace)));
  }

  private StackShape shapeOf(String samText) throws IOException {
    Path mutated = directory.resolve("template.yaml");
    Files.writeString(mutated, samText);
    return StackShape.of(mutated);
  }

  private StackShape cdk(Map<String, Object> synthesized) throws IOException {
    Path file = directory.resolve("cdk-" + System.nanoTime() + ".json");
    JSON.writeValue(file.toFile(), synthesized);
    return StackShape.of(file);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<String, Object> template) throws IOException {
    return JSON.readValue(JSON.writeValueAsBytes(template), LinkedHashMap.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> resources(Map<String, Object> template) {
    return (Map<String, Object>) template.get("Resources");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> metrics(Object alarm) {
    return (List<Object>) properties(alarm).get("Metrics");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> properties(Object resource) {
    Object properties = ((Map<String, Object>) resource).get("Properties");
    return properties instanceof Map ? (Map<String, Object>) properties : Map.of();
  }
}
