package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.MessageQueue;
import io.checkmark.core.QueueItem;
import io.checkmark.core.RateLimiter;
import io.checkmark.core.Session;
import io.checkmark.core.StorageUnavailable;
import io.checkmark.core.TestPhones;
import io.checkmark.template.SamTemplate;
import io.checkmark.template.TableCreator;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * DynamoDB's failures, injected by SDK interceptors into real exchanges with DynamoDB Local, on the
 * client a function gets: throttling is retried by the SDK, what it never retries (a batch's
 * unprocessed keys, a transaction cancelled by a conflict) is submitted again by the tables, a
 * bounded number of times with a wait between attempts, and what outlasts the retries is reported
 * as {@link StorageUnavailable}, with nothing half-stored.
 */
class InjectedFailuresTest {

  private static DynamoDBProxyServer server;
  private static URI endpoint;

  private final AtomicInteger unprocessedResponsesLeft = new AtomicInteger();
  private final List<Duration> waits = new ArrayList<>();

  @BeforeAll
  static void startDynamoDbLocal() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    server =
        ServerRunner.createServerFromCommandLineArgs(
            new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
    server.start();
    endpoint = URI.create("http://localhost:" + port);
    try (DynamoDbClient admin = awsClients(endpoint).dynamoDb()) {
      TableCreator.createTables(admin, SamTemplate.load(TemplateTables.TEMPLATE).tables());
    }
  }

  @AfterAll
  static void stopDynamoDbLocal() throws Exception {
    server.stop();
  }

  @Test
  void unprocessedKeysAreSubmittedAgainAfterAWaitUntilEveryItemIsRead() {
    MessagesTable messages = messagesTable();
    DeviceRef owner = DeviceRef.primaryOf(TestPhones.next());
    List<String> ids = queueTwoReceiptsFor(messages, owner);
    unprocessedResponsesLeft.set(2);

    List<QueueItem> found = messages.find(owner, ids);

    assertThat(found).extracting(QueueItem::messageId).containsExactlyElementsOf(ids);
    assertThat(waits).as("one wait before each resubmission").hasSize(2);
  }

  @Test
  void unprocessedKeysThatNeverGoAwayEndInStorageUnavailableAfterTheBoundedAttempts() {
    MessagesTable messages = messagesTable();
    DeviceRef owner = DeviceRef.primaryOf(TestPhones.next());
    List<String> ids = queueTwoReceiptsFor(messages, owner);
    unprocessedResponsesLeft.set(Integer.MAX_VALUE);

    assertThatThrownBy(() -> messages.find(owner, ids))
        .isInstanceOf(StorageUnavailable.class)
        .hasMessageContaining(Resubmission.MAX_ATTEMPTS + " attempts");
    assertThat(waits).hasSize(Resubmission.MAX_ATTEMPTS - 1);
  }

  @Test
  void throttledCallsAreRetriedByTheSdkAndSucceed() {
    MessagesTable messages = messagesTable();
    DeviceRef owner = DeviceRef.primaryOf(TestPhones.next());
    List<String> ids = queueTwoReceiptsFor(messages, owner);
    faults.throttle(QueryRequest.class, AwsClients.CallPolicy.DEFAULT.maxAttempts() - 1);

    List<QueueItem> oldest = messages.oldest(owner, 10);

    assertThat(oldest).extracting(QueueItem::messageId).containsExactlyElementsOf(ids);
    assertThat(faults.attempts(QueryRequest.class))
        .isEqualTo(AwsClients.CallPolicy.DEFAULT.maxAttempts());
  }

  @Test
  void throttlingThatOutlastsTheSdkRetriesIsStorageUnavailable() {
    MessagesTable messages = messagesTable();
    DeviceRef owner = DeviceRef.primaryOf(TestPhones.next());
    queueTwoReceiptsFor(messages, owner);
    faults.throttle(QueryRequest.class, Integer.MAX_VALUE);

    assertThatThrownBy(() -> messages.oldest(owner, 10))
        .isInstanceOf(StorageUnavailable.class)
        .hasCauseInstanceOf(ProvisionedThroughputExceededException.class);
    assertThat(faults.attempts(QueryRequest.class))
        .isEqualTo(AwsClients.CallPolicy.DEFAULT.maxAttempts());
  }

