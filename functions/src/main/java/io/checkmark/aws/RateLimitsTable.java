package io.checkmark.aws;

import io.checkmark.core.RateLimiter;
import io.checkmark.core.Refusal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The RateLimits table: one item per bucket, {@code bucket → windowStart, hits, expiresAt (TTL)}. A
 * window opens at a bucket's first hit (for limits met rarely, such as failures and PIN SMS), or,
 * for the per-account limits met on every message, each clock-aligned window is an item of its own
 * ({@code bucket#windowIndex → hits}), so a hit is always one conditional write that can ride in
 * the caller's transaction. Every change is a conditional write, so concurrent Lambdas never both
 * take the last slot.
 */
public final class RateLimitsTable implements RateLimiter {

  private static final String IN_WINDOW = "windowStart > :windowOpenedAfter";
  private static final String ALIGNED_HIT =
      "ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)";
  private static final String ALIGNED_ROOM = "attribute_not_exists(hits) OR hits < :limit";

  /**
   * A window opened at a bucket's first hit, as read; every change is an update expression
   * (conditional ADD).
   */
  private static final TableSchema<WindowItem> WINDOW =
      StaticTableSchema.builder(WindowItem.class)
          .newItemSupplier(WindowItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name("bucket")
                      .getter(item -> item.bucket)
                      .setter((item, value) -> item.bucket = value)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              Long.class,
              a ->
                  a.name("windowStart")
                      .getter(item -> item.windowStart)
                      .setter((item, value) -> item.windowStart = value))
          .addAttribute(
              Long.class,
              a ->
                  a.name("hits")
                      .getter(item -> item.hits)
                      .setter((item, value) -> item.hits = value))
          .build();

  private final DynamoDbClient client;
  private final String tableName;
  private final DynamoDbTable<WindowItem> windows;
  private final Clock clock;

  public RateLimitsTable(DynamoDbClient client, String tableName, Clock clock) {
    this.client = client;
    this.tableName = tableName;
    this.windows =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, WINDOW);
    this.clock = clock;
  }

  @Override
  public void acquire(String bucket, int limit, Duration window) {
    long now = clock.millis();
    try {
      // Within the current window, below the limit: one more hit.
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(key(bucket))
                  .updateExpression("ADD hits :one")
                  .conditionExpression(IN_WINDOW + " AND hits < :limit")
                  .expressionAttributeValues(
                      Map.of(
                          ":one",
                          number(1),
                          ":limit",
                          number(limit),
                          ":windowOpenedAfter",
                          number(now - window.toMillis())))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
    } catch (ConditionalCheckFailedException notCounted) {
      AttributeValue windowStart =
          notCounted.hasItem() ? notCounted.item().get("windowStart") : null;
      if (windowStart != null && Long.parseLong(windowStart.n()) > now - window.toMillis()) {
        throw limited(Long.parseLong(windowStart.n()), window, now);
      }
      openWindow(bucket, window, now, limit);
    }
  }

  @Override
  public void requireBelow(String bucket, int limit, Duration window) {
    long now = clock.millis();
    WindowItem item =
        windows.getItem(
            r -> r.key(Key.builder().partitionValue(bucket).build()).consistentRead(true));
    if (item != null
        && item.windowStart != null
        && item.windowStart > now - window.toMillis()
        && item.hits != null
        && item.hits >= limit) {
      throw limited(item.windowStart, window, now);
    }
  }

  @Override
  public void record(String bucket, Duration window) {
    // No bucket reaches Integer.MAX_VALUE hits in a window, so this counts and never refuses.
    acquire(bucket, Integer.MAX_VALUE, window);
  }

  /**
   * One conditional {@code UpdateItem}: the member joins the window's string set unless the set is
   * full; a member already in it passes. The window is part of the key, so an old set needs no
   * reset.
   */
  @Override
  public void acquireDistinct(String bucket, String member, int limit, Duration window) {
    long now = clock.millis();
    long windowIndex = now / window.toMillis();
    long windowEnd = (windowIndex + 1) * window.toMillis();
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(key(bucket + "#" + windowIndex))
                  .updateExpression("ADD members :member SET expiresAt = :expiresAt")
                  .conditionExpression(
                      "attribute_not_exists(members) OR size(members) < :limit OR contains(members, :one)")
                  .expressionAttributeValues(
                      Map.of(
                          ":member",
                          AttributeValue.fromSs(List.of(member)),
                          ":one",
                          AttributeValue.fromS(member),
                          ":limit",
                          number(limit),
                          ":expiresAt",
                          number(windowEnd / 1000 + 1))));
    } catch (ConditionalCheckFailedException full) {
      throw Refusal.rateLimited((windowEnd - now + 999) / 1000);
    }
  }

  @Override
  public void acquireInAlignedWindow(RateLimiter.Limit limit) {
    AlignedHit hit = alignedHit(limit, clock.millis());
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(hit.key())
                  .updateExpression(ALIGNED_HIT)
                  .conditionExpression(ALIGNED_ROOM)
                  .expressionAttributeValues(hit.values()));
    } catch (ConditionalCheckFailedException full) {
      throw windowFull(limit);
    }
  }

  /**
   * The same hit as an item of a caller's transaction, so that the limit costs no request of its
   * own; its condition fails when the window is full (then {@link #windowFull}).
   */
  TransactWriteItem hit(RateLimiter.Limit limit) {
    AlignedHit hit = alignedHit(limit, clock.millis());
    return TransactWriteItem.builder()
        .update(
            update ->
                update
                    .tableName(tableName)
                    .key(hit.key())
                    .updateExpression(ALIGNED_HIT)
                    .conditionExpression(ALIGNED_ROOM)
                    .expressionAttributeValues(hit.values()))
        .build();
  }

  /** {@code RATE_LIMITED} until the limit's current aligned window ends. */
  Refusal windowFull(RateLimiter.Limit limit) {
    long now = clock.millis();
    long windowMillis = limit.window().toMillis();
    return Refusal.rateLimited(((now / windowMillis + 1) * windowMillis - now + 999) / 1000);
  }

  /** The key of the limit's window item at {@code now}, and the values its expressions use. */
  private record AlignedHit(Map<String, AttributeValue> key, Map<String, AttributeValue> values) {}

  private static AlignedHit alignedHit(RateLimiter.Limit limit, long now) {
    long windowMillis = limit.window().toMillis();
    long windowIndex = now / windowMillis;
    return new AlignedHit(
        key(limit.bucket() + "#" + windowIndex),
        Map.of(
            ":one",
            number(1),
            ":limit",
            number(limit.limit()),
            ":expiresAt",
            number((windowIndex + 1) * windowMillis / 1000 + 1)));
  }

  /**
   * Starts a new window with its first hit, unless another writer just did (then that window
   * counts).
   */
  private void openWindow(String bucket, Duration window, long now, int limit) {
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(key(bucket))
                  .updateExpression("SET windowStart = :now, hits = :one, expiresAt = :expiresAt")
                  .conditionExpression(
                      "attribute_not_exists(windowStart) OR NOT (" + IN_WINDOW + ")")
                  .expressionAttributeValues(
                      Map.of(
                          ":now",
                          number(now),
                          ":one",
                          number(1),
                          ":expiresAt",
                          number((now + window.toMillis()) / 1000 + 1),
                          ":windowOpenedAfter",
                          number(now - window.toMillis()))));
    } catch (ConditionalCheckFailedException openedMeanwhile) {
      acquire(bucket, limit, window);
    }
  }

  private static Refusal limited(long windowStart, Duration window, long now) {
    long retryAfterMillis = windowStart + window.toMillis() - now;
    return Refusal.rateLimited((retryAfterMillis + 999) / 1000);
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static Map<String, AttributeValue> key(String bucket) {
    return Map.of("bucket", AttributeValue.fromS(bucket));
  }

  /** The stored shape of a window opened at its first hit. */
  private static final class WindowItem {
    private String bucket;
    private Long windowStart;
    private Long hits;
  }
}
