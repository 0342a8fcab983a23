package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.aws.TemplateTables;
import io.checkmark.core.MutableClock;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.TestPhones;
import io.checkmark.protocol.WireJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbServiceClientConfiguration;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Issue 19: once an ack or read has committed its write, nothing DynamoDB fails after it (the
 * receipt push's connection lookup, the last-seen write) turns its answer into {@code INTERNAL}; a
 * send whose push cannot look up the connections is answered {@code INTERNAL}, and its retry with
 * the same id is stored once and pushed.
 */
class CommittedWritesTest {

  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final MessagingTest.CountingMetrics metrics = new MessagingTest.CountingMetrics();
  private final Map<String, String> environment = environment();
  private final FailingCalls dynamoDb = new FailingCalls(TemplateTables.dynamoDb());
  private final Composition backend =
      Composition.builder(environment)
          .clock(clock)
          .dynamoDb(dynamoDb)
          .sms(sms)
          .pusher(new Recorders.RecordingPusher())
          .metrics(metrics)
          .messageIdKey(Recorders.MESSAGE_ID_KEY)
          .build();
  private final RegistrationService registration = backend.registrationService();
  private final CapturedLogs logs = new CapturedLogs();

  @BeforeEach
  void captureLogs() {
    logs.attach();
  }

  @AfterEach
  void releaseLogs() {
    logs.detach();
  }

  @Test
  void aSendWhosePushCannotQueryTheConnectionsIsRetriedWithItsIdAndStoredOnce() {
    Device alice = register();
    Device bob = register();
    dynamoDb.failing = queryOf(environment.get("CONNECTIONS_TABLE"));

    JsonNode failed = send(alice, bob, "c-1");
    dynamoDb.failing = request -> false;
    JsonNode retried = send(alice, bob, "c-1");

    // Answered accepted, the stored message would wait for a sync behind the sender's next one.
    assertThat(failed.path("code").asText()).as("reply %s", failed).isEqualTo("INTERNAL");
    assertThat(retried.path("type").asText()).as("reply %s", retried).isEqualTo("accepted");
    assertThat(queued(bob.phone())).containsExactly(retried.path("messageId").asText());
  }

  @Test
  void aSendWhoseLastSeenWriteFailsIsAcceptedAndStoredOnce() {
    Device alice = register();
    Device bob = register();
    String accounts = environment.get("ACCOUNTS_TABLE");
    dynamoDb.failing =
        request ->
            request instanceof UpdateItemRequest update && update.tableName().equals(accounts);

    JsonNode reply = send(alice, bob, "c-1");

    assertThat(reply.path("type").asText()).as("reply %s", reply).isEqualTo("accepted");
    assertThat(queued(bob.phone())).containsExactly(reply.path("messageId").asText());
  }

  @Test
  void anAckWhoseReceiptPushCannotQueryTheConnectionsIsAnsweredWithWhatItRemoved() {
    Device alice = register();
    Device bob = register();
    String messageId = send(alice, bob, "c-1").path("messageId").asText();
    dynamoDb.failing = queryOf(environment.get("CONNECTIONS_TABLE"));

    JsonNode reply =
        reply(
            new AckHandler(backend),
            bob.connection(),
            "{\"action\":\"ack\",\"messageIds\":[\"" + messageId + "\"]}");

    assertThat(reply.path("type").asText()).as("reply %s", reply).isEqualTo("acked");
    assertThat(reply.path("count").asInt()).isEqualTo(1);
    assertThat(queued(bob.phone())).isEmpty();
    assertThat(queued(alice.phone())).hasSize(1);
  }

  private record Device(String phone, String connection) {}

  private Device register() {
    String phone = TestPhones.next();
    String connection =
        registration
            .connect(UUID.randomUUID().toString(), clock.instant(), null, null)
            .orElseThrow()
            .id();
    registration.requestPin(phone, null);
    registration.verifyPin(connection, phone, sms.lastPinTo(phone), null);
    return new Device(phone, connection);
  }

  private JsonNode send(Device from, Device to, String clientId) {
    return reply(
        new SendHandler(backend),
        from.connection(),
        "{\"action\":\"send\",\"to\":\""
            + to.phone()
            + "\",\"id\":\""
            + clientId
            + "\",\"body\":\"hi\"}");
  }

  private static JsonNode reply(ActionHandler<?> handler, String connection, String frame) {
    return WireJson.readTree(
        handler.handleRequest(TestEvents.message(connection, frame), TestEvents.CONTEXT).getBody());
  }

  private static Predicate<DynamoDbRequest> queryOf(String table) {
    return request -> request instanceof QueryRequest query && query.tableName().equals(table);
  }

  private List<String> queued(String owner) {
    return TemplateTables.queuedIds(environment.get("MESSAGES_TABLE"), owner);
  }

  private static Map<String, String> environment() {
    Map<String, String> environment = new HashMap<>(TemplateTables.environmentOf("SendFunction"));
    environment.put("PIN_REQUESTS_PER_IP_PER_HOUR", "1000");
    return environment;
  }

  /**
   * DynamoDB Local, except that the calls {@link #failing} matches fail as a call does once the
   * SDK's retries of DynamoDB's 500s are spent.
   */
  private static final class FailingCalls implements DynamoDbClient {
    private final DynamoDbClient tables;
    volatile Predicate<DynamoDbRequest> failing = request -> false;

    FailingCalls(DynamoDbClient tables) {
      this.tables = tables;
    }

    private <T> T call(DynamoDbRequest request, Supplier<T> operation) {
      if (failing.test(request)) {
        throw InternalServerErrorException.builder()
            .statusCode(500)
            .message("injected: " + request.getClass().getSimpleName() + " failed")
            .build();
      }
      return operation.get();
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
      return call(request, () -> tables.getItem(request));
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
      return call(request, () -> tables.putItem(request));
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
      return call(request, () -> tables.updateItem(request));
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
      return call(request, () -> tables.deleteItem(request));
    }

    @Override
    public QueryResponse query(QueryRequest request) {
      return call(request, () -> tables.query(request));
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
      return call(request, () -> tables.batchGetItem(request));
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
      return call(request, () -> tables.batchWriteItem(request));
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
      return call(request, () -> tables.transactWriteItems(request));
    }

    @Override
    public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest request) {
      return call(request, () -> tables.transactGetItems(request));
    }

    @Override
    public String serviceName() {
      return tables.serviceName();
    }

    @Override
    public DynamoDbServiceClientConfiguration serviceClientConfiguration() {
      return tables.serviceClientConfiguration();
    }

    @Override
    public void close() {}
  }
}
