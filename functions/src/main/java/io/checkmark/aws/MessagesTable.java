package io.checkmark.aws;

import io.checkmark.core.Account;
import io.checkmark.core.Attachment;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.Group;
import io.checkmark.core.GroupEvent;
import io.checkmark.core.MessageIds;
import io.checkmark.core.MessageQueue;
import io.checkmark.core.QueueItem;
import io.checkmark.core.RateLimiter;
import io.checkmark.core.Session;
import io.checkmark.core.SessionChanged;
import io.checkmark.core.StorageUnavailable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The Messages table: every device's queue in one partition, {@code queue} (the owner's phone for
 * its primary, as in protocol v1, and {@code <phone>#<deviceId>} for a linked device) and {@code
 * id} (the server message id, sorting in acceptance order), expiring by TTL after 30 days. Items
 * are kept small with short attribute names, spelled out below; an item without {@code fd} or
 * {@code bd} is of device 1. Dedup records live in their own partitions ({@code
 * dedup#<sender>[.<device>]#<recipient>#<clientId>}), written in the same transaction as every copy
 * of the message and expiring with it. Items that can never be pushed are moved to {@code
 * undeliverable#<owner>} and kept, for diagnosis, until their own expiry. A group event's fan-out
 * progress is an item of its own ({@code fanout#<eventId>}, its {@code next} the recipients done).
 * Every write a connection sets off carries the Connections table's check that it is still bound to
 * its session, except a receipt's removal, which sets off nothing. No local secondary index, so a
 * queue is not capped at 10 GB.
 */
public final class MessagesTable implements MessageQueue {

  private static final String QUEUE = "queue";
  private static final String ID = "id";
  private static final String KIND = "k";
  private static final String FROM = "from";
  private static final String FROM_DEVICE = "fd";
  private static final String BY_DEVICE = "bd";
  private static final String CLIENT_ID = "cid";
  private static final String BODY = "body";
  private static final String MEDIA_URL = "mu";
  private static final String MEDIA_TYPE = "mt";
  private static final String MEDIA_THUMBNAIL = "mth";
  private static final String MEDIA_ID = "mdi";
  private static final String MEDIA_SIZE = "msz";
  private static final String MEDIA_SHA256 = "msha";
  private static final String MEDIA_KEY = "mk";
  private static final String MEDIA_NAME = "mn";
  private static final String STATUS = "st";
  private static final String BY = "by";
  private static final String RECEIPT_IDS = "ids";
  private static final String ACCEPTED_AT = "at";
  private static final String EXPIRES_AT = "expiresAt";
  private static final String DEDUP_MESSAGE_ID = "mid";
  private static final String GROUP = "g";
  private static final String CHANGE = "ch";
  private static final String NAME = "n";
  private static final String MEMBERS = "mem";
  private static final String ADMINS = "adm";

  /** A dedup record's recipient, and a sent transcript's. */
  private static final String TO = "to";

  private static final String MESSAGE = "m";
  private static final String RECEIPT = "r";
  private static final String GROUP_UPDATE = "u";
  private static final String DEDUP_SORT_KEY = "-";
  private static final String FAN_OUT = "fanout#";
  private static final String NEXT = "next";
  private static final int BATCH_GET_LIMIT = 100;
  private static final int TRANSACTION_LIMIT = 100;
  private static final int MAX_DEVICES = 1 + Account.MAX_LINKED_DEVICES;
  private static final String CONDITION_FAILED = "ConditionalCheckFailed";
  private static final Logger LOG = LoggerFactory.getLogger(MessagesTable.class);

  /** Every item of the table in one shape; which attributes an item has depends on its kind. */
  private static final TableSchema<StoredItem> SCHEMA =
      StaticTableSchema.builder(StoredItem.class)
          .newItemSupplier(StoredItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name(QUEUE)
                      .getter(item -> item.queue)
                      .setter((item, value) -> item.queue = value)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              String.class,
              a ->
                  a.name(ID)
                      .getter(item -> item.id)
                      .setter((item, value) -> item.id = value)
                      .tags(StaticAttributeTags.primarySortKey()))
          .addAttribute(
              String.class,
              a ->
                  a.name(KIND).getter(item -> item.kind).setter((item, value) -> item.kind = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(FROM).getter(item -> item.from).setter((item, value) -> item.from = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(CLIENT_ID)
                      .getter(item -> item.clientId)
                      .setter((item, value) -> item.clientId = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(BODY).getter(item -> item.body).setter((item, value) -> item.body = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(MEDIA_URL)
                      .getter(item -> item.mediaUrl)
                      .setter((item, value) -> item.mediaUrl = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(MEDIA_TYPE)
                      .getter(item -> item.mediaType)
                      .setter((item, value) -> item.mediaType = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(MEDIA_THUMBNAIL)
                      .getter(item -> item.mediaThumbnail)
                      .setter((item, value) -> item.mediaThumbnail = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(MEDIA_ID)
                      .getter(item -> item.mediaId)
                      .setter((item, value) -> item.mediaId = value))
          .addAttribute(
              Long.class,
              a ->
                  a.name(MEDIA_SIZE)
                      .getter(item -> item.mediaSize)
                      .setter((item, value) -> item.mediaSize = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(MEDIA_SHA256)
                      .getter(item -> item.mediaSha256)
                      .setter((item, value) -> item.mediaSha256 = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(MEDIA_KEY)
                      .getter(item -> item.mediaKey)
                      .setter((item, value) -> item.mediaKey = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(MEDIA_NAME)
                      .getter(item -> item.mediaName)
                      .setter((item, value) -> item.mediaName = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(STATUS)
                      .getter(item -> item.status)
                      .setter((item, value) -> item.status = value))
          .addAttribute(
              String.class,
              a -> a.name(BY).getter(item -> item.by).setter((item, value) -> item.by = value))
          .addAttribute(
              EnhancedType.listOf(String.class),
              a ->
                  a.name(RECEIPT_IDS)
                      .getter(item -> item.receiptIds)
                      .setter((item, value) -> item.receiptIds = value))
          .addAttribute(
              Long.class,
              a ->
                  a.name(ACCEPTED_AT)
                      .getter(item -> item.acceptedAt)
                      .setter((item, value) -> item.acceptedAt = value))
          .addAttribute(
              Long.class,
              a ->
                  a.name(EXPIRES_AT)
                      .getter(item -> item.expiresAt)
                      .setter((item, value) -> item.expiresAt = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(DEDUP_MESSAGE_ID)
                      .getter(item -> item.dedupMessageId)
                      .setter((item, value) -> item.dedupMessageId = value))
          .addAttribute(
              String.class,
              a -> a.name(TO).getter(item -> item.to).setter((item, value) -> item.to = value))
          .addAttribute(
              Integer.class,
              a ->
                  a.name(FROM_DEVICE)
                      .getter(item -> item.fromDevice)
                      .setter((item, value) -> item.fromDevice = value))
          .addAttribute(
              Integer.class,
              a ->
                  a.name(BY_DEVICE)
                      .getter(item -> item.byDevice)
                      .setter((item, value) -> item.byDevice = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(GROUP)
                      .getter(item -> item.group)
                      .setter((item, value) -> item.group = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(CHANGE)
                      .getter(item -> item.change)
                      .setter((item, value) -> item.change = value))
          .addAttribute(
              String.class,
              a ->
                  a.name(NAME).getter(item -> item.name).setter((item, value) -> item.name = value))
          .addAttribute(
              EnhancedType.listOf(String.class),
              a ->
                  a.name(MEMBERS)
                      .getter(item -> item.members)
                      .setter((item, value) -> item.members = value))
          .addAttribute(
              EnhancedType.listOf(String.class),
              a ->
                  a.name(ADMINS)
                      .getter(item -> item.admins)
                      .setter((item, value) -> item.admins = value))
          .build();

  private final DynamoDbClient client;
  private final String tableName;
  private final DynamoDbTable<StoredItem> table;
  private final ConnectionsTable connections;
  private final RateLimitsTable rateLimits;
  private final GroupsTable groups;
  private final GroupEventsTable groupEvents;
  private final Resubmission resubmission;

  public MessagesTable(
      DynamoDbClient client,
      String tableName,
      ConnectionsTable connections,
      RateLimitsTable rateLimits,
      GroupsTable groups,
      GroupEventsTable groupEvents) {
    this(client, tableName, connections, rateLimits, groups, groupEvents, Resubmission.DEFAULT);
  }

  MessagesTable(
      DynamoDbClient client,
      String tableName,
      ConnectionsTable connections,
      RateLimitsTable rateLimits,
      GroupsTable groups,
      GroupEventsTable groupEvents,
      Resubmission resubmission) {
    this.client = client;
    this.tableName = tableName;
    this.table =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
    this.connections = connections;
    this.rateLimits = rateLimits;
    this.groups = groups;
    this.groupEvents = groupEvents;
    this.resubmission = resubmission;
  }

  /**
   * A client id is scoped to its sending device and conversation: the sender (with its device,
   * unless the primary, whose records keep protocol v1's form), then the recipient (where a group
   * would go), then the id, which comes last because it may hold anything.
   */
  static String dedupKey(DeviceRef sender, String conversation, String clientId) {
    String device = sender.isPrimary() ? sender.phone() : sender.phone() + "." + sender.deviceId();
    return "dedup#" + device + "#" + conversation + "#" + clientId;
  }

  /**
   * The device a stored item is queued for, if it is a message or a group update in a device's
   * queue (not a receipt, a marker or an item moved aside): what a push wakes a device for.
   */
  public static Optional<DeviceRef> wakingOwner(Map<String, AttributeValue> attributes) {
    AttributeValue kind = attributes.get(KIND);
    AttributeValue queue = attributes.get(QUEUE);
    if (kind == null
        || queue == null
        || !(MESSAGE.equals(kind.s()) || GROUP_UPDATE.equals(kind.s()))
        || !queue.s().startsWith("+")) {
      return Optional.empty();
    }
    return Optional.of(deviceOf(queue.s()));
  }

  /** The partition of a device's queue. */
  static String queueOf(DeviceRef device) {
    return device.isPrimary() ? device.phone() : device.phone() + "#" + device.deviceId();
  }

  private static DeviceRef deviceOf(String queue) {
    int hash = queue.indexOf('#');
    return hash < 0
        ? DeviceRef.primaryOf(queue)
        : new DeviceRef(queue.substring(0, hash), Integer.parseInt(queue.substring(hash + 1)));
  }

  @Override
  public Stored storeOnce(
      Session sender,
      String conversation,
      QueueItem.Message message,
      List<QueueItem.Message> copies,
      RateLimiter.Limit sendLimit) {
    List<TransactWriteItem> writes = new ArrayList<>();
    for (QueueItem.Message copy : copies) {
      writes.add(
          TransactWriteItem.builder()
              .put(put -> put.tableName(tableName).item(itemOf(copy)))
              .build());
    }
    return storeDeduplicated(sender, conversation, message, sendLimit, writes).orElseThrow();
  }

  /**
   * The dedup record, the session check and the send limit's hit, then the group's version check
   * and the event: one transaction, which stores nothing when the group changed.
   */
  @Override
  public Optional<Stored> storeOnceInGroup(
      Session sender, Group group, GroupEvent message, RateLimiter.Limit sendLimit) {
    return storeDeduplicated(
        sender,
        group.id(),
        message.item(),
        sendLimit,
        List.of(groups.versionIs(group), groupEvents.put(message)));
  }

  /**
   * Stores the message's dedup record (index 0), checks the session (1), counts the send (2) and
   * writes {@code writes} (the first of which may be a condition: empty when it fails), in one
   * transaction.
   */
  private Optional<Stored> storeDeduplicated(
      Session sender,
      String conversation,
      QueueItem message,
      RateLimiter.Limit sendLimit,
      List<TransactWriteItem> writes) {
    StoredItem record = new StoredItem();
    record.queue =
        dedupKey(sender.device(), conversation, ((QueueItem.Message) message).clientId());
    record.id = DEDUP_SORT_KEY;
    record.dedupMessageId = message.messageId();
    record.to = conversation;
    record.acceptedAt = message.acceptedAt().toEpochMilli();
    record.expiresAt = expiresAt(message.acceptedAt());
    Map<String, AttributeValue> dedup = SCHEMA.itemToMap(record, true);
    List<TransactWriteItem> all = new ArrayList<>();
    all.add(
        TransactWriteItem.builder()
            .put(
                put ->
                    put.tableName(tableName)
                        .item(dedup)
                        .conditionExpression("attribute_not_exists(" + QUEUE + ")")
                        .returnValuesOnConditionCheckFailure(
                            ReturnValuesOnConditionCheckFailure.ALL_OLD))
            .build());
    all.add(connections.stillBound(sender));
    all.add(rateLimits.hit(sendLimit));
    all.addAll(writes);
    for (int attempt = 1; ; attempt++) {
      try {
        client.transactWriteItems(r -> r.transactItems(all));
        return Optional.of(
            new Stored(
                message.messageId(), conversation, message.acceptedAt().toEpochMilli(), false));
      } catch (TransactionCanceledException cancelled) {
        if (failedCondition(cancelled, 1)) {
          throw new SessionChanged(sender.connectionId());
        }
        CancellationReason dedupOutcome = cancelled.cancellationReasons().get(0);
        if (CONDITION_FAILED.equals(dedupOutcome.code()) && dedupOutcome.hasItem()) {
          StoredItem earlier = SCHEMA.mapToItem(dedupOutcome.item());
          return Optional.of(
              new Stored(earlier.dedupMessageId, earlier.to, earlier.acceptedAt, true));
        }
        if (failedCondition(cancelled, 2)) {
          throw rateLimits.windowFull(sendLimit);
        }
        if (failedCondition(cancelled, 3)) {
          return Optional.empty();
        }
        // A conflict with a concurrent transaction on the same dedup record or counter: submit
        // again.
        resubmission.beforeNext(attempt, "storing a message");
      }
    }
  }

  @Override
  public int fanOutProgress(String eventId) {
    return fanOutProgress(client, tableName, eventId);
  }

  /**
   * How many recipients of a group event have their copies, read from its fan-out's marker in the
   * Messages table {@code tableName} (strongly consistent): also for tests and benchmarks, which
   * watch a fan-out from outside.
   */
  public static int fanOutProgress(DynamoDbClient client, String tableName, String eventId) {
    Map<String, AttributeValue> marker =
        client
            .getItem(
                r ->
                    r.tableName(tableName)
                        .key(Map.of(QUEUE, s(FAN_OUT + eventId), ID, s(DEDUP_SORT_KEY)))
                        .consistentRead(true))
            .item();
    return marker == null || !marker.containsKey(NEXT) ? 0 : Integer.parseInt(marker.get(NEXT).n());
  }

  /**
   * The marker's put, conditioned on where the fan-out was, then a put per copy. Plain puts: the
   * marker makes them happen once, so a copy its device acked since is never stored again.
   */
  @Override
  public boolean storeFanOutStep(GroupEvent event, int from, int to, List<QueueItem> copies) {
    if (copies.size() > MAX_FAN_OUT_COPIES) {
      throw new IllegalArgumentException(
          "a fan-out step holds at most " + MAX_FAN_OUT_COPIES + " copies");
    }
    List<TransactWriteItem> writes = new ArrayList<>();
    Map<String, AttributeValue> marker =
        Map.of(
            QUEUE,
            s(FAN_OUT + event.messageId()),
            ID,
            s(DEDUP_SORT_KEY),
            NEXT,
            AttributeValue.fromN(Integer.toString(to)),
            EXPIRES_AT,
            AttributeValue.fromN(Long.toString(expiresAt(event.item().acceptedAt()))));
    writes.add(
        TransactWriteItem.builder()
            .put(
                put -> {
                  put.tableName(tableName).item(marker);
                  if (from == 0) {
                    put.conditionExpression("attribute_not_exists(" + QUEUE + ")");
                  } else {
                    put.conditionExpression("#next = :from")
                        .expressionAttributeNames(Map.of("#next", NEXT))
                        .expressionAttributeValues(
                            Map.of(":from", AttributeValue.fromN(Integer.toString(from))));
                  }
                })
            .build());
    copies.forEach(
        copy ->
            writes.add(
                TransactWriteItem.builder()
                    .put(put -> put.tableName(tableName).item(itemOf(copy)))
                    .build()));
    for (int attempt = 1; ; attempt++) {
      try {
        client.transactWriteItems(r -> r.transactItems(writes));
        return true;
      } catch (TransactionCanceledException cancelled) {
        if (failedCondition(cancelled, 0)) {
          return false;
        }
        resubmission.beforeNext(attempt, "a fan-out step");
      }
    }
  }

  @Override
  public void add(Session by, List<QueueItem.Receipt> copies) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(connections.stillBound(by));
    copies.forEach(
        copy ->
            writes.add(
                TransactWriteItem.builder()
                    .put(put -> put.tableName(tableName).item(itemOf(copy)))
                    .build()));
    transact(writes, by, 0);
  }

  @Override
  public void drop(DeviceRef device) {
    String queue = queueOf(device);
    // Keys only, page by page: a dropped queue may be long, and its items are never read again.
    table
        .query(
            r ->
                r.queryConditional(
                        QueryConditional.keyEqualTo(Key.builder().partitionValue(queue).build()))
                    .attributesToProject(QUEUE, ID))
        .items()
        .forEach(
            item ->
                table.deleteItem(Key.builder().partitionValue(queue).sortValue(item.id).build()));
  }

  @Override
  public List<QueueItem> oldest(DeviceRef owner, int limit) {
    return firstPage(
        QueryConditional.keyEqualTo(Key.builder().partitionValue(queueOf(owner)).build()), limit);
  }

  @Override
  public List<QueueItem> storedSince(DeviceRef owner, Instant since, int limit) {
    return firstPage(
        QueryConditional.sortGreaterThanOrEqualTo(
            Key.builder()
                .partitionValue(queueOf(owner))
                .sortValue(MessageIds.firstIdAt(since))
                .build()),
        limit);
  }

  /** A queue's items the condition selects, oldest first: the first page only, one request. */
  private List<QueueItem> firstPage(QueryConditional condition, int limit) {
    return table
        .query(r -> r.queryConditional(condition).consistentRead(true).limit(limit))
        .iterator()
        .next()
        .items()
        .stream()
        .map(MessagesTable::queueItemOf)
        .toList();
  }

  @Override
  public List<QueueItem> find(DeviceRef owner, Collection<String> messageIds) {
    List<QueueItem> found = new ArrayList<>();
    List<String> ids = List.copyOf(messageIds);
    for (int start = 0; start < ids.size(); start += BATCH_GET_LIMIT) {
      List<Map<String, AttributeValue>> keys =
          ids.subList(start, Math.min(ids.size(), start + BATCH_GET_LIMIT)).stream()
              .map(id -> key(owner, id))
              .toList();
      Map<String, KeysAndAttributes> request =
          Map.of(tableName, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
      for (int attempt = 1; !request.isEmpty(); attempt++) {
        Map<String, KeysAndAttributes> unprocessed = request;
        BatchGetItemResponse response = client.batchGetItem(r -> r.requestItems(unprocessed));
        response
            .responses()
            .getOrDefault(tableName, List.of())
            .forEach(item -> found.add(queueItemOf(SCHEMA.mapToItem(item))));
        request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        if (!request.isEmpty()) {
          resubmission.beforeNext(attempt, "reading acked items");
        }
      }
    }
    found.sort((a, b) -> a.messageId().compareTo(b.messageId()));
    return found;
  }

  /**
   * Receipts first, each its own conditional delete ({@link #removeIfReceipt}); then, for the other
   * items, one transaction per up to 100: the session check, a delete per item conditioned on the
   * item being there, and one receipt per sender of the messages among them, for each of its
   * devices. A delete whose item is not there (never was, or a concurrent ack removed it first)
   * fails its condition, and DynamoDB cancels the whole transaction with a reason per item, in
   * order: it is submitted again without those items (and their receipts). Conflicts with
   * concurrent transactions are submitted again after a backoff.
   */
  @Override
  public Removal remove(
      Session owner, List<Ack> acks, Function<List<Ack>, List<QueueItem.Receipt>> receiptsFor) {
    int removed = 0;
    List<Ack> transacted = new ArrayList<>();
    for (Ack ack : acks) {
      if (ack.sender() == null && MessageIds.isReceipt(ack.messageId())) {
        switch (removeIfReceipt(owner.device(), ack.messageId())) {
          case REMOVED -> removed++;
          case NOT_A_RECEIPT -> transacted.add(ack);
          case ABSENT -> {}
        }
      } else {
        transacted.add(ack);
      }
    }
    List<QueueItem.Receipt> queued = new ArrayList<>();
    List<Ack> chunk = new ArrayList<>();
    Set<String> chunkSenders = new HashSet<>();
    for (Ack ack : transacted) {
      String sender = ack.sender() == null ? null : ack.receiptKey();
      int sendersAfter =
          chunkSenders.size() + (sender != null && !chunkSenders.contains(sender) ? 1 : 0);
      // The session check, the deletes, one receipt per sender for each of its devices.
      if (1 + chunk.size() + 1 + sendersAfter * MAX_DEVICES > TRANSACTION_LIMIT) {
        removed += removeChunk(owner, chunk, receiptsFor, queued);
        chunk = new ArrayList<>();
        chunkSenders.clear();
      }
      chunk.add(ack);
      if (sender != null) {
        chunkSenders.add(sender);
      }
    }
    if (!chunk.isEmpty()) {
      removed += removeChunk(owner, chunk, receiptsFor, queued);
    }
    return new Removal(removed, queued);
  }

  private enum ReceiptRemoval {
    REMOVED,
    ABSENT,
    NOT_A_RECEIPT
  }

  /**
   * A receipt's removal sets off nothing and any device may drop what it was pushed, so it is one
   * conditional delete (1 write unit) instead of a share of a transaction with the session check (4
   * units for a receipt acked alone). Group updates have ids of the same form and are shared by
   * every member's queue: the condition on the kind leaves them to the checked transaction.
   */
  private ReceiptRemoval removeIfReceipt(DeviceRef owner, String id) {
    try {
      client.deleteItem(
          r ->
              r.tableName(tableName)
                  .key(key(owner, id))
                  .conditionExpression("#kind = :receipt")
                  .expressionAttributeNames(Map.of("#kind", KIND))
                  .expressionAttributeValues(Map.of(":receipt", s(RECEIPT)))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return ReceiptRemoval.REMOVED;
    } catch (ConditionalCheckFailedException notAReceipt) {
      return notAReceipt.hasItem() ? ReceiptRemoval.NOT_A_RECEIPT : ReceiptRemoval.ABSENT;
    }
  }

  private int removeChunk(
      Session owner,
      List<Ack> chunk,
      Function<List<Ack>, List<QueueItem.Receipt>> receiptsFor,
      List<QueueItem.Receipt> queued) {
    List<Ack> present = new ArrayList<>(chunk);
    for (int conflicts = 0; !present.isEmpty(); ) {
      boolean anySender = present.stream().anyMatch(ack -> ack.sender() != null);
      List<QueueItem.Receipt> receipts = anySender ? receiptsFor.apply(present) : List.of();
      List<TransactWriteItem> writes = new ArrayList<>();
      writes.add(connections.stillBound(owner));
      present.forEach(
          ack ->
              writes.add(
                  TransactWriteItem.builder()
                      .delete(
                          delete ->
                              delete
                                  .tableName(tableName)
                                  .key(key(owner.device(), ack.messageId()))
                                  .conditionExpression("attribute_exists(" + ID + ")"))
                      .build()));
      receipts.forEach(
          receipt ->
              writes.add(
                  TransactWriteItem.builder()
                      .put(put -> put.tableName(tableName).item(itemOf(receipt)))
                      .build()));
      try {
        client.transactWriteItems(r -> r.transactItems(writes));
        queued.addAll(receipts);
        return present.size();
      } catch (TransactionCanceledException cancelled) {
        if (failedCondition(cancelled, 0)) {
          throw new SessionChanged(owner.connectionId());
        }
        List<Ack> gone = new ArrayList<>();
        for (int i = 0; i < present.size(); i++) {
          if (failedCondition(cancelled, 1 + i)) {
            gone.add(present.get(i));
          }
        }
        if (gone.isEmpty()) {
          conflicts++;
          resubmission.beforeNext(conflicts, "removing acked items");
        }
        present.removeAll(gone);
      }
    }
    return 0;
  }

  /**
   * A copy under {@code undeliverable#<owner>} with the same expiry, and the queue's item deleted,
   * in one transaction.
   */
  @Override
  public void setAside(QueueItem item) {
    Map<String, AttributeValue> copy = new HashMap<>(itemOf(item));
    copy.put(QUEUE, s("undeliverable#" + queueOf(item.owner())));
    try {
      transact(
          List.of(
              TransactWriteItem.builder()
                  .delete(
                      delete ->
                          delete
                              .tableName(tableName)
                              .key(key(item.owner(), item.messageId()))
                              .conditionExpression("attribute_exists(" + ID + ")"))
                  .build(),
              TransactWriteItem.builder().put(put -> put.tableName(tableName).item(copy)).build()),
          null,
          -1);
      LOG.warn(
          "item {} of queue {} can never be pushed (too large); moved to undeliverable#{}",
          item.messageId(),
          queueOf(item.owner()),
          queueOf(item.owner()));
    } catch (TransactionCanceledException | StorageUnavailable notMoved) {
      // Acked or moved aside meanwhile (its delete's condition failed), or still conflicting: then
      // it stays queued and the next sync moves it.
    }
  }

  /**
   * Runs a transaction, submitted again after a backoff while it conflicts with another; a failed
   * session check ({@code sessionCheckAt}) is {@link SessionChanged}; other failed conditions are
   * thrown.
   */
  private void transact(List<TransactWriteItem> writes, Session session, int sessionCheckAt) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.transactWriteItems(r -> r.transactItems(writes));
        return;
      } catch (TransactionCanceledException cancelled) {
        if (session != null && failedCondition(cancelled, sessionCheckAt)) {
          throw new SessionChanged(session.connectionId());
        }
        boolean anyConditionFailed =
            cancelled.cancellationReasons().stream()
                .anyMatch(reason -> CONDITION_FAILED.equals(reason.code()));
        if (anyConditionFailed) {
          throw cancelled;
        }
        resubmission.beforeNext(attempt, "a queue transaction");
      }
    }
  }

  private static boolean failedCondition(TransactionCanceledException cancelled, int index) {
    List<CancellationReason> reasons = cancelled.cancellationReasons();
    return index < reasons.size() && CONDITION_FAILED.equals(reasons.get(index).code());
  }

  private static Map<String, AttributeValue> itemOf(QueueItem.Message message) {
    StoredItem item = common(message, MESSAGE);
    item.from = message.from();
    item.fromDevice = message.fromDevice() == Account.PRIMARY ? null : message.fromDevice();
    item.to = message.to();
    item.group = message.group();
    item.clientId = message.clientId();
    item.body = message.body();
    Attachment media = message.attachment();
    if (media != null) {
      item.mediaUrl = media.url();
      item.mediaId = media.mediaId();
      item.mediaType = media.mimeType();
      item.mediaSize = media.size();
      item.mediaSha256 = media.sha256();
      item.mediaKey = media.key();
      item.mediaThumbnail = media.thumbnail();
      item.mediaName = media.name();
    }
    return SCHEMA.itemToMap(item, true);
  }

  private static Map<String, AttributeValue> itemOf(QueueItem.Receipt receipt) {
    StoredItem item = common(receipt, RECEIPT);
    item.status = receipt.status();
    item.by = receipt.by();
    item.byDevice = receipt.byDevice() == Account.PRIMARY ? null : receipt.byDevice();
    item.receiptIds = receipt.messageIds();
    item.group = receipt.group();
    return SCHEMA.itemToMap(item, true);
  }

  private static Map<String, AttributeValue> itemOf(QueueItem.GroupUpdate update) {
    StoredItem item = common(update, GROUP_UPDATE);
    item.group = update.groupId();
    item.change = update.change();
    item.by = update.by();
    item.name = update.name();
    item.members = update.members();
    item.admins = update.admins();
    return SCHEMA.itemToMap(item, true);
  }

  /** An item as this table stores it; the GroupEvents table stores an event's item so too. */
  static Map<String, AttributeValue> itemOf(QueueItem item) {
    if (item instanceof QueueItem.Message message) {
      return itemOf(message);
    }
    if (item instanceof QueueItem.GroupUpdate update) {
      return itemOf(update);
    }
    return itemOf((QueueItem.Receipt) item);
  }

  private static StoredItem common(QueueItem queued, String kind) {
    StoredItem item = new StoredItem();
    item.queue = queueOf(queued.owner());
    item.id = queued.messageId();
    item.kind = kind;
    item.acceptedAt = queued.acceptedAt().toEpochMilli();
    item.expiresAt = expiresAt(queued.acceptedAt());
    return item;
  }

  /** An item read back from its attributes, as {@link #itemOf(QueueItem)} wrote them. */
  static QueueItem queueItemOf(Map<String, AttributeValue> attributes) {
    return queueItemOf(SCHEMA.mapToItem(attributes));
  }

  private static QueueItem queueItemOf(StoredItem item) {
    Instant acceptedAt = Instant.ofEpochMilli(item.acceptedAt);
    DeviceRef owner = deviceOf(item.queue);
    if (RECEIPT.equals(item.kind)) {
      return new QueueItem.Receipt(
          owner,
          item.id,
          item.status,
          item.by,
          item.byDevice == null ? Account.PRIMARY : item.byDevice,
          item.group,
          List.copyOf(item.receiptIds),
          acceptedAt);
    }
    if (GROUP_UPDATE.equals(item.kind)) {
      return new QueueItem.GroupUpdate(
          owner,
          item.id,
          item.group,
          item.change,
          item.by,
          item.name,
          item.members,
          item.admins,
          acceptedAt);
    }
    Attachment media =
        item.mediaUrl == null && item.mediaId == null
            ? null
            : new Attachment(
                item.mediaUrl,
                item.mediaId,
                item.mediaType,
                item.mediaSize,
                item.mediaSha256,
                item.mediaKey,
                item.mediaThumbnail,
                item.mediaName);
    return new QueueItem.Message(
        owner,
        item.id,
        item.from,
        item.fromDevice == null ? Account.PRIMARY : item.fromDevice,
        item.to,
        item.group,
        item.clientId,
        item.body,
        media,
        acceptedAt);
  }

  private static long expiresAt(Instant acceptedAt) {
    return acceptedAt.plus(QueueItem.RETENTION).getEpochSecond();
  }

  private static Map<String, AttributeValue> key(DeviceRef owner, String messageId) {
    return Map.of(QUEUE, s(queueOf(owner)), ID, s(messageId));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  /** The stored shape of an item: see the attribute names above. */
  private static final class StoredItem {
    private String queue;
    private String id;
    private String kind;
    private String from;
    private String clientId;
    private String body;
    private String mediaUrl;
    private String mediaType;
    private String mediaThumbnail;
    private String mediaId;
    private Long mediaSize;
    private String mediaSha256;
    private String mediaKey;
    private String mediaName;
    private String status;
    private String by;
    private List<String> receiptIds;
    private Long acceptedAt;
    private Long expiresAt;
    private String dedupMessageId;
    private String to;
    private Integer fromDevice;
    private Integer byDevice;
    private String group;
    private String change;
    private String name;
    private List<String> members;
    private List<String> admins;
  }
}
