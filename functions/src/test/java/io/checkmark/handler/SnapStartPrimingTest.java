package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.checkmark.aws.AwsClients;
import io.checkmark.aws.TemplateTables;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.TestPhones;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** What the SnapStart priming hook does before a snapshot, against DynamoDB Local. */
class SnapStartPrimingTest {

  private final List<DynamoDbRequest> requests = new CopyOnWriteArrayList<>();
  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Recorders.RecordingPusher pusher = new Recorders.RecordingPusher();

  @Test
  void beforeCheckpointRunsEveryRequestShapeOfASendAndLeavesEveryTableAsItWas() {
    Composition backend = backend(TemplateTables.dynamoDb());
    String alice = register(backend);
    String bob = register(backend);
    String sent =
        new SendHandler(backend)
            .handleRequest(
                TestEvents.message(
                    alice,
                    "{\"action\":\"send\",\"to\":\""
                        + phoneOf(backend, bob)
                        + "\",\"id\":\"before-priming\",\"body\":\"hi\"}"),
                TestEvents.CONTEXT)
            .getBody();
    assertThat(sent).contains("\"type\":\"accepted\"");
    Map<String, Set<Map<String, AttributeValue>>> before = everyTable();
    CapturedLogs logs = new CapturedLogs();
    logs.attach();
    try {
      SnapStartPriming.register(backend(recording(TemplateTables.dynamoDb())), true)
          .beforeCheckpoint(null);
    } finally {
      logs.detach();
    }

    assertThat(logs.lines).noneSatisfy(line -> assertThat(line).contains("did not finish"));
    assertThat(everyTable()).isEqualTo(before);
    assertThat(requests.stream().map(request -> request.getClass().getSimpleName()).toList())
        .contains(
            "GetItemRequest",
            "BatchGetItemRequest",
            "QueryRequest",
            "TransactWriteItemsRequest",
            "UpdateItemRequest");
  }

  @Test
  void beforeCheckpointPushesOnlyToAConnectionApiGatewayCannotIssue() {
    SnapStartPriming.register(backend(TemplateTables.dynamoDb()), true).beforeCheckpoint(null);

    assertThat(pusher.pushed)
        .isNotEmpty()
        .allSatisfy(
            push ->
                assertThat(push.connectionId()).isEqualTo(SnapStartPriming.UNISSUABLE_CONNECTION));
  }

  @Test
  void functionThatMayNotReadAccountsIsPrimedWithoutCallingDynamoDb() {
    SnapStartPriming priming =
        SnapStartPriming.register(backend(recording(TemplateTables.dynamoDb())), false);

    priming.beforeCheckpoint(null);

    assertThat(requests).isEmpty();
    assertThat(pusher.pushed).isEmpty();
  }

  @Test
  void unreachableAwsDoesNotFailTheSnapshot() {
    // Nothing listens on the discard port: every attempt is refused, as with no network.
    Map<String, String> environment = new HashMap<>(TemplateTables.environmentOf("SendFunction"));
    environment.putAll(
        Map.of(
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "priming",
            "AWS_SECRET_ACCESS_KEY", "priming",
            "AWS_ENDPOINT_URL", "http://127.0.0.1:9",
            "SDK_MAX_ATTEMPTS", "1"));
    // The message id key from Secrets Manager, as in Lambda: priming asks it too.
    Composition unreachable =
        Composition.builder(environment)
            .dynamoDb(new AwsClients(environment).dynamoDb())
            .sms(sms)
            .pusher(pusher)
            .build();
    CapturedLogs logs = new CapturedLogs();
    logs.attach();
    try {
      assertThatCode(() -> SnapStartPriming.register(unreachable, true).beforeCheckpoint(null))
          .doesNotThrowAnyException();
      assertThat(logs.lines)
          .anySatisfy(line -> assertThat(line).contains("Secrets Manager did not finish"))
          .anySatisfy(line -> assertThat(line).contains("transaction did not finish"));
    } finally {
      logs.detach();
    }
  }

  /** Every item of every table, by table name. */
  private static Map<String, Set<Map<String, AttributeValue>>> everyTable() {
    DynamoDbClient dynamoDb = TemplateTables.dynamoDb();
    Map<String, Set<Map<String, AttributeValue>>> tables = new TreeMap<>();
    for (String table : dynamoDb.listTablesPaginator().tableNames()) {
      tables.put(
          table,
          dynamoDb.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream()
              .collect(Collectors.toSet()));
    }
    return tables;
  }

  private String register(Composition backend) {
    RegistrationService registration = backend.registrationService();
    String phone = TestPhones.next();
    String connection =
        registration
            .connect(UUID.randomUUID().toString(), backend.clock().instant(), null, null)
            .orElseThrow()
            .id();
    registration.requestPin(phone, null);
    registration.verifyPin(connection, phone, sms.lastPinTo(phone), null);
    return connection;
  }

  private static String phoneOf(Composition backend, String connection) {
    return backend.connections().find(connection).orElseThrow().device().phone();
  }

  private DynamoDbClient recording(DynamoDbClient delegate) {
    return new DynamoDbClient() {
      @Override
      public GetItemResponse getItem(GetItemRequest request) {
        requests.add(request);
        return delegate.getItem(request);
      }

      @Override
      public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        requests.add(request);
        return delegate.batchGetItem(request);
      }

      @Override
      public QueryResponse query(QueryRequest request) {
        requests.add(request);
        return delegate.query(request);
      }

      @Override
      public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        requests.add(request);
        return delegate.transactWriteItems(request);
      }

      @Override
      public UpdateItemResponse updateItem(UpdateItemRequest request) {
        requests.add(request);
        return delegate.updateItem(request);
      }

      @Override
      public PutItemResponse putItem(PutItemRequest request) {
        requests.add(request);
        return delegate.putItem(request);
      }

      @Override
      public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        requests.add(request);
        return delegate.deleteItem(request);
      }

      @Override
      public String serviceName() {
        return delegate.serviceName();
      }

      @Override
      public void close() {}
    };
  }

  private Composition backend(DynamoDbClient dynamoDb) {
    Map<String, String> environment = new HashMap<>(TemplateTables.environmentOf("SendFunction"));
    environment.put("PIN_REQUESTS_PER_IP_PER_HOUR", "1000");
    return Composition.builder(environment)
        .dynamoDb(dynamoDb)
        .sms(sms)
        .pusher(pusher)
        .messageIdKey(Recorders.MESSAGE_ID_KEY)
        .build();
  }
}
