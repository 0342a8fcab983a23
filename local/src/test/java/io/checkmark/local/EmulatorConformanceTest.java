package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.local.fixtures.RecordingHandler;
import io.checkmark.template.SamTemplate;
import io.checkmark.template.TableDefinition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GetConnectionResponse;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The emulator behaves as API Gateway does, shown with a template whose every route invokes a
 * function that records the raw event and replies with it.
 */
class EmulatorConformanceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  private static final ByteArrayOutputStream CONSOLE = new ByteArrayOutputStream();
  private static LocalStack stack;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            LocalStackOptions.builder()
                .port(0)
                .template(Path.of("src/test/resources/emulator-template.yaml"))
                .idleTimeout(IDLE_TIMEOUT)
                .ssmParameters(Map.of("/checkmark/test-numbers", "+15550001111=123456"))
                .console(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8))
                .logFrames(true)
                .build());
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  @Test
  void framesAreRoutedByActionWithDefaultFallbackForUnknownAndNonJsonBodies() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      assertThat(routeOf(socket.send("{\"action\":\"echo\"}").next())).isEqualTo("echo");
      assertThat(routeOf(socket.send("{\"action\":\"nothing-here\"}").next()))
          .isEqualTo("$default");
      assertThat(routeOf(socket.send("{\"noAction\":1}").next())).isEqualTo("$default");
      assertThat(routeOf(socket.send("this is not JSON").next())).isEqualTo("$default");
      assertThat(routeOf(socket.send("{\"action\":\"$connect\"}").next())).isEqualTo("$default");
    }
  }

  @Test
  void trafficCountsMessagesEachWayAndInvocationsByRouteAsApiGatewayBillsThem() throws Exception {
    // The stack is shared: the $disconnect of an earlier test's socket may still be on its way.
    Traffic.Snapshot before = quietTraffic();
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      socket.send("{\"action\":\"echo\"}").next();
      socket.send("{\"action\":\"echo\"}").next();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stack.traffic().since(before).invocationsByRoute().containsKey("$disconnect"));

    Traffic.Snapshot traffic = stack.traffic().since(before);

    assertThat(traffic.messagesIn()).isEqualTo(2);
    assertThat(traffic.messagesOut()).isEqualTo(2);
    assertThat(traffic.invocationsByRoute())
        .containsExactlyInAnyOrderEntriesOf(Map.of("$connect", 1L, "echo", 2L, "$disconnect", 1L));
  }

  @Test
  void messageEventHasApiGatewaysShape() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode event = JSON.readTree(socket.send("{\"action\":\"echo\",\"x\":1}").next());

      JsonNode context = event.get("requestContext");
      assertThat(context.get("eventType").asText()).isEqualTo("MESSAGE");
      assertThat(context.get("routeKey").asText()).isEqualTo("echo");
      assertThat(context.get("stage").asText()).isEqualTo("emu");
      assertThat(context.get("connectionId").asText()).hasSize(16);
      assertThat(context.get("connectedAt").asLong()).isPositive();
      assertThat(context.get("requestTimeEpoch").asLong())
          .isGreaterThanOrEqualTo(context.get("connectedAt").asLong());
      assertThat(context.get("messageDirection").asText()).isEqualTo("IN");
      assertThat(context.get("identity").get("sourceIp").asText()).isEqualTo("127.0.0.1");
      assertThat(context.get("requestTime").asText())
          .matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
      for (String field :
          new String[] {"requestId", "messageId", "domainName", "apiId", "extendedRequestId"}) {
        assertThat(context.get(field).asText()).as(field).isNotBlank();
      }
      assertThat(event.get("body").asText()).isEqualTo("{\"action\":\"echo\",\"x\":1}");
      assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
    }
  }

  @Test
  void escapedLoneSurrogatesAndControlCharactersReachTheFunctionAsSent() throws Exception {
    String frame = "{\"action\":\"echo\",\"body\":\"\\ud800 \\udc00 \\u001b[2J \\n\"}";
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode event = JSON.readTree(socket.send(frame).next());

      assertThat(event.get("body").asText()).isEqualTo(frame);
      assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
    }
  }

  @Test
  void theBannerListsEveryEndpointTheTablesAndACommandToLookInside() {
    String banner = stack.banner();

    assertThat(banner.lines().findFirst()).contains(stack.readinessLine());
    assertThat(banner)
        .contains("WebSocket        " + stack.webSocketUrl())
        .contains(stack.endpoint() + "/" + stack.stage() + "/@connections/{connectionId}")
        .contains("DynamoDB         " + stack.dynamoDbEndpoint())
        .contains(
            "tables: "
                + SamTemplate.load(Path.of("src/test/resources/emulator-template.yaml"))
                    .tables()
                    .stream()
                    .map(TableDefinition::tableName)
                    .collect(Collectors.joining(", ")))
        .contains(stack.endpoint() + "/_aws/sns/sms-messages")
        .contains("aws dynamodb scan --table-name")
        .contains("--endpoint-url " + stack.dynamoDbEndpoint());
  }

  @Test
  void eachInvocationIsOneConsoleLineWithRouteConnectionOutcomeAndMillis() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      String connectionId = connectionIdOf(socket);
      socket.send("{\"action\":\"fail\"}").next();

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> consoleLines(connectionId).anyMatch(line -> line.contains(" fail ")));
      assertThat(consoleLines(connectionId).filter(line -> line.matches(".* \\(\\d+ ms\\)$")))
          .anyMatch(line -> line.matches("\\S+ \\$connect +" + connectionId + " → connected .*"))
          .anyMatch(line -> line.matches("\\S+ echo +" + connectionId + " → reply .*"))
          .anyMatch(
              line ->
                  line.matches(
                      "\\S+ fail +"
                          + connectionId
                          + " → failed: Internal server error \\(the log says why\\) .*"));
    }
  }

  @Test
  void loggedFramesShowBothWaysWithCredentialsHidden() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      String connectionId = connectionIdOf(socket);
      // A route without a reply: the echo would carry the secrets back inside its event.
      socket.send(
          "{\"action\":\"oneway\",\"pin\":\"123456\",\"deviceKey\":\"k-secret\","
              + "\"media\":{\"mediaId\":\"m\",\"key\":\"file-key-secret\"}}");

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> consoleLines(connectionId).anyMatch(line -> line.contains(" oneway ")));
      assertThat(consoleLines(connectionId))
          .anyMatch(line -> line.contains(" → " + connectionId + " {"))
          .anyMatch(
              line ->
                  line.contains(
                      " ← " + connectionId + " {\"action\":\"oneway\",\"pin\":\"(hidden)\""))
          .anyMatch(line -> line.contains("\"key\":\"(hidden)\""))
          .noneMatch(
              line ->
                  line.contains("123456")
                      || line.contains("k-secret")
                      || line.contains("file-key-secret"));
    }
  }

  private static java.util.stream.Stream<String> consoleLines(String connectionId) {
    return CONSOLE
        .toString(StandardCharsets.UTF_8)
        .lines()
        .filter(line -> line.contains(connectionId));
  }

  @Test
  void capturedSmsIsOneConsoleLineWhateverItsPhoneAndText() throws Exception {
    try (SnsClient sns =
        SnsClient.builder()
            .endpointOverride(stack.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {

      sns.publish(
          r ->
              r.phoneNumber("+15550002222\n12:00:00.000 INFO forged")
                  .message("code 123456\r\n\u001b[2Jforged"));

      assertThat(
              CONSOLE
                  .toString(StandardCharsets.UTF_8)
                  .lines()
                  .filter(line -> line.contains("forged")))
          .singleElement()
          .asString()
          .doesNotContain("\u001b")
          .contains("SMS to +15550002222\\n12:00");
    }
  }

  @Test
  void connectEventCarriesHeadersAndQueryString() throws Exception {
    URI withQuery = URI.create(stack.webSocketUrl() + "?client=cli&v=2");
    try (TestSocket socket = TestSocket.connect(withQuery, Map.of("X-Client-Version", "7"))) {
      String connectionId = connectionIdOf(socket);

      JsonNode connect = awaitEvent(connectionId, "$connect");
      assertThat(connect.get("requestContext").get("eventType").asText()).isEqualTo("CONNECT");
      assertThat(connect.get("headers").get("X-Client-Version").asText()).isEqualTo("7");
      assertThat(connect.get("multiValueHeaders").get("X-Client-Version").get(0).asText())
          .isEqualTo("7");
      assertThat(connect.get("queryStringParameters").get("client").asText()).isEqualTo("cli");
      assertThat(connect.get("multiValueQueryStringParameters").get("v").get(0).asText())
          .isEqualTo("2");
      assertThat(connect.has("body")).isFalse();
    }
  }

  @Test
  void connectRefusalCarriesTheFunctionsStatus() {
    assertThatThrownBy(() -> TestSocket.connect(URI.create(stack.webSocketUrl() + "?status=403")))
        .isInstanceOfSatisfying(
            TestSocket.Refused.class, refused -> assertThat(refused.status()).isEqualTo(403));
    assertThatThrownBy(() -> TestSocket.connect(URI.create(stack.webSocketUrl() + "?status=401")))
        .isInstanceOfSatisfying(
            TestSocket.Refused.class, refused -> assertThat(refused.status()).isEqualTo(401));
  }

  @Test
  void routeWithoutRouteResponseSendsNothingBack() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      socket.send("{\"action\":\"oneway\"}");
      String connectionId = connectionIdOf(socket);

      assertThat(awaitEvent(connectionId, "oneway").path("body").asText())
          .isEqualTo("{\"action\":\"oneway\"}");
      assertThat(socket.poll(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void failingFunctionGetsApiGatewaysInternalServerErrorFrame() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode frame = JSON.readTree(socket.send("{\"action\":\"fail\"}").next());

      assertThat(frame.get("message").asText()).isEqualTo("Internal server error");
      assertThat(frame.get("connectionId").asText()).hasSize(16);
      assertThat(routeOf(socket.send("{\"action\":\"echo\"}").next())).isEqualTo("echo");
    }
  }

  @Test
  void plainHttpGetOfTheStageSaysItIsAWebSocketEndpointAndHowToConnect() throws Exception {
    HttpResponse<String> stage = get("/" + stack.stage());
    HttpResponse<String> elsewhere = get("/no-such-stage");

    assertThat(stage.statusCode()).isEqualTo(426);
    assertThat(JSON.readTree(stage.body()).get("message").asText())
        .contains("WebSocket endpoint")
        .contains("wscat -c " + stack.webSocketUrl());
    assertThat(elsewhere.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(elsewhere.body()).get("message").asText())
        .isEqualTo(
            "nothing is served at /no-such-stage; the WebSocket stage is " + stack.webSocketUrl());
  }

  @Test
  void theWebClientIsServedAtTheRootWithTheConfigurationThatPointsItAtThisStack() throws Exception {
    HttpResponse<String> page = get("/");
    HttpResponse<String> script = get("/app.js");
    HttpResponse<String> config = get("/config.json");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\">");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).contains("javascript"));
    assertThat(config.statusCode()).isEqualTo(200);
    JsonNode settings = JSON.readTree(config.body());
    assertThat(settings.get("webSocketUrl").asText()).isEqualTo(stack.webSocketUrl().toString());
    assertThat(settings.get("localStack").asBoolean()).isTrue();
    assertThat(settings.get("smsCaptureUrl").asText())
        .isEqualTo(stack.endpoint() + "/_aws/sns/sms-messages");
    assertThat(stack.banner()).contains("Web client       " + stack.endpoint() + "/");
  }

  @Test
  void aFileTheWebClientDoesNotHaveIsAClear404AndNoFolderIsListed() throws Exception {
    assertThat(get("/no-such-file.js").statusCode()).isEqualTo(404);
    assertThat(get("/META-INF/").statusCode()).isEqualTo(404);
    assertThat(get("/../web/index.html").statusCode()).isIn(400, 404);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(stack.endpoint().resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void binaryFrameClosesTheConnectionWith1003AsApiGatewayDoes() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      socket.sendBinary(new byte[] {0, 1, 2, (byte) 255});

      assertThat(socket.closeCode(Duration.ofSeconds(10))).isEqualTo(1003);
      assertThat(socket.poll(Duration.ofMillis(200))).as("no function was invoked").isNull();
    }
  }

  @Test
  void managementApiPostsDescribesAndDeletesThroughTheRealSdkClient() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl());
        ApiGatewayManagementApiClient management = managementClient()) {
      String connectionId = connectionIdOf(socket);

      management.postToConnection(
          r -> r.connectionId(connectionId).data(SdkBytes.fromUtf8String("{\"type\":\"hello\"}")));
      assertThat(socket.next()).isEqualTo("{\"type\":\"hello\"}");

      GetConnectionResponse description =
          management.getConnection(r -> r.connectionId(connectionId));
      assertThat(description.identity().sourceIp()).isEqualTo("127.0.0.1");
      assertThat(description.connectedAt()).isNotNull();
      assertThat(description.lastActiveAt()).isAfterOrEqualTo(description.connectedAt());

      management.deleteConnection(r -> r.connectionId(connectionId));
      assertThat(socket.closeCode(Duration.ofSeconds(5))).isEqualTo(1000);
      JsonNode disconnect = awaitEvent(connectionId, "$disconnect");
      assertThat(disconnect.get("requestContext").get("eventType").asText())
          .isEqualTo("DISCONNECT");

      assertThatThrownBy(
              () ->
                  management.postToConnection(
                      r -> r.connectionId(connectionId).data(SdkBytes.fromUtf8String("{}"))))
          .isInstanceOf(GoneException.class);
    }
  }

  @Test
  void unknownConnectionIsGoneForEveryManagementMethod() {
    try (ApiGatewayManagementApiClient management = managementClient()) {
      assertThatThrownBy(
              () ->
                  management.postToConnection(
                      r -> r.connectionId("AAAAAAAAAAAAAAA=").data(SdkBytes.fromUtf8String("{}"))))
          .isInstanceOf(GoneException.class);
      assertThatThrownBy(() -> management.getConnection(r -> r.connectionId("AAAAAAAAAAAAAAA=")))
          .isInstanceOf(GoneException.class);
      assertThatThrownBy(() -> management.deleteConnection(r -> r.connectionId("AAAAAAAAAAAAAAA=")))
          .isInstanceOf(GoneException.class);
    }
  }

  @Test
  void messageOverApiGatewaysPayloadLimitClosesWith1009() {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      socket.sendUntilClosed("{\"action\":\"echo\",\"x\":\"" + "a".repeat(160 * 1024) + "\"}");

      assertThat(socket.closeCode(Duration.ofSeconds(5))).isEqualTo(1009);
    }
  }

  @Test
  void frameOverApiGatewaysFrameLimitClosesWith1009() throws Exception {
    try (RawWebSocket socket = new RawWebSocket(stack.webSocketUrl())) {
      socket.sendSingleFrame("{\"action\":\"echo\",\"x\":\"" + "a".repeat(33 * 1024) + "\"}");

      assertThat(socket.awaitCloseCode()).isEqualTo(1009);
    }
  }

  @Test
  void frameAtApiGatewaysFrameLimitIsAccepted() throws Exception {
    try (RawWebSocket socket = new RawWebSocket(stack.webSocketUrl())) {
      String body = "{\"action\":\"oneway\",\"x\":\"" + "a".repeat(30 * 1024) + "\"}";
      socket.sendSingleFrame(body);

      await("oneway event with the 30 KB frame")
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  RecordingHandler.EVENTS.stream()
                      .anyMatch(event -> event.path("body").asText().equals(body)));
    }
  }

  @Test
  void messageInFragmentsUnderTheLimitsIsDelivered() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      String fragment = "b".repeat(30 * 1024);
      socket.sendFragment("{\"action\":\"echo\",\"x\":\"" + fragment, false);
      socket.sendFragment(fragment + "\"}", true);

      JsonNode event = JSON.readTree(socket.next());
      assertThat(event.get("body").asText())
          .hasSize(2 * 30 * 1024 + "{\"action\":\"echo\",\"x\":\"\"}".length());
    }
  }

  @Test
  void idleConnectionIsClosedAndDisconnectRuns() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      String connectionId = connectionIdOf(socket);

      int code = socket.closeCode(IDLE_TIMEOUT.multipliedBy(4));

      assertThat(code).isEqualTo(1001);
      JsonNode disconnect = awaitEvent(connectionId, "$disconnect");
      assertThat(disconnect.get("requestContext").get("disconnectStatusCode").asInt())
          .isEqualTo(1001);
      assertThat(stack.openConnectionIds()).doesNotContain(connectionId);
    }
  }

  @Test
  void clientCloseRunsDisconnectWithTheClientsCode() throws Exception {
    String connectionId;
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      connectionId = connectionIdOf(socket);
    }

    JsonNode disconnect = awaitEvent(connectionId, "$disconnect");
    assertThat(disconnect.get("requestContext").get("disconnectStatusCode").asInt())
        .isEqualTo(1000);
    assertThat(disconnect.get("headers").has("Host")).isTrue();
  }

  @Test
  void droppedConnectionRunsNoDisconnectAndIsGone() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl());
        ApiGatewayManagementApiClient management = managementClient()) {
      String connectionId = connectionIdOf(socket);

      assertThat(stack.dropWithoutDisconnect(connectionId)).isTrue();

      assertThatThrownBy(() -> management.getConnection(r -> r.connectionId(connectionId)))
          .isInstanceOf(GoneException.class);
      socket.sendUntilClosed("{\"action\":\"echo\"}");
      assertThat(socket.poll(Duration.ofSeconds(1))).as("an answer on the dropped socket").isNull();
      assertThat(findEvent(connectionId, "$disconnect")).isEmpty();
    }
  }

  @Test
  void realSnsClientPublishesSmsThatTheCaptureEndpointLists() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI messages = stack.endpoint().resolve("/_aws/sns/sms-messages");
    try (SnsClient sns =
        SnsClient.builder()
            .endpointOverride(stack.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {

      String messageId =
          sns.publish(
                  r ->
                      r.phoneNumber("+15550001111")
                          .message("Your code is 123456")
                          .messageAttributes(
                              Map.of(
                                  "AWS.SNS.SMS.SMSType",
                                  MessageAttributeValue.builder()
                                      .dataType("String")
                                      .stringValue("Transactional")
                                      .build())))
              .messageId();

      JsonNode listing =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(messages).GET().build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      JsonNode sms = listing.get("sms_messages").get("+15550001111").get(0);
      assertThat(sms.get("Message").asText()).isEqualTo("Your code is 123456");
      assertThat(sms.get("PhoneNumber").asText()).isEqualTo("+15550001111");
      assertThat(sms.get("MessageId").asText()).isEqualTo(messageId);
      assertThat(
              sms.get("MessageAttributes").get("AWS.SNS.SMS.SMSType").get("StringValue").asText())
          .isEqualTo("Transactional");
      assertThat(stack.smsTo("+15550001111")).containsExactly("Your code is 123456");
      assertThat(stack.lastPinSentTo("+15550001111")).isEqualTo("123456");
      assertThat(CONSOLE.toString(StandardCharsets.UTF_8))
          .contains("+15550001111", "Your code is 123456");

      int deleted =
          http.send(
                  HttpRequest.newBuilder(messages).DELETE().build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      assertThat(deleted).isEqualTo(204);
      JsonNode afterDelete =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(messages).GET().build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(afterDelete.get("sms_messages").size()).isZero();
    }
  }

  @Test
  void templateTablesAreCreatedWithKeysIndexesAndTtl() {
    try (DynamoDbClient dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(stack.dynamoDbEndpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {

      TableDescription table =
          dynamoDb.describeTable(r -> r.tableName("checkmark-local-fixture")).table();

      assertThat(table.keySchema())
          .extracting(key -> key.attributeName() + ":" + key.keyTypeAsString())
          .containsExactly("pk:HASH", "sk:RANGE");
      assertThat(table.globalSecondaryIndexes())
          .extracting(index -> index.indexName())
          .containsExactly("byOwner");
      assertThat(
              dynamoDb
                  .describeTimeToLive(r -> r.tableName("checkmark-local-fixture"))
                  .timeToLiveDescription()
                  .timeToLiveStatus())
          .isEqualTo(TimeToLiveStatus.ENABLED);
    }
  }

  @Test
  void ssmServesTheGivenSecureStringsDecryptedThroughTheRealSdkClient() {
    try (SsmClient ssm =
        SsmClient.builder()
            .endpointOverride(stack.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {

      Parameter parameter =
          ssm.getParameter(r -> r.name("/checkmark/test-numbers").withDecryption(true)).parameter();

      assertThat(parameter.value()).isEqualTo("+15550001111=123456");
      assertThat(parameter.type()).isEqualTo(ParameterType.SECURE_STRING);
      assertThat(parameter.arn())
          .isEqualTo("arn:aws:ssm:us-east-1:000000000000:parameter/checkmark/test-numbers");
      assertThat(ssm.getParameter(r -> r.name("/checkmark/test-numbers")).parameter().value())
          .as("not decrypted")
          .isNotEqualTo("+15550001111=123456");
      assertThatThrownBy(
              () -> ssm.getParameter(r -> r.name("/checkmark/unknown").withDecryption(true)))
          .isInstanceOf(ParameterNotFoundException.class);
    }
  }

  private static ApiGatewayManagementApiClient managementClient() {
    return ApiGatewayManagementApiClient.builder()
        .endpointOverride(URI.create(stack.endpoint() + "/" + stack.stage()))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static String routeOf(String frame) throws Exception {
    return JSON.readTree(frame).get("requestContext").get("routeKey").asText();
  }

  /** The traffic once no connection is open and nothing has moved for 200 ms. */
  private static Traffic.Snapshot quietTraffic() {
    Traffic.Snapshot[] last = {stack.traffic()};
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Traffic.Snapshot now = stack.traffic();
              boolean quiet =
                  stack.openConnectionIds().isEmpty()
                      && now.invocationsByRoute().equals(last[0].invocationsByRoute());
              last[0] = now;
              return quiet;
            });
    return last[0];
  }

  private static String connectionIdOf(TestSocket socket) throws Exception {
    return JSON.readTree(socket.send("{\"action\":\"echo\"}").next())
        .get("requestContext")
        .get("connectionId")
        .asText();
  }

  private static JsonNode awaitEvent(String connectionId, String routeKey) {
    return await(routeKey + " event for " + connectionId)
        .atMost(Duration.ofSeconds(5))
        .until(() -> findEvent(connectionId, routeKey), Optional::isPresent)
        .orElseThrow();
  }

  private static Optional<JsonNode> findEvent(String connectionId, String routeKey) {
    return RecordingHandler.EVENTS.stream()
        .filter(
            event ->
                event.path("requestContext").path("connectionId").asText().equals(connectionId))
        .filter(event -> event.path("requestContext").path("routeKey").asText().equals(routeKey))
        .findFirst();
  }
}
