package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkmark.core.Connection;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.MessageIds;
import io.checkmark.core.MessageQueue;
import io.checkmark.core.QueueItem;
import io.checkmark.core.Session;
import io.checkmark.core.SessionChanged;
import io.checkmark.core.TestPhones;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Acks of receipts on DynamoDB Local: a receipt leaves its device's queue by a delete of its own,
 * with no session check, while a group update, whose id has a receipt's form, still needs one.
 */
class ReceiptRemovalTest {

  private static final Map<String, String> ENVIRONMENT =
      TemplateTables.environmentOf("AckFunction");
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private final DynamoDbClient client = TemplateTables.dynamoDb();
  private final String tableName = ENVIRONMENT.get("MESSAGES_TABLE");
  private final Clock clock = Clock.systemUTC();
  private final ConnectionsTable connections =
      new ConnectionsTable(client, ENVIRONMENT.get("CONNECTIONS_TABLE"), clock);
  private final RateLimitsTable rateLimits =
      new RateLimitsTable(client, ENVIRONMENT.get("RATE_LIMITS_TABLE"), clock);
  private final GroupEventsTable events =
      new GroupEventsTable(ENVIRONMENT.get("GROUP_EVENTS_TABLE"));
  private final MessagesTable messages =
      new MessagesTable(
          client,
          tableName,
          connections,
          rateLimits,
          new GroupsTable(client, ENVIRONMENT.get("GROUPS_TABLE"), events, connections, rateLimits),
          events);
  private final MessageIds ids = new MessageIds(clock, new SecureRandom(), () -> null);

  private final DeviceRef owner = DeviceRef.primaryOf(TestPhones.next());
  private final Session ownerBound = loggedIn(owner);
  private final Session ownerElsewhere = new Session("c-" + UUID.randomUUID(), owner.phone(), 1, 1);

  @Test
  void aReceiptLeavesItsDevicesQueueWhoeverItsConnectionIsNowAndCountsOnce() {
    String receipt = ids.nextReceipt();
    String neverQueued = ids.nextReceipt();
    Session reader = loggedIn(DeviceRef.primaryOf(TestPhones.next()));
    messages.add(
        reader,
        List.of(
            new QueueItem.Receipt(
                owner, receipt, "read", reader.phone(), 1, null, List.of("x"), NOW)));

    MessageQueue.Removal first =
        messages.remove(ownerElsewhere, acks(receipt, neverQueued), none());
    MessageQueue.Removal again = messages.remove(ownerElsewhere, acks(receipt), none());

    assertThat(first.removed()).isEqualTo(1);
    assertThat(again.removed()).as("acked twice").isZero();
    assertThat(messages.oldest(owner, 10)).isEmpty();
  }

  @Test
  void aGroupUpdateWithAReceiptsIdLeavesOnlyForAConnectionStillBoundToItsDevice() {
    String update = ids.nextReceipt();
    client.putItem(
        r ->
            r.tableName(tableName)
                .item(
                    MessagesTable.itemOf(
                        new QueueItem.GroupUpdate(
                            owner,
                            update,
                            "g-" + UUID.randomUUID(),
                            "created",
                            owner.phone(),
                            "Team",
                            List.of(owner.phone()),
                            List.of(owner.phone()),
                            NOW))));

    assertThatThrownBy(() -> messages.remove(ownerElsewhere, acks(update), none()))
        .isInstanceOf(SessionChanged.class);
    assertThat(messages.oldest(owner, 10)).extracting(QueueItem::messageId).containsExactly(update);
    assertThat(messages.remove(ownerBound, acks(update), none()).removed()).isEqualTo(1);
    assertThat(messages.oldest(owner, 10)).isEmpty();
  }

  private static List<MessageQueue.Ack> acks(String... messageIds) {
    return Arrays.stream(messageIds).map(id -> new MessageQueue.Ack(id, null, null)).toList();
  }

  private static Function<List<MessageQueue.Ack>, List<QueueItem.Receipt>> none() {
    return removed -> List.of();
  }

  private Session loggedIn(DeviceRef device) {
    String connection = "c-" + UUID.randomUUID();
    connections.save(Connection.anonymous(connection, Instant.now(), "203.0.113.9"));
    connections.bind(connection, device, 1);
    return new Session(connection, device.phone(), 1, 1);
  }
}
