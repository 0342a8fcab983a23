package io.checkmark.aws;

import io.checkmark.core.RateLimiter;
import io.checkmark.protocol.ProtocolException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The RateLimits table: one item per bucket, {@code bucket → windowStart, hits, expiresAt (TTL)}.
 * A window opens at a bucket's first hit. Every change is a conditional write, so concurrent
 * Lambdas never both take the last slot.
 */
public final class RateLimitsTable implements RateLimiter {

  private static final String IN_WINDOW = "windowStart > :windowOpenedAfter";

  private final DynamoDbClient client;
  private final String tableName;
  private final Clock clock;

  public RateLimitsTable(DynamoDbClient client, String tableName, Clock clock) {
    this.client = client;
    this.tableName = tableName;
    this.clock = clock;
  }

  @Override
  public void acquire(String bucket, int limit, Duration window) {
    long now = clock.millis();
    try {
      // Within the current window, below the limit: one more hit.
      client.updateItem(r -> r.tableName(tableName).key(key(bucket))
          .updateExpression("ADD hits :one")
          .conditionExpression(IN_WINDOW + " AND hits < :limit")
          .expressionAttributeValues(Map.of(":one", number(1), ":limit", number(limit),
              ":windowOpenedAfter", number(now - window.toMillis())))
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
    } catch (ConditionalCheckFailedException notCounted) {
      AttributeValue windowStart = notCounted.hasItem() ? notCounted.item().get("windowStart") : null;
      if (windowStart != null && Long.parseLong(windowStart.n()) > now - window.toMillis()) {
        throw limited(Long.parseLong(windowStart.n()), window, now);
      }
      openWindow(bucket, window, now, limit);
    }
  }

  @Override
  public void requireBelow(String bucket, int limit, Duration window) {
    long now = clock.millis();
    Map<String, AttributeValue> item = client.getItem(r -> r.tableName(tableName).key(key(bucket)).consistentRead(true))
        .item();
    if (item != null && !item.isEmpty()) {
      long windowStart = Long.parseLong(item.get("windowStart").n());
      if (windowStart > now - window.toMillis() && Long.parseLong(item.get("hits").n()) >= limit) {
        throw limited(windowStart, window, now);
      }
    }
  }

  @Override
  public void record(String bucket, Duration window) {
    // No bucket reaches Integer.MAX_VALUE hits in a window, so this counts and never refuses.
    acquire(bucket, Integer.MAX_VALUE, window);
  }

  /**
   * One conditional {@code UpdateItem}: the member joins the window's string set unless the set is
   * full; a member already in it passes. The window is part of the key, so an old set needs no reset.
   */
  @Override
  public void acquireDistinct(String bucket, String member, int limit, Duration window) {
    long now = clock.millis();
    long windowIndex = now / window.toMillis();
    long windowEnd = (windowIndex + 1) * window.toMillis();
    try {
      client.updateItem(r -> r.tableName(tableName).key(key(bucket + "#" + windowIndex))
          .updateExpression("ADD members :member SET expiresAt = :expiresAt")
          .conditionExpression("attribute_not_exists(members) OR size(members) < :limit OR contains(members, :one)")
          .expressionAttributeValues(Map.of(":member", AttributeValue.fromSs(List.of(member)),
              ":one", AttributeValue.fromS(member), ":limit", number(limit), ":expiresAt", number(windowEnd / 1000 + 1))));
    } catch (ConditionalCheckFailedException full) {
      throw ProtocolException.rateLimited((windowEnd - now + 999) / 1000);
    }
  }

  /**
   * One hit on the limit's bucket as an item of a caller's transaction, so that the limit costs no
   * request of its own: it counts when the bucket has no window yet (opening one) or its window is
   * running below the limit, and fails its condition otherwise, with the bucket's item returned
   * for {@link #refusedHit}.
   */
  TransactWriteItem hit(RateLimiter.Limit limit) {
    long now = clock.millis();
    return TransactWriteItem.builder().update(update -> update.tableName(tableName).key(key(limit.bucket()))
        .updateExpression("SET windowStart = if_not_exists(windowStart, :now), "
            + "expiresAt = if_not_exists(expiresAt, :expiresAt) ADD hits :one")
        .conditionExpression("attribute_not_exists(windowStart) OR (" + IN_WINDOW + " AND hits < :limit)")
        .expressionAttributeValues(Map.of(":now", number(now), ":one", number(1), ":limit", number(limit.limit()),
            ":expiresAt", number((now + limit.window().toMillis()) / 1000 + 1),
            ":windowOpenedAfter", number(now - limit.window().toMillis())))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build();
  }

  /**
   * What to do after a transaction's {@link #hit} failed on {@code bucketItem}: throws
   * {@code RATE_LIMITED} while its window runs; an ended window is reset to an empty one (unless
   * another writer reset it first), so that the caller's transaction can be tried again.
   */
  void refusedHit(RateLimiter.Limit limit, Map<String, AttributeValue> bucketItem) {
    long now = clock.millis();
    AttributeValue windowStart = bucketItem.get("windowStart");
    if (windowStart != null && Long.parseLong(windowStart.n()) > now - limit.window().toMillis()) {
      throw limited(Long.parseLong(windowStart.n()), limit.window(), now);
    }
    try {
      client.updateItem(r -> r.tableName(tableName).key(key(limit.bucket()))
          .updateExpression("SET windowStart = :now, hits = :zero, expiresAt = :expiresAt")
          .conditionExpression("NOT (" + IN_WINDOW + ")")
          .expressionAttributeValues(Map.of(":now", number(now), ":zero", number(0),
              ":expiresAt", number((now + limit.window().toMillis()) / 1000 + 1),
              ":windowOpenedAfter", number(now - limit.window().toMillis()))));
    } catch (ConditionalCheckFailedException resetMeanwhile) {
      // Another writer opened the new window: the caller's next try counts in it.
    }
  }

  /** Starts a new window with its first hit, unless another writer just did (then that window counts). */
  private void openWindow(String bucket, Duration window, long now, int limit) {
    try {
      client.updateItem(r -> r.tableName(tableName).key(key(bucket))
          .updateExpression("SET windowStart = :now, hits = :one, expiresAt = :expiresAt")
          .conditionExpression("attribute_not_exists(windowStart) OR NOT (" + IN_WINDOW + ")")
          .expressionAttributeValues(Map.of(":now", number(now), ":one", number(1),
              ":expiresAt", number((now + window.toMillis()) / 1000 + 1),
              ":windowOpenedAfter", number(now - window.toMillis()))));
    } catch (ConditionalCheckFailedException openedMeanwhile) {
      acquire(bucket, limit, window);
    }
  }

  private static ProtocolException limited(long windowStart, Duration window, long now) {
    long retryAfterMillis = windowStart + window.toMillis() - now;
    return ProtocolException.rateLimited((retryAfterMillis + 999) / 1000);
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static Map<String, AttributeValue> key(String bucket) {
    return Map.of("bucket", AttributeValue.fromS(bucket));
  }
}
