package io.checkmark.core;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every device's queue of messages and receipts (the Messages table in production). Every write a
 * logged-in connection sets off commits only while that connection is still bound to the {@link
 * Session} it acted as; otherwise it commits nothing and throws {@link SessionChanged}. The one
 * exception is the removal of a receipt, which sets off nothing: a device may drop a receipt it was
 * pushed whoever its connection is now.
 */
public interface MessageQueue {

  /**
   * Stores one message, a copy in each device's queue, unless the sending device already sent one
   * with the same client id in the same conversation: then nothing is stored and the earlier
   * message's id and recipient come back. Atomic: every copy is stored or none, and two racing
   * sends of the same id store one message. The message counts one hit against {@code sendLimit} in
   * the same write, so that the limit costs no request of its own; a limit already reached stores
   * nothing and throws {@code RATE_LIMITED}, and a duplicate counts nothing.
   *
   * @param conversation the recipient's phone
   * @param message the message as sent, whose id and client id the dedup record keeps
   * @param copies the message once per device queue it goes to, all with its id; none when only the
   *     sender's transcripts would be and it has no other device, or the recipient blocks it
   */
  Stored storeOnce(
      Session sender,
      String conversation,
      QueueItem.Message message,
      List<QueueItem.Message> copies,
      RateLimiter.Limit sendLimit);

  /**
   * Stores a group message once, as the event its fan-out starts from, unless the sending device
   * already sent one with the same client id in the group (the earlier message's id comes back, as
   * a duplicate). Atomic with the same checks as {@link #storeOnce}, and with one more: the group
   * is still at {@code group}'s version, so the message goes to exactly its members. Empty, with
   * nothing stored, when the group changed meanwhile (read it again and decide).
   */
  Optional<Stored> storeOnceInGroup(
      Session sender, Group group, GroupEvent message, RateLimiter.Limit sendLimit);

  /**
   * How many of a group event's recipients have their copies stored: where its fan-out goes on (0
   * before it begins).
   */
  int fanOutProgress(String eventId);

  /**
   * Stores the copies for recipients {@code from} (inclusive) to {@code to} (exclusive) of a group
   * event, and records that its fan-out got to {@code to}, atomically, only while it is still at
   * {@code from}: false, with nothing stored, when another run of the same fan-out moved it. So a
   * fan-out run again after a crash or a redelivery never stores a copy twice, not even one its
   * device has acked since. At most {@link #MAX_FAN_OUT_COPIES} copies.
   */
  boolean storeFanOutStep(GroupEvent event, int from, int to, List<QueueItem> copies);

  /** Copies one {@link #storeFanOutStep} takes: a transaction of 100 writes, less its marker. */
  int MAX_FAN_OUT_COPIES = 99;

  /** Adds a receipt, a copy per device queue, on behalf of {@code by} (a {@code read}). */
  void add(Session by, List<QueueItem.Receipt> copies);

  /** Up to {@code limit} of the device's items, oldest first. */
  List<QueueItem> oldest(DeviceRef owner, int limit);

  /** Up to {@code limit} of the device's items accepted at or after {@code since}, oldest first. */
  List<QueueItem> storedSince(DeviceRef owner, Instant since, int limit);

  /** Those of {@code messageIds} that are in the device's queue. */
  List<QueueItem> find(DeviceRef owner, Collection<String> messageIds);

  /**
   * Removes the acked items from the session's device queue (receipts first, unchecked, as said
   * above) and, atomically with their removal, stores the receipts {@code receiptsFor} makes for
   * the removed ones that name a sender. An item that is not there (never was, or a concurrent call
   * removed it first) is left out, with its receipts: only the call that removes a message queues a
   * receipt for it, and a crash loses neither the item nor its receipt.
   */
  Removal remove(
      Session owner, List<Ack> acks, Function<List<Ack>, List<QueueItem.Receipt>> receiptsFor);

  /**
   * An item to remove: its id, the sender to tell of its delivery (null when its removal sets off
   * nothing: a receipt, a linked device's copy, a sent transcript) and the group it was sent in
   * (null for a one-to-one message).
   */
  record Ack(String messageId, String sender, String group) {

    /** One receipt goes to each sender per conversation: the acks whose receipts can be one. */
    public String receiptKey() {
      return group == null ? sender : sender + "#" + group;
    }
  }

  /**
   * Moves an item that can never be pushed out of its owner's queue, atomically, to a queue of
   * undeliverable items kept (until the item's own expiry) for diagnosis.
   */
  void setAside(QueueItem item);

  /** Deletes a device's whole queue: the device was unlinked or revoked. */
  void drop(DeviceRef device);

  /** The outcome of {@link #storeOnce}: the message id and recipient of the one stored message. */
  record Stored(String messageId, String to, long acceptedAtMillis, boolean duplicate) {}

  /**
   * The outcome of {@link #remove}: how many items this call removed, and the receipts it queued.
   */
  record Removal(int removed, List<QueueItem.Receipt> receipts) {}
}
