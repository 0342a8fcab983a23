package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import io.checkmark.core.QueueItem;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;

/**
 * The paths the SDK never retries (a batch's unprocessed keys), injected by an SDK interceptor into
 * real responses of DynamoDB Local: the resubmission is bounded, waits between attempts, and
 * reports the storage unavailable when the attempts are spent.
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
    try (DynamoDbClient admin = client(null)) {
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
    String owner = TestPhones.next();
    List<String> ids = queueTwoReceiptsFor(messages, owner);
    unprocessedResponsesLeft.set(2);

    List<QueueItem> found = messages.find(owner, ids);

    assertThat(found).extracting(QueueItem::messageId).containsExactlyElementsOf(ids);
    assertThat(waits).as("one wait before each resubmission").hasSize(2);
  }

  @Test
  void unprocessedKeysThatNeverGoAwayEndInStorageUnavailableAfterTheBoundedAttempts() {
    MessagesTable messages = messagesTable();
    String owner = TestPhones.next();
    List<String> ids = queueTwoReceiptsFor(messages, owner);
    unprocessedResponsesLeft.set(Integer.MAX_VALUE);

    assertThatThrownBy(() -> messages.find(owner, ids))
        .isInstanceOf(StorageUnavailable.class)
        .hasMessageContaining(Resubmission.MAX_ATTEMPTS + " attempts");
    assertThat(waits).hasSize(Resubmission.MAX_ATTEMPTS - 1);
  }

  private ConnectionsTable connections;

  private MessagesTable messagesTable() {
    DynamoDbClient client = client(new UnprocessedKeysInjector());
    Clock clock = Clock.systemUTC();
    Map<String, String> environment = TemplateTables.environmentOf("AckFunction");
    connections = new ConnectionsTable(client, environment.get("CONNECTIONS_TABLE"), clock);
    RateLimitsTable rateLimits =
        new RateLimitsTable(client, environment.get("RATE_LIMITS_TABLE"), clock);
    return new MessagesTable(
        client,
        environment.get("MESSAGES_TABLE"),
        connections,
        rateLimits,
        new Resubmission(
            Backoff.fullJitter(Duration.ofMillis(40), Duration.ofSeconds(1)), waits::add));
  }

  /**
   * Two read receipts queued for the owner by a logged-in reader (the ack path reads items back in
   * one batch).
   */
  private List<String> queueTwoReceiptsFor(MessagesTable messages, String owner) {
    List<String> ids = new ArrayList<>();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String reader = TestPhones.next();
    String connection = "c-" + reader;
    connections.save(io.checkmark.core.Connection.anonymous(connection, now, "203.0.113.9"));
    connections.bind(connection, reader, 1);
    for (int i = 0; i < 2; i++) {
      String id = "m-" + i + "-" + owner;
      messages.add(
          new Session(connection, reader, 1),
          new QueueItem.Receipt(owner, id, "read", reader, List.of("x"), now));
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

  private static DynamoDbClient client(ExecutionInterceptor interceptor) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(
            c -> {
              if (interceptor != null) {
                c.addExecutionInterceptor(interceptor);
              }
            })
        .build();
  }
}
