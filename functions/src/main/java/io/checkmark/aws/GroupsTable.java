package io.checkmark.aws;

import io.checkmark.core.Group;
import io.checkmark.core.GroupEvent;
import io.checkmark.core.GroupStore;
import io.checkmark.core.RateLimiter;
import io.checkmark.core.Session;
import io.checkmark.core.SessionChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The Groups table: one item per group, {@code group → name, members (in the order they joined),
 * admins, version}. Every change replaces the item on condition that its version is still the one
 * the change was worked out from, and stores the change's event (GroupEvents table) in the same
 * transaction; a group message's transaction checks the version too ({@link #versionIs}).
 */
public final class GroupsTable implements GroupStore {

  private static final String GROUP = "group";
  private static final String VERSION = "version";
  private static final String CONDITION_FAILED = "ConditionalCheckFailed";

  private static final TableSchema<GroupItem> SCHEMA =
      StaticTableSchema.builder(GroupItem.class)
          .newItemSupplier(GroupItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name(GROUP)
                      .getter(item -> item.group)
                      .setter((item, v) -> item.group = v)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              String.class,
              a -> a.name("name").getter(item -> item.name).setter((item, v) -> item.name = v))
          .addAttribute(
              EnhancedType.listOf(String.class),
              a ->
                  a.name("members")
                      .getter(item -> item.members)
                      .setter((item, v) -> item.members = v))
          .addAttribute(
              EnhancedType.listOf(String.class),
              a ->
                  a.name("admins").getter(item -> item.admins).setter((item, v) -> item.admins = v))
          .addAttribute(
              Long.class,
              a ->
                  a.name(VERSION)
                      .getter(item -> item.version)
                      .setter((item, v) -> item.version = v))
          .build();

  private final DynamoDbClient client;
  private final String tableName;
  private final DynamoDbTable<GroupItem> table;
  private final GroupEventsTable events;
  private final ConnectionsTable connections;
  private final RateLimitsTable rateLimits;
  private final Resubmission resubmission;

  public GroupsTable(
      DynamoDbClient client,
      String tableName,
      GroupEventsTable events,
      ConnectionsTable connections,
      RateLimitsTable rateLimits) {
    this.client = client;
    this.tableName = tableName;
    this.table =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
    this.events = events;
    this.connections = connections;
    this.rateLimits = rateLimits;
    this.resubmission = Resubmission.DEFAULT;
  }

  @Override
  public Optional<Group> find(String groupId) {
    GroupItem item =
        table.getItem(
            r -> r.key(Key.builder().partitionValue(groupId).build()).consistentRead(true));
    return Optional.ofNullable(item)
        .map(
            found ->
                new Group(found.group, found.name, found.members, found.admins, found.version));
  }

  @Override
  public void create(Session creator, Group group, GroupEvent created, RateLimiter.Limit limit) {
    TransactWriteItem put =
        TransactWriteItem.builder()
            .put(
                p ->
                    p.tableName(tableName)
                        .item(itemOf(group))
                        .conditionExpression("attribute_not_exists(#g)")
                        .expressionAttributeNames(Map.of("#g", GROUP)))
            .build();
    if (!write(creator, put, created, limit)) {
      // 128 random bits taken already: not in this universe.
      throw new IllegalStateException("a new group's id is taken: " + group.id());
    }
  }

  @Override
  public boolean change(
      Session by, Group before, Group after, GroupEvent event, RateLimiter.Limit limit) {
    TransactWriteItem put =
        TransactWriteItem.builder()
            .put(
                p ->
                    p.tableName(tableName)
                        .item(itemOf(after))
                        .conditionExpression("#v = :v")
                        .expressionAttributeNames(Map.of("#v", VERSION))
                        .expressionAttributeValues(Map.of(":v", number(before.version()))))
            .build();
    return write(by, put, event, limit);
  }

  /** The check that a group is still at the version a message to it was worked out from. */
  TransactWriteItem versionIs(Group group) {
    return TransactWriteItem.builder()
        .conditionCheck(
            check ->
                check
                    .tableName(tableName)
                    .key(Map.of(GROUP, AttributeValue.fromS(group.id())))
                    .conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", VERSION))
                    .expressionAttributeValues(Map.of(":v", number(group.version()))))
        .build();
  }

  /**
   * The group's put (index 0), the session check (1), the event (2) and the limit's hit (3), in one
   * transaction; false when the put's condition failed.
   */
  private boolean write(
      Session session, TransactWriteItem groupPut, GroupEvent event, RateLimiter.Limit limit) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(groupPut);
    writes.add(connections.stillBound(session));
    writes.add(events.put(event));
    if (limit != null) {
      writes.add(rateLimits.hit(limit));
    }
    for (int attempt = 1; ; attempt++) {
      try {
        client.transactWriteItems(r -> r.transactItems(writes));
        return true;
      } catch (TransactionCanceledException cancelled) {
        if (failed(cancelled, 1)) {
          throw new SessionChanged(session.connectionId());
        }
        if (failed(cancelled, 3)) {
          throw rateLimits.windowFull(limit);
        }
        if (failed(cancelled, 0)) {
          return false;
        }
        resubmission.beforeNext(attempt, "changing a group");
      }
    }
  }

  private static boolean failed(TransactionCanceledException cancelled, int index) {
    List<CancellationReason> reasons = cancelled.cancellationReasons();
    return index < reasons.size() && CONDITION_FAILED.equals(reasons.get(index).code());
  }

  private static Map<String, AttributeValue> itemOf(Group group) {
    GroupItem item = new GroupItem();
    item.group = group.id();
    item.name = group.name();
    item.members = group.members();
    item.admins = group.admins();
    item.version = group.version();
    return SCHEMA.itemToMap(item, true);
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  /** The stored shape of a group. */
  private static final class GroupItem {
    private String group;
    private String name;
    private List<String> members;
    private List<String> admins;
    private Long version;
  }
}
