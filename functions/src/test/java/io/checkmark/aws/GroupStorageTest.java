package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.core.Connection;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.Group;
import io.checkmark.core.GroupEvent;
import io.checkmark.core.MessageQueue;
import io.checkmark.core.QueueItem;
import io.checkmark.core.RateLimiter;
import io.checkmark.core.Session;
import io.checkmark.core.TestPhones;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** The Groups and GroupEvents tables and the Messages table's fan-out steps, on DynamoDB Local. */
class GroupStorageTest {

  private static final Map<String, String> ENVIRONMENT =
      TemplateTables.environmentOf("SendFunction");
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private final DynamoDbClient client = TemplateTables.dynamoDb();
  private final Clock clock = Clock.systemUTC();
  private final ConnectionsTable connections =
      new ConnectionsTable(client, ENVIRONMENT.get("CONNECTIONS_TABLE"), clock);
  private final RateLimitsTable rateLimits =
      new RateLimitsTable(client, ENVIRONMENT.get("RATE_LIMITS_TABLE"), clock);
  private final GroupEventsTable events =
      new GroupEventsTable(ENVIRONMENT.get("GROUP_EVENTS_TABLE"));
  private final GroupsTable groups =
      new GroupsTable(client, ENVIRONMENT.get("GROUPS_TABLE"), events, connections, rateLimits);
  private final MessagesTable messages =
      new MessagesTable(
          client, ENVIRONMENT.get("MESSAGES_TABLE"), connections, rateLimits, groups, events);

  private final Session alice = loggedIn(TestPhones.next());
  private final String bob = TestPhones.next();

  @Test
  void aGroupIsStoredWithItsEventAndChangedOnlyFromTheVersionItIsAt() {
    Group group = newGroup();
    groups.create(alice, group, update(group), limit());

    assertThat(groups.find(group.id())).contains(group);
    Group renamed = new Group(group.id(), "Renamed", group.members(), group.admins(), 2);
    assertThat(groups.change(alice, group, renamed, update(renamed), null)).isTrue();
    Group stale = new Group(group.id(), "Stale", group.members(), group.admins(), 2);
    assertThat(groups.change(alice, group, stale, update(stale), null))
        .as("a change worked out from version 1, now that it is at 2")
        .isFalse();
    assertThat(groups.find(group.id())).contains(renamed);
    assertThat(groups.find("no-such-group")).isEmpty();
  }