  @Test
  void aDynamoDbThatCannotBeReachedIsStorageUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket free = new ServerSocket(0)) {
      closedPort = free.getLocalPort();
    }
    DynamoDbClient unreachable = clientAt(URI.create("http://localhost:" + closedPort));
    AccountsTable accounts = new AccountsTable(unreachable, "Accounts");

    assertThatThrownBy(() -> accounts.find(TestPhones.next()))
        .isInstanceOf(StorageUnavailable.class)
        .hasCauseInstanceOf(SdkClientException.class);
  }

  @Test
  void aConditionThatFailsIsNotMistakenForUnavailableStorage() {
    MessagesTable messages = messagesTable();
    DeviceRef owner = DeviceRef.primaryOf(TestPhones.next());
    String id = queueTwoReceiptsFor(messages, owner).get(0);
    QueueItem receipt = messages.find(owner, List.of(id)).get(0);
    Session stale = new Session("c-gone-" + owner.phone(), owner.phone(), 1, 1);

    assertThatThrownBy(() -> messages.add(stale, List.of((QueueItem.Receipt) receipt)))
        .isInstanceOf(io.checkmark.core.SessionChanged.class);
  }

  @Test
  void aMessageWhoseTransactionConflictsIsSubmittedAgainAndStoredOnce() {
    MessagesTable messages = messagesTable();
    DeviceRef owner = DeviceRef.primaryOf(TestPhones.next());
    Session sender = loggedIn(TestPhones.next());
    QueueItem.Message message = messageTo(owner, sender.phone(), "c-1");
    faults.conflictTransactions(2);

    MessageQueue.Stored stored =
        messages.storeOnce(sender, owner.phone(), message, List.of(message), sendLimit());

    assertThat(stored.duplicate()).isFalse();
    assertThat(waits).as("one wait before each resubmission").hasSize(2);
    assertThat(messages.oldest(owner, 10))
        .extracting(QueueItem::messageId)
        .containsExactly(message.messageId());
  }

  @Test
  void aTransactionThatKeepsConflictingIsStorageUnavailableAndStoresNothing() {
    MessagesTable messages = messagesTable();
    DeviceRef owner = DeviceRef.primaryOf(TestPhones.next());
    Session sender = loggedIn(TestPhones.next());
    faults.conflictTransactions(Integer.MAX_VALUE);
    QueueItem.Message message = messageTo(owner, sender.phone(), "c-1");

    assertThatThrownBy(
            () -> messages.storeOnce(sender, owner.phone(), message, List.of(message), sendLimit()))
        .isInstanceOf(StorageUnavailable.class)
        .hasMessageContaining(Resubmission.MAX_ATTEMPTS + " attempts");
    assertThat(faults.attempts(TransactWriteItemsRequest.class))
        .isEqualTo(Resubmission.MAX_ATTEMPTS);
    assertThat(messages.oldest(owner, 10)).isEmpty();
  }

  @Test
  void anAckWhoseTransactionConflictsIsSubmittedAgainAndRemovesTheItems() {
    MessagesTable messages = messagesTable();
    DeviceRef owner = DeviceRef.primaryOf(TestPhones.next());
    List<String> ids = queueTwoReceiptsFor(messages, owner);
    Session ownerSession = loggedIn(owner.phone());
    faults.conflictTransactions(1);

    MessageQueue.Removal removal =
        messages.remove(
            ownerSession,
            ids.stream().map(id -> new MessageQueue.Ack(id, null, null)).toList(),
            acked -> List.of());

    assertThat(removal.removed()).isEqualTo(2);
    assertThat(waits).hasSize(1);
    assertThat(messages.oldest(owner, 10)).isEmpty();
  }

  private Session loggedIn(String phone) {
    String connection = "c-" + phone;
    connections.save(
        io.checkmark.core.Connection.anonymous(connection, Instant.now(), "203.0.113.9"));
    connections.bind(connection, DeviceRef.primaryOf(phone), 1);
    return new Session(connection, phone, 1, 1);
  }

  private static QueueItem.Message messageTo(DeviceRef owner, String from, String clientId) {
    return new QueueItem.Message(
        owner,
        "m-" + clientId + "-" + owner.phone(),
        from,
        1,
        null,
        null,
        clientId,
        "hello",
        null,
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  private static RateLimiter.Limit sendLimit() {
    return new RateLimiter.Limit("send#" + TestPhones.next(), 100, Duration.ofMinutes(1));
  }

  private ConnectionsTable connections;

  private final DynamoDbFaults faults = new DynamoDbFaults();

  private MessagesTable messagesTable() {
    DynamoDbClient client = client(new UnprocessedKeysInjector(), faults);
    Clock clock = Clock.systemUTC();
    Map<String, String> environment = TemplateTables.environmentOf("AckFunction");
    connections = new ConnectionsTable(client, environment.get("CONNECTIONS_TABLE"), clock);
    RateLimitsTable rateLimits =
        new RateLimitsTable(client, environment.get("RATE_LIMITS_TABLE"), clock);
    GroupEventsTable groupEvents = new GroupEventsTable(environment.get("GROUP_EVENTS_TABLE"));
    return new MessagesTable(
        client,
        environment.get("MESSAGES_TABLE"),
        connections,
        rateLimits,
        new GroupsTable(
            client, environment.get("GROUPS_TABLE"), groupEvents, connections, rateLimits),
        groupEvents,
        new Resubmission(
            Backoff.fullJitter(Duration.ofMillis(40), Duration.ofSeconds(1)), waits::add));
  }

  /**
   * Two read receipts queued for the owner by a logged-in reader (the ack path reads items back in
   * one batch).
   */
  private List<String> queueTwoReceiptsFor(MessagesTable messages, DeviceRef owner) {
    List<String> ids = new ArrayList<>();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String reader = TestPhones.next();
    String connection = "c-" + reader;
    connections.save(io.checkmark.core.Connection.anonymous(connection, now, "203.0.113.9"));
    connections.bind(connection, DeviceRef.primaryOf(reader), 1);
    for (int i = 0; i < 2; i++) {
      String id = "m-" + i + "-" + owner.phone();
      messages.add(
          new Session(connection, reader, 1, 1),
          List.of(new QueueItem.Receipt(owner, id, "read", reader, 1, null, List.of("x"), now)));
      ids.add(id);
    }
    return ids;
  }

  /** Replaces a BatchGetItem response by one that read nothing and left every key unprocessed. */
  private final class UnprocessedKeysInjector implements ExecutionInterceptor {
    @Override
    public SdkResponse modifyResponse(
        Context.ModifyResponse context, ExecutionAttributes attributes) {
      if (context.response() instanceof BatchGetItemResponse
          && unprocessedResponsesLeft.getAndDecrement() > 0) {
        BatchGetItemRequest request = (BatchGetItemRequest) context.request();
        return BatchGetItemResponse.builder()
            .responses(Map.of())
            .unprocessedKeys(request.requestItems())
            .build();
      }
      return context.response();
    }
  }

  /** The DynamoDB client as a function's tables get it, with the given fault injectors. */
  private static DynamoDbClient client(ExecutionInterceptor... faults) {
    return clientAt(endpoint, faults);
  }

  private static DynamoDbClient clientAt(URI at, ExecutionInterceptor... faults) {
    return StorageFailures.reported(awsClients(at).dynamoDb(List.of(faults)));
  }

  private static AwsClients awsClients(URI at) {
    return new AwsClients(
        Map.of(
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test",
            "AWS_ENDPOINT_URL", at.toString()));
  }
}
