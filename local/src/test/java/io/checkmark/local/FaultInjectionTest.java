package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.local.FaultPlan.DynamoDbError;
import io.checkmark.local.FaultPlan.DynamoDbFault;
import io.checkmark.local.FaultPlan.ManagementApiFault;
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

/**
 * Each fault of a plan, injected on the real local stack and seen through the AWS SDK as AWS would
 * show it. The SDK clients here retry nothing, so that each call meets the fault itself.
 */
class FaultInjectionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
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
                .template(Path.of("src/test/resources/emulator-template.yaml"))
                .console(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8))
                .build());
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
    table = stack.environmentOf("RecordingFunction").get("FIXTURE_TABLE");
  }

  @AfterEach
  void heal() {
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
                "PutItem", "FixtureTable", DynamoDbError.PROVISIONED_THROUGHPUT_EXCEEDED, 1),
            DynamoDbFault.error("GetItem", "*", DynamoDbError.THROTTLING, 1),
            DynamoDbFault.error("Query", "FixtureTable", DynamoDbError.INTERNAL_SERVER_ERROR, 1)));
    Map<String, Long> before = stack.injectedFaults();

    assertThatThrownBy(() -> put("k1"))
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
    stack.setFaults(plan(DynamoDbFault.error("PutItem", "FixtureTable", DynamoDbError.TIMEOUT, 1)));
    long started = System.nanoTime();

    assertThatThrownBy(() -> put("timed-out")).isInstanceOf(SdkClientException.class);

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
    assertThat(stack.faults()).isEqualTo(FaultPlan.fromJson(plan));

    HttpResponse<String> delete = send(HttpRequest.newBuilder(URI.create(url)).DELETE());
    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(delete.body()).get("plan")).isEqualTo(JSON.readTree("{}"));
    assertThat(dynamoDb.listTables().tableNames()).contains(table);
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

  private static Map<String, AttributeValue> get(String key) {
    return dynamoDb
        .getItem(r -> r.tableName(table).key(Map.of("pk", s(key), "sk", s("item"))))
        .item();
  }

  private static void post(String connectionId, String text) {
    managementApi.postToConnection(
        r -> r.connectionId(connectionId).data(SdkBytes.fromUtf8String(text)));
  }

  private static String connectionIdOf(TestSocket socket) throws Exception {
    JsonNode event = JSON.readTree(socket.send("{\"action\":\"echo\"}").next());
    return event.path("requestContext").path("connectionId").asText();
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