  @Test
  void aGroupMessageIsStoredOnceAsAnEventOnlyWhileTheGroupIsAtItsVersion() {
    Group group = newGroup();
    groups.create(alice, group, update(group), limit());
    GroupEvent message = message(group, "c-1");

    MessageQueue.Stored stored =
        messages.storeOnceInGroup(alice, group, message, limit()).orElseThrow();
    MessageQueue.Stored again =
        messages.storeOnceInGroup(alice, group, message(group, "c-1"), limit()).orElseThrow();
    Group changed = new Group(group.id(), group.name(), List.of(alice.phone()), group.admins(), 2);
    groups.change(alice, group, changed, update(changed), null);

    assertThat(stored.duplicate()).isFalse();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.messageId()).isEqualTo(stored.messageId());
    assertThat(messages.storeOnceInGroup(alice, group, message(group, "c-2"), limit()))
        .as("stored against version 1 of a group now at 2")
        .isEmpty();
  }

  @Test
  void theStreamCarriesEachEventWhole() {
    Group group = newGroup();
    groups.create(alice, group, update(group), limit());
    GroupEvent message = message(group, "c-1");
    messages.storeOnceInGroup(alice, group, message, limit());

    List<GroupEvent> streamed = streamedEvents();

    assertThat(streamed).contains(message);
  }

  @Test
  void aFanOutStepStoresItsCopiesAndMovesTheMarkerOnlyFromWhereItIs() {
    Group group = newGroup();
    GroupEvent event = message(group, "c-1");
    DeviceRef bobsPrimary = DeviceRef.primaryOf(bob);
    DeviceRef bobsLaptop = new DeviceRef(bob, 2);
    List<QueueItem> copies =
        List.of(event.item().withOwner(bobsPrimary), event.item().withOwner(bobsLaptop));

    assertThat(messages.fanOutProgress(event.messageId())).isZero();
    assertThat(messages.storeFanOutStep(event, 0, 2, copies)).isTrue();
    assertThat(messages.fanOutProgress(event.messageId())).isEqualTo(2);
    messages.remove(
        loggedIn(bob),
        List.of(new MessageQueue.Ack(event.messageId(), null, null)),
        acked -> List.of());

    assertThat(messages.storeFanOutStep(event, 0, 2, copies))
        .as("a redelivered run that starts from the beginning")
        .isFalse();
    assertThat(messages.oldest(bobsPrimary, 10)).as("acked, and not stored again").isEmpty();
    assertThat(messages.oldest(bobsLaptop, 10)).containsExactly(copies.get(1));
    QueueItem carols = event.item().withOwner(DeviceRef.primaryOf(TestPhones.next()));
    assertThat(messages.storeFanOutStep(event, 2, 3, List.of(carols))).as("the next step").isTrue();
    assertThat(messages.storeFanOutStep(event, 2, 3, List.of(carols)))
        .as("that step again")
        .isFalse();
    assertThat(messages.fanOutProgress(event.messageId())).isEqualTo(3);
    assertThat(messages.oldest(carols.owner(), 10)).containsExactly(carols);
  }

  @Test
  void aFanOutStepTakesNinetyNineCopiesWithItsMarkerInOneTransaction() {
    Group group = newGroup();
    GroupEvent event = message(group, "c-1");
    List<QueueItem> copies = new ArrayList<>();
    for (int i = 0; i < MessageQueue.MAX_FAN_OUT_COPIES; i++) {
      copies.add(event.item().withOwner(DeviceRef.primaryOf("+1415555" + (1000 + i))));
    }

    assertThat(messages.storeFanOutStep(event, 0, 99, copies)).isTrue();

    assertThat(messages.oldest(DeviceRef.primaryOf("+14155551098"), 10))
        .extracting(QueueItem::messageId)
        .contains(event.messageId());
  }

  @Test
  void theAccountsOfALargeGroupAreReadInOneCallWhateverTheirNumber() {
    AccountsTable accounts = new AccountsTable(client, ENVIRONMENT.get("ACCOUNTS_TABLE"));
    List<String> phones = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      String phone = "+1202555" + String.format("%04d", 2000 + i);
      accounts.replacePrimary(phone, "hash", NOW);
      phones.add(phone);
    }
    phones.add("+12025559999");

    assertThat(accounts.findAll(phones)).hasSize(250).doesNotContainKey("+12025559999");
  }

  private List<GroupEvent> streamedEvents() {
    DynamoDbStreamsClient streams = TemplateTables.streams();
    String streamArn =
        client
            .describeTable(r -> r.tableName(ENVIRONMENT.get("GROUP_EVENTS_TABLE")))
            .table()
            .latestStreamArn();
    List<GroupEvent> streamed = new ArrayList<>();
    streams
        .describeStream(r -> r.streamArn(streamArn))
        .streamDescription()
        .shards()
        .forEach(
            shard -> {
              String iterator =
                  streams
                      .getShardIterator(
                          r ->
                              r.streamArn(streamArn)
                                  .shardId(shard.shardId())
                                  .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                      .shardIterator();
              for (int page = 0; iterator != null && page < 100; page++) {
                String from = iterator;
                var records = streams.getRecords(r -> r.shardIterator(from));
                records
                    .records()
                    .forEach(
                        record ->
                            streamed.add(GroupEventsTable.eventOf(record.dynamodb().newImage())));
                if (records.records().isEmpty()) {
                  break;
                }
                iterator = records.nextShardIterator();
              }
            });
    return streamed;
  }

  private Group newGroup() {
    return new Group(
        UUID.randomUUID().toString(),
        "Friends",
        List.of(alice.phone(), bob),
        List.of(alice.phone()),
        1);
  }

  private GroupEvent update(Group group) {
    return new GroupEvent(
        new QueueItem.GroupUpdate(
            alice.device(),
            "u-" + UUID.randomUUID(),
            group.id(),
            group.version() == 1 ? "created" : "updated",
            alice.phone(),
            group.name(),
            group.members(),
            group.admins(),
            NOW),
        group.members(),
        null);
  }

  private GroupEvent message(Group group, String clientId) {
    return new GroupEvent(
        new QueueItem.Message(
            alice.device(),
            "m-" + UUID.randomUUID(),
            alice.phone(),
            1,
            null,
            group.id(),
            clientId,
            "hello group",
            null,
            NOW),
        group.members(),
        alice.device());
  }

  private static RateLimiter.Limit limit() {
    return new RateLimiter.Limit("groups#" + UUID.randomUUID(), 100, Duration.ofMinutes(1));
  }

  private Session loggedIn(String phone) {
    String connection = "c-" + UUID.randomUUID();
    connections.save(Connection.anonymous(connection, Instant.now(), "203.0.113.9"));
    connections.bind(connection, DeviceRef.primaryOf(phone), 1);
    return new Session(connection, phone, 1, 1);
  }
}
