package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.local.FaultPlan.CrashPoint;
import io.checkmark.local.FaultPlan.DynamoDbError;
import io.checkmark.local.FaultPlan.DynamoDbFault;
import io.checkmark.local.FaultPlan.ManagementApiFault;
import io.checkmark.local.fixtures.FaultFixtureHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ApiGatewayManagementApiException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * Each fault of a plan, injected on the real local stack and seen through the AWS SDK as AWS would
 * show it. The SDK clients here retry nothing, so that each call meets the fault itself. The
 * fixture functions ({@link FaultFixtureHandler}) call PutItem and DeleteItem; the DynamoDB rules
 * here fail other operations, so that a function's call in the background cannot take a test's
 * fault.
 */
class FaultInjectionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
  private static final ByteArrayOutputStream CONSOLE = new ByteArrayOutputStream();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalStack stack;
  private static DynamoDbClient dynamoDb;
  private static ApiGatewayManagementApiClient managementApi;
  private static String table;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            LocalStackOptions.builder()
                .port(0)
                .template(Path.of("src/test/resources/faults-template.yaml"))
                .idleTimeout(IDLE_TIMEOUT)
                .console(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8))
                .build());
    table = stack.environmentOf("StoreFunction").get("FIXTURE_TABLE");
    FaultFixtureHandler.use(stack.endpoint(), stack.stage(), table);
    dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(stack.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(
                c ->
                    c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofSeconds(5)))
            .build();
    managementApi =
        ApiGatewayManagementApiClient.builder()
            .endpointOverride(stack.endpoint().resolve("/" + stack.stage()))
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
  }

  /**
   * Heals, once the test's connections are closed and its stream batches done, so that no fault of
   * one test reaches the next one's calls.
   */
  @AfterEach
  void heal() {
    await().atMost(Duration.ofSeconds(10)).until(() -> stack.openConnectionIds().isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> stack.streamInvocationsRunning() == 0);
    stack.healFaults();
  }

  @AfterAll
  static void stopStack() {
    dynamoDb.close();
    managementApi.close();
    stack.close();
  }

  @Test
  void dynamoDbErrorsComeWithDynamoDbsStatusAndType() {
    stack.setFaults(
        plan(
            DynamoDbFault.error(
                "UpdateItem", "FixtureTable", DynamoDbError.PROVISIONED_THROUGHPUT_EXCEEDED, 1),
            DynamoDbFault.error("GetItem", "*", DynamoDbError.THROTTLING, 1),
            DynamoDbFault.error("Query", "FixtureTable", DynamoDbError.INTERNAL_SERVER_ERROR, 1)));
    Map<String, Long> before = stack.injectedFaults();

    assertThatThrownBy(() -> update("k1"))
        .isInstanceOfSatisfying(
            ProvisionedThroughputExceededException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.isThrottlingException()).isTrue();
            });
    assertThatThrownBy(() -> get("k1"))
        .isInstanceOfSatisfying(
            DynamoDbException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.isThrottlingException()).isTrue();
            });
    assertThatThrownBy(
            () ->
                dynamoDb.query(
                    r ->
                        r.tableName(table)
                            .keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(Map.of(":pk", s("k1")))))
        .isInstanceOfSatisfying(
            InternalServerErrorException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
    // An operation no rule names goes through.
    assertThat(dynamoDb.listTables().tableNames()).contains(table);

    assertThat(since(before))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "dynamodb.ProvisionedThroughputExceededException", 1L,
                "dynamodb.ThrottlingException", 1L,
                "dynamodb.InternalServerError", 1L));
  }

  @Test
  void aTimeoutCutsTheConnectionAfterDynamoDbRanTheCall() {
    stack.setFaults(
        plan(DynamoDbFault.error("UpdateItem", "FixtureTable", DynamoDbError.TIMEOUT, 1)));
    Map<String, Long> before = stack.injectedFaults();
    long started = System.nanoTime();

    assertThatThrownBy(() -> update("timed-out")).isInstanceOf(SdkClientException.class);
    // One attempt, one timeout: the HTTP client did not quietly send the call again.
    assertThat(since(before)).containsExactlyEntriesOf(Map.of("dynamodb.timeout", 1L));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    stack.healFaults();
    assertThat(get("timed-out")).containsKey("pk");
  }

  @Test
  void latencyDelaysEveryCallItMatches() {
    stack.setFaults(plan(DynamoDbFault.latency("*", "*", 400, 1)));
    long started = System.nanoTime();

    dynamoDb.listTables();

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void managementApiAnswersWithApiGatewaysErrorsAndAnInjected410LeavesTheConnectionOpen()
      throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      String connectionId = connectionIdOf(socket);
      Map<String, Long> before = stack.injectedFaults();

      stack.setFaults(managementApiFaults(410));
      assertThatThrownBy(() -> post(connectionId, "gone?")).isInstanceOf(GoneException.class);
      assertThat(stack.openConnectionIds()).contains(connectionId);

      stack.setFaults(managementApiFaults(429));
      assertThatThrownBy(() -> post(connectionId, "throttled?"))
          .isInstanceOfSatisfying(
              LimitExceededException.class, e -> assertThat(e.statusCode()).isEqualTo(429));

      stack.setFaults(managementApiFaults(500));
      assertThatThrownBy(() -> managementApi.getConnection(r -> r.connectionId(connectionId)))
          .isInstanceOfSatisfying(
              ApiGatewayManagementApiException.class,
              e -> assertThat(e.statusCode()).isEqualTo(500));

      stack.healFaults();
      post(connectionId, "delivered");
      assertThat(socket.next()).isEqualTo("delivered");
      assertThat(managementApi.getConnection(r -> r.connectionId(connectionId)).connectedAt())
          .isNotNull();
      assertThat(since(before))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("managementApi.410", 1L, "managementApi.429", 1L, "managementApi.500", 1L));
    }
  }

  @Test
  void theSameSeedGivesTheSameScheduleForTheSameCalls() {
    List<Boolean> first = throttledCalls(7);
    List<Boolean> again = throttledCalls(7);
    List<Boolean> otherSeed = throttledCalls(8);

    assertThat(first).contains(true, false);
    assertThat(again).isEqualTo(first);
    assertThat(otherSeed).isNotEqualTo(first);
  }

  @Test
  void healingStopsEveryFault() {
    stack.setFaults(
        FaultPlan.fromJson(
            FaultPlanTest.EVERY_SECTION
                .replace("MessagesTable", "*")
                .replace("SendFunction", "*")
                .replace("FanOutFunction", "*")));
    stack.healFaults();
    Map<String, Long> before = stack.injectedFaults();

    for (int i = 0; i < 20; i++) {
      put("healed-" + i);
      assertThat(get("healed-" + i)).containsKey("pk");
    }

    assertThat(stack.faults()).isEqualTo(FaultPlan.NONE);
    assertThat(since(before)).isEmpty();
    assertThat(CONSOLE.toString(StandardCharsets.UTF_8))
        .contains("Faults now: seed 42; DynamoDB TransactWriteItems on *")
        .contains("Faults healed: none from now on");
  }

  @Test
  void theHttpEndpointSetsShowsAndHealsThePlan() throws Exception {
    String url = stack.endpoint() + "/_checkmark/faults";
    String plan =
        "{\"seed\": 3, \"dynamodb\": [{\"operation\": \"ListTables\","
            + " \"error\": \"InternalServerError\", \"rate\": 1}]}";

    HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(url)).PUT(body(plan)));
    assertThatThrownBy(() -> dynamoDb.listTables())
        .isInstanceOf(InternalServerErrorException.class);
    HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(url)).GET());

    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(FaultPlan.fromJson(JSON.readTree(get.body()).get("plan").toString()))
        .isEqualTo(FaultPlan.fromJson(plan));
    assertThat(
            JSON.readTree(get.body())
                .path("injected")
                .path("dynamodb.InternalServerError")
                .asLong())
        .isPositive();
    assertThat(stack.faults()).isEqualTo(FaultPlan.fromJson(plan));

    HttpResponse<String> bad =
        send(HttpRequest.newBuilder(URI.create(url)).PUT(body("{\"dynamodb\": [{\"rate\": 2}]}")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).get("message").asText())
        .isEqualTo("dynamodb[0]: a DynamoDB rule needs an error, a latencyMs or both");
    HttpResponse<String> unknownTable =
        send(
            HttpRequest.newBuilder(URI.create(url))
                .PUT(
                    body(
                        "{\"dynamodb\": [{\"table\": \"MessagesTable\", \"error\": \"timeout\","
                            + " \"rate\": 1}]}")));
    assertThat(JSON.readTree(unknownTable.body()).get("message").asText())
        .isEqualTo(
            "dynamodb[0].table: the template has no table MessagesTable; use * or one of"
                + " FixtureTable");
    HttpResponse<String> unknownFunction =
        send(
            HttpRequest.newBuilder(URI.create(url))
                .PUT(
                    body(
                        "{\"crashes\": [{\"function\": \"SendFunction\","
                            + " \"point\": \"midFanOutBatch\", \"rate\": 1}]}")));
    assertThat(JSON.readTree(unknownFunction.body()).get("message").asText())
        .isEqualTo(
            "crashes[0].function: the template has no function SendFunction; use * or one of"
                + " ConnectionsFunction, CopyFunction, StoreFunction");
    assertThat(stack.faults()).isEqualTo(FaultPlan.fromJson(plan));

    HttpResponse<String> delete = send(HttpRequest.newBuilder(URI.create(url)).DELETE());
    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(delete.body()).get("plan")).isEqualTo(JSON.readTree("{}"));
    assertThat(dynamoDb.listTables().tableNames()).contains(table);
  }

  @Test
  void aCrashAfterTheWriteKeepsTheWriteLosesThePushAndTheClientGetsAnInternalError()
      throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      stack.setFaults(crash("StoreFunction", CrashPoint.AFTER_WRITE_BEFORE_PUSH));
      Map<String, Long> before = stack.injectedFaults();

      JsonNode frame = JSON.readTree(socket.send(store("crash-1")).next());

      assertThat(frame.path("message").asText()).isEqualTo("Internal server error");
      assertThat(stored("item", "crash-1")).isTrue();
      assertThat(socket.poll(Duration.ofMillis(300))).isNull();
      assertThat(since(before)).containsExactlyEntriesOf(Map.of("crash.afterWriteBeforePush", 1L));
      assertThat(CONSOLE.toString(StandardCharsets.UTF_8))
          .contains("store", "failed: crashed at afterWriteBeforePush (fault injected)");

      stack.healFaults();
      assertThat(types(socket.send(store("crash-2")))).containsExactly("pushed", "accepted");
    }
  }

  @Test
  void aCrashAfterThePushLosesOnlyTheReply() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      stack.setFaults(crash("*", CrashPoint.AFTER_PUSH_BEFORE_REPLY));

      socket.send(store("reply-lost"));

      assertThat(JSON.readTree(socket.next()).path("type").asText()).isEqualTo("pushed");
      assertThat(JSON.readTree(socket.next()).path("message").asText())
          .isEqualTo("Internal server error");
      assertThat(stored("item", "reply-lost")).isTrue();
    }
  }

  @Test
  void aFanOutBatchCrashedMidWayIsRetriedByTheEventSourceMappingUntilItSucceeds() {
    stack.setFaults(crash("CopyFunction", CrashPoint.MID_FAN_OUT_BATCH));
    Map<String, Long> before = stack.injectedFaults();

    // One batch of three records: each attempt copies the first and crashes.
    dynamoDb.batchWriteItem(
        r ->
            r.requestItems(
                Map.of(
                    table, List.of(itemPut("batch-1"), itemPut("batch-2"), itemPut("batch-3")))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> since(before).getOrDefault("crash.midFanOutBatch", 0L) >= 2);

    assertThat(stored("copy", "batch-1")).isTrue();
    assertThat(stored("copy", "batch-3")).isFalse();
    stack.healFaults();
    await().atMost(Duration.ofSeconds(10)).until(() -> stored("copy", "batch-3"));
    assertThat(stored("copy", "batch-2")).isTrue();
    assertThat(stack.deadLetters()).isEmpty();
  }

  @Test
  void aDroppedDisconnectLeavesTheConnectionsRowBehind() throws Exception {
    stack.setFaults(
        new FaultPlan(1L, null, null, null, new FaultPlan.DisconnectFaults(1.0), null, null));
    Map<String, Long> before = stack.injectedFaults();
    String dropped = connectAndClose();

    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> stored("connection", dropped));
    assertThat(stack.openConnectionIds()).doesNotContain(dropped);
    assertThat(since(before)).containsExactlyEntriesOf(Map.of("disconnect.dropped", 1L));

    stack.healFaults();
    String disconnected = connectAndClose();
    await().atMost(Duration.ofSeconds(5)).until(() -> !stored("connection", disconnected));
  }

  @Test
  void connectionLifetimesChangeAtRunTimeAndHealBackToTheOptions() throws Exception {
    try (TestSocket idle = TestSocket.connect(stack.webSocketUrl());
        TestSocket busy = TestSocket.connect(stack.webSocketUrl())) {
      String idleId = connectionIdOf(idle);
      stack.setFaults(
          new FaultPlan(1L, null, null, null, null, new FaultPlan.ConnectionLimits(1, 3), null));

      assertThat(idle.closeCode(Duration.ofSeconds(5))).isEqualTo(1001);
      // The idle timeout ran $disconnect, as API Gateway's does.
      await().atMost(Duration.ofSeconds(5)).until(() -> !stored("connection", idleId));
      await()
          .atMost(Duration.ofSeconds(8))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!busy.isClosed()) {
                  busy.send(store("busy-" + System.nanoTime()));
                }
                return busy.isClosed();
              });
      assertThat(busy.closeCode(Duration.ofSeconds(1))).isEqualTo(1001);
    }
    stack.healFaults();
    try (TestSocket healed = TestSocket.connect(stack.webSocketUrl())) {
      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(3))
          .until(() -> !healed.isClosed());
    }
  }

  @Test
  void smsAndPushPublishesFailWithSnsInternalError() {
    try (SnsClient sns =
        SnsClient.builder()
            .endpointOverride(stack.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build()) {
      String endpointArn =
          sns.createPlatformEndpoint(
                  r ->
                      r.platformApplicationArn(
                              PushPlatform.GCM.applicationArn(Region.US_EAST_1.id()))
                          .token("fault-token"))
              .endpointArn();
      stack.setFaults(
          new FaultPlan(1L, null, null, null, null, null, new FaultPlan.SnsFaults(1.0, 1.0)));
      Map<String, Long> before = stack.injectedFaults();

      assertThatThrownBy(() -> sns.publish(r -> r.phoneNumber("+15550002222").message("hi")))
          .isInstanceOfSatisfying(
              SnsException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(500);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError");
              });
      assertThatThrownBy(() -> sns.publish(r -> r.targetArn(endpointArn).message("{}")))
          .isInstanceOfSatisfying(
              SnsException.class, e -> assertThat(e.statusCode()).isEqualTo(500));

      assertThat(stack.smsTo("+15550002222")).isEmpty();
      assertThat(stack.pushNotificationsTo(endpointArn)).isEmpty();
      assertThat(since(before))
          .containsExactlyInAnyOrderEntriesOf(Map.of("sns.sms", 1L, "sns.push", 1L));
    }
  }

  @Test
  void aStackStartedWithAPlanHasItInForceAndSaysSoInItsBanner() {
    FaultPlan plan =
        new FaultPlan(5L, null, null, null, new FaultPlan.DisconnectFaults(0.5), null, null);
    try (LocalStack started =
        LocalStack.start(
            LocalStackOptions.builder()
                .port(0)
                .template(Path.of("src/test/resources/emulator-template.yaml"))
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .faults(plan)
                .build())) {
      assertThat(started.faults()).isEqualTo(plan);
      assertThat(started.banner())
          .contains("  Faults           seed 5; $disconnect dropped 50%   (GET, PUT a plan,");
    }
  }

  /** Which of 40 sequential GetItem calls a 50 % throttling rule with this seed fails. */
  private static List<Boolean> throttledCalls(long seed) {
    stack.setFaults(
        new FaultPlan(
            seed,
            List.of(DynamoDbFault.error("GetItem", "FixtureTable", DynamoDbError.THROTTLING, 0.5)),
            null,
            null,
            null,
            null,
            null));
    List<Boolean> throttled = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      try {
        get("schedule");
        throttled.add(false);
      } catch (DynamoDbException e) {
        throttled.add(true);
      }
    }
    return throttled;
  }

  private static FaultPlan crash(String function, CrashPoint point) {
    return new FaultPlan(
        1L, null, null, List.of(new FaultPlan.CrashFault(function, point, 1.0)), null, null, null);
  }

  private static String store(String id) {
    return JSON.createObjectNode().put("action", "store").put("id", id).toString();
  }

  /** The types of the next two frames: the push and the reply, in the order they came. */
  private static List<String> types(TestSocket socket) throws Exception {
    return List.of(
        JSON.readTree(socket.next()).path("type").asText(),
        JSON.readTree(socket.next()).path("type").asText());
  }

  private static boolean stored(String kind, String id) {
    return dynamoDb
        .getItem(
            r -> r.tableName(table).key(Map.of("pk", s(kind), "sk", s(id))).consistentRead(true))
        .hasItem();
  }

  private static WriteRequest itemPut(String id) {
    return WriteRequest.builder()
        .putRequest(p -> p.item(Map.of("pk", s("item"), "sk", s(id))))
        .build();
  }

  /** Opens a connection, closes it from the client's side, and returns its id. */
  private static String connectAndClose() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      return connectionIdOf(socket);
    }
  }

  private static FaultPlan plan(DynamoDbFault... rules) {
    return new FaultPlan(1L, List.of(rules), null, null, null, null, null);
  }

  private static FaultPlan managementApiFaults(int status) {
    return new FaultPlan(
        1L, null, List.of(new ManagementApiFault(status, 1.0)), null, null, null, null);
  }

  private static Map<String, Long> since(Map<String, Long> before) {
    Map<String, Long> added = new java.util.TreeMap<>();
    stack
        .injectedFaults()
        .forEach(
            (kind, count) -> {
              long more = count - before.getOrDefault(kind, 0L);
              if (more > 0) {
                added.put(kind, more);
              }
            });
    return added;
  }

  private static void put(String key) {
    dynamoDb.putItem(r -> r.tableName(table).item(Map.of("pk", s(key), "sk", s("item"))));
  }

  private static void update(String key) {
    dynamoDb.updateItem(
        r ->
            r.tableName(table)
                .key(Map.of("pk", s(key), "sk", s("item")))
                .updateExpression("SET updated = :yes")
                .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true))));
  }

  private static Map<String, AttributeValue> get(String key) {
    return dynamoDb
        .getItem(r -> r.tableName(table).key(Map.of("pk", s(key), "sk", s("item"))))
        .item();
  }

  private static void post(String connectionId, String text) {
    managementApi.postToConnection(
        r -> r.connectionId(connectionId).data(SdkBytes.fromUtf8String(text)));
  }

  /** The connection's id, from the reply to a {@code store}, after its push. */
  private static String connectionIdOf(TestSocket socket) throws Exception {
    socket.send(store("id-of-" + System.nanoTime()));
    socket.next();
    return JSON.readTree(socket.next()).path("connectionId").asText();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static HttpRequest.BodyPublisher body(String text) {
    return HttpRequest.BodyPublishers.ofString(text);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
  }
}
