package io.checkmark.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What waits in a phone's queue until that phone acks it: a message, or a receipt for its own
 * messages.
 */
public sealed interface QueueItem {

  /** How long an item waits for its owner's ack before DynamoDB's TTL removes it. */
  Duration RETENTION = Duration.ofDays(30);

  /** Whose queue the item is in. */
  String owner();

  String messageId();

  Instant acceptedAt();

  record Message(
      String owner,
      String messageId,
      String from,
      String clientId,
      String body,
      Attachment attachment,
      Instant acceptedAt)
      implements QueueItem {}

  /**
   * {@code by} received ({@code delivered}) or read ({@code read}) the owner's {@code messageIds}.
   */
  record Receipt(
      String owner,
      String messageId,
      String status,
      String by,
      List<String> messageIds,
      Instant acceptedAt)
      implements QueueItem {}
}
