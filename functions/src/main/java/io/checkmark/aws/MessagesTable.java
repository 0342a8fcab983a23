package io.checkmark.aws;

import io.checkmark.core.MessageQueue;
import io.checkmark.core.MessagingService;
import io.checkmark.core.QueueItem;
import io.checkmark.protocol.Media;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The Messages table: every phone's queue in one partition, {@code queue} (the owner's phone) and
 * {@code id} (the server message id, sorting in acceptance order), expiring by TTL after 30 days.
 * Items are kept small with short attribute names, spelled out below. Dedup records live in their
 * own partitions ({@code dedup#<sender>#<clientId>}), written in the same transaction as the
 * message and expiring with it. No local secondary index, so a queue is not capped at 10 GB.
 */
public final class MessagesTable implements MessageQueue {

  private static final String QUEUE = "queue";
  private static final String ID = "id";
  private static final String KIND = "k";
  private static final String FROM = "from";
  private static final String CLIENT_ID = "cid";
  private static final String BODY = "body";
  private static final String MEDIA_URL = "mu";
  private static final String MEDIA_TYPE = "mt";
  private static final String MEDIA_THUMBNAIL = "mth";
  private static final String STATUS = "st";
  private static final String BY = "by";
  private static final String RECEIPT_IDS = "ids";
  private static final String ACCEPTED_AT = "at";
  private static final String EXPIRES_AT = "expiresAt";
  private static final String DEDUP_MESSAGE_ID = "mid";
  private static final String DEDUP_TO = "to";
  private static final String MESSAGE = "m";
  private static final String RECEIPT = "r";
  private static final String DEDUP_SORT_KEY = "-";
  private static final int BATCH_GET_LIMIT = 100;
  private static final int BATCH_WRITE_LIMIT = 25;
  private static final int ATTEMPTS = 8;

  private final DynamoDbClient client;
  private final String tableName;

  public MessagesTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
  }

  @Override
  public Stored storeOnce(QueueItem.Message message) {
    Map<String, AttributeValue> dedup = Map.of(
        QUEUE, s("dedup#" + message.from() + "#" + message.clientId()),
        ID, s(DEDUP_SORT_KEY),
        DEDUP_MESSAGE_ID, s(message.messageId()),
        DEDUP_TO, s(message.owner()),
        ACCEPTED_AT, n(message.acceptedAt().toEpochMilli()),
        EXPIRES_AT, n(expiresAt(message.acceptedAt())));
    for (int attempt = 1; ; attempt++) {
      try {
        client.transactWriteItems(r -> r.transactItems(
            item -> item.put(put -> put.tableName(tableName).item(dedup)
                .conditionExpression("attribute_not_exists(" + QUEUE + ")")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)),
            item -> item.put(put -> put.tableName(tableName).item(itemOf(message)))));
        return new Stored(message.messageId(), message.owner(), message.acceptedAt().toEpochMilli(), false);
      } catch (TransactionCanceledException cancelled) {
        CancellationReason dedupOutcome = cancelled.cancellationReasons().get(0);
        if ("ConditionalCheckFailed".equals(dedupOutcome.code()) && dedupOutcome.hasItem()) {
          Map<String, AttributeValue> earlier = dedupOutcome.item();
          return new Stored(earlier.get(DEDUP_MESSAGE_ID).s(), earlier.get(DEDUP_TO).s(),
              Long.parseLong(earlier.get(ACCEPTED_AT).n()), true);
        }
        // A conflict with a concurrent transaction on the same dedup record: try again.
        if (attempt == ATTEMPTS) {
          throw cancelled;
        }
        backOff(attempt);
      }
    }
  }

  @Override
  public void add(QueueItem.Receipt receipt) {
    client.putItem(r -> r.tableName(tableName).item(itemOf(receipt)));
  }

  @Override
  public List<QueueItem> oldest(String owner, int limit) {
    return client.query(r -> r.tableName(tableName)
            .keyConditionExpression("#queue = :owner")
            .expressionAttributeNames(Map.of("#queue", QUEUE))
            .expressionAttributeValues(Map.of(":owner", s(owner)))
            .scanIndexForward(true)
            .consistentRead(true)
            .limit(limit))
        .items().stream().map(MessagesTable::itemFrom).toList();
  }

  @Override
  public List<QueueItem> find(String owner, Collection<String> messageIds) {
    List<QueueItem> found = new ArrayList<>();
    List<String> ids = List.copyOf(messageIds);
    for (int start = 0; start < ids.size(); start += BATCH_GET_LIMIT) {
      List<Map<String, AttributeValue>> keys = ids.subList(start, Math.min(ids.size(), start + BATCH_GET_LIMIT))
          .stream().map(id -> key(owner, id)).toList();
      Map<String, KeysAndAttributes> request = Map.of(tableName,
          KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
      for (int attempt = 1; !request.isEmpty(); attempt++) {
        Map<String, KeysAndAttributes> unprocessed = request;
        BatchGetItemResponse response = client.batchGetItem(r -> r.requestItems(unprocessed));
        response.responses().getOrDefault(tableName, List.of()).forEach(item -> found.add(itemFrom(item)));
        request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        if (!request.isEmpty()) {
          giveUpAfter(attempt, "reading acked items");
          backOff(attempt);
        }
      }
    }
    found.sort((a, b) -> a.messageId().compareTo(b.messageId()));
    return found;
  }

  /**
   * One or two receipts (the usual live ack) are each deleted by a {@code DeleteItem} that returns
   * what it deleted: one request per receipt instead of a read and a write. More are read in one
   * batch and deleted in another.
   */
  @Override
  public List<QueueItem> removeReceipts(String owner, Collection<String> receiptIds) {
    if (receiptIds.size() > 2) {
      List<QueueItem> found = find(owner, receiptIds);
      delete(owner, found.stream().map(QueueItem::messageId).toList());
      return found;
    }
    List<QueueItem> removed = new ArrayList<>();
    for (String id : receiptIds) {
      Map<String, AttributeValue> old = client.deleteItem(r -> r.tableName(tableName).key(key(owner, id))
          .returnValues(ReturnValue.ALL_OLD)).attributes();
      if (old != null && !old.isEmpty()) {
        removed.add(itemFrom(old));
      }
    }
    return removed;
  }

  @Override
  public void delete(String owner, Collection<String> messageIds) {
    List<String> ids = List.copyOf(messageIds);
    for (int start = 0; start < ids.size(); start += BATCH_WRITE_LIMIT) {
      List<WriteRequest> deletes = ids.subList(start, Math.min(ids.size(), start + BATCH_WRITE_LIMIT)).stream()
          .map(id -> WriteRequest.builder().deleteRequest(d -> d.key(key(owner, id))).build())
          .toList();
      Map<String, List<WriteRequest>> request = Map.of(tableName, deletes);
      for (int attempt = 1; !request.isEmpty(); attempt++) {
        Map<String, List<WriteRequest>> unprocessed = request;
        BatchWriteItemResponse response = client.batchWriteItem(r -> r.requestItems(unprocessed));
        request = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
        if (!request.isEmpty()) {
          giveUpAfter(attempt, "deleting acked items");
          backOff(attempt);
        }
      }
    }
  }

  private static Map<String, AttributeValue> itemOf(QueueItem.Message message) {
    Map<String, AttributeValue> item = common(message, MESSAGE);
    item.put(FROM, s(message.from()));
    item.put(CLIENT_ID, s(message.clientId()));
    if (message.body() != null) {
      item.put(BODY, s(message.body()));
    }
    Media media = message.media();
    if (media != null) {
      item.put(MEDIA_URL, s(media.url()));
      if (media.mimeType() != null) {
        item.put(MEDIA_TYPE, s(media.mimeType()));
      }
      if (media.thumbnail() != null) {
        item.put(MEDIA_THUMBNAIL, s(media.thumbnail()));
      }
    }
    return item;
  }

  private static Map<String, AttributeValue> itemOf(QueueItem.Receipt receipt) {
    Map<String, AttributeValue> item = common(receipt, RECEIPT);
    item.put(STATUS, s(receipt.status()));
    item.put(BY, s(receipt.by()));
    item.put(RECEIPT_IDS, AttributeValue.fromL(receipt.messageIds().stream().map(MessagesTable::s).toList()));
    return item;
  }

  private static Map<String, AttributeValue> common(QueueItem queued, String kind) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(QUEUE, s(queued.owner()));
    item.put(ID, s(queued.messageId()));
    item.put(KIND, s(kind));
    item.put(ACCEPTED_AT, n(queued.acceptedAt().toEpochMilli()));
    item.put(EXPIRES_AT, n(expiresAt(queued.acceptedAt())));
    return item;
  }

  private static QueueItem itemFrom(Map<String, AttributeValue> item) {
    String owner = item.get(QUEUE).s();
    String messageId = item.get(ID).s();
    Instant acceptedAt = Instant.ofEpochMilli(Long.parseLong(item.get(ACCEPTED_AT).n()));
    if (RECEIPT.equals(item.get(KIND).s())) {
      return new QueueItem.Receipt(owner, messageId, item.get(STATUS).s(), item.get(BY).s(),
          item.get(RECEIPT_IDS).l().stream().map(AttributeValue::s).toList(), acceptedAt);
    }
    Media media = item.containsKey(MEDIA_URL)
        ? new Media(item.get(MEDIA_URL).s(), text(item, MEDIA_TYPE), text(item, MEDIA_THUMBNAIL))
        : null;
    return new QueueItem.Message(owner, messageId, item.get(FROM).s(), item.get(CLIENT_ID).s(), text(item, BODY), media,
        acceptedAt);
  }

  private static long expiresAt(Instant acceptedAt) {
    return acceptedAt.plus(MessagingService.RETENTION).getEpochSecond();
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private static Map<String, AttributeValue> key(String owner, String messageId) {
    return Map.of(QUEUE, s(owner), ID, s(messageId));
  }

  private static void giveUpAfter(int attempt, String what) {
    if (attempt == ATTEMPTS) {
      throw new IllegalStateException("DynamoDB kept returning unprocessed items while " + what);
    }
  }

  /** Unprocessed items and conflicting transactions are retried after a capped, jittered wait. */
  private static void backOff(int attempt) {
    if (!Backoff.pause(attempt, 40, 1_000)) {
      throw new IllegalStateException("interrupted while backing off");
    }
  }


  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
