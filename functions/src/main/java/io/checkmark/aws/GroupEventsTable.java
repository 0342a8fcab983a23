package io.checkmark.aws;

import io.checkmark.core.GroupEvent;
import io.checkmark.core.QueueItem;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The GroupEvents table: every group message and group change, stored once under its id ({@code
 * id}), before it is answered. Its stream (new images) is the fan-out's event source: a write here
 * is what starts the copying into member devices' queues, so no accepted message can miss its
 * fan-out. An event holds its item in the Messages table's attribute shape (its {@code queue} the
 * sending device's), the recipients' phones ({@code rcpt}, in fan-out order) and whether the
 * sending device gets no copy ({@code ex}); it expires two days after it was stored, a day after
 * the stream has dropped it.
 */
public final class GroupEventsTable {

  private static final String RECIPIENTS = "rcpt";
  private static final String EXCLUDES_SENDER = "ex";
  private static final String EXPIRES_AT = "expiresAt";
  private static final Duration KEPT = Duration.ofDays(2);

  private final String tableName;

  public GroupEventsTable(String tableName) {
    this.tableName = tableName;
  }

  /** The event's put, for the transaction that stores what it tells of. */
  TransactWriteItem put(GroupEvent event) {
    Map<String, AttributeValue> item = new HashMap<>(MessagesTable.itemOf(event.item()));
    item.put(
        RECIPIENTS,
        AttributeValue.fromL(event.recipients().stream().map(AttributeValue::fromS).toList()));
    item.put(EXCLUDES_SENDER, AttributeValue.fromBool(event.excluded() != null));
    item.put(
        EXPIRES_AT,
        AttributeValue.fromN(Long.toString(event.item().acceptedAt().plus(KEPT).getEpochSecond())));
    return TransactWriteItem.builder()
        .put(
            put ->
                put.tableName(tableName).item(item).conditionExpression("attribute_not_exists(id)"))
        .build();
  }

  /** The event a stream record's new image holds. */
  public static GroupEvent eventOf(Map<String, AttributeValue> image) {
    QueueItem item = MessagesTable.queueItemOf(image);
    List<String> recipients = image.get(RECIPIENTS).l().stream().map(AttributeValue::s).toList();
    boolean excludesSender =
        image.containsKey(EXCLUDES_SENDER) && image.get(EXCLUDES_SENDER).bool();
    return new GroupEvent(item, recipients, excludesSender ? item.owner() : null);
  }
}
