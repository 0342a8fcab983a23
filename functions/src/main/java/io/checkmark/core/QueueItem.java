package io.checkmark.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What waits in a device's queue until that device acks it: a message, or a receipt for its
 * account's own messages. One message sent to a phone is one item in each of its devices' queues,
 * all under the same message id.
 */
public sealed interface QueueItem {

  /** How long an item waits for its owner's ack before DynamoDB's TTL removes it. */
  Duration RETENTION = Duration.ofDays(30);

  /** Whose queue the item is in. */
  DeviceRef owner();

  String messageId();

  Instant acceptedAt();

  /** The same item in another device's queue. */
  QueueItem withOwner(DeviceRef device);

  /**
   * A message from {@code from}'s device {@code fromDevice}, in {@code group} when that is set. In
   * a one-to-one conversation, {@code to} is set only on a sent transcript: the copy of a message
   * its sender's other devices get, whose owner is the sender.
   */
  record Message(
      DeviceRef owner,
      String messageId,
      String from,
      int fromDevice,
      String to,
      String group,
      String clientId,
      String body,
      Attachment attachment,
      Instant acceptedAt)
      implements QueueItem {

    /** The same message in another device's queue, as a transcript when {@code to} is set. */
    public Message copyFor(DeviceRef device, String transcriptTo) {
      return new Message(
          device,
          messageId,
          from,
          fromDevice,
          transcriptTo,
          group,
          clientId,
          body,
          attachment,
          acceptedAt);
    }

    @Override
    public Message withOwner(DeviceRef device) {
      return copyFor(device, to);
    }
  }

  /**
   * {@code by}'s device {@code byDevice} received ({@code delivered}) or read ({@code read}) the
   * owner's {@code messageIds}, sent in {@code group} when that is set.
   */
  record Receipt(
      DeviceRef owner,
      String messageId,
      String status,
      String by,
      int byDevice,
      String group,
      List<String> messageIds,
      Instant acceptedAt)
      implements QueueItem {

    @Override
    public Receipt withOwner(DeviceRef device) {
      return new Receipt(device, messageId, status, by, byDevice, group, messageIds, acceptedAt);
    }
  }

  /**
   * A group was {@code created}, {@code updated} by an admin, or {@code left} by a member ({@code
   * by}); what it is after the change.
   */
  record GroupUpdate(
      DeviceRef owner,
      String messageId,
      String groupId,
      String change,
      String by,
      String name,
      List<String> members,
      List<String> admins,
      Instant acceptedAt)
      implements QueueItem {

    public GroupUpdate {
      members = List.copyOf(members);
      admins = List.copyOf(admins);
    }

    @Override
    public GroupUpdate withOwner(DeviceRef device) {
      return new GroupUpdate(
          device, messageId, groupId, change, by, name, members, admins, acceptedAt);
    }
  }
}
