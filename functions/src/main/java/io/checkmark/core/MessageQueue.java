package io.checkmark.core;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Every device's queue of messages and receipts (the Messages table in production). Every write a
 * logged-in connection sets off commits only while that connection is still bound to the {@link
 * Session} it acted as; otherwise it commits nothing and throws {@link SessionChanged}.
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
   * @param copies the message once per device queue it goes to, all with one message id
   */
  Stored storeOnce(
      Session sender,
      String conversation,
      List<QueueItem.Message> copies,
      RateLimiter.Limit sendLimit);

  /** Adds a receipt, a copy per device queue, on behalf of {@code by} (a {@code read}). */
  void add(Session by, List<QueueItem.Receipt> copies);

  /** Up to {@code limit} of the device's items, oldest first. */
  List<QueueItem> oldest(DeviceRef owner, int limit);

  /** Those of {@code messageIds} that are in the device's queue. */
  List<QueueItem> find(DeviceRef owner, Collection<String> messageIds);

  /**
   * Removes the acked items from the session's device queue and, atomically with their removal,
   * stores the receipts {@code receiptsFor} makes for the removed ones that name a sender. An item
   * that is not there (never was, or a concurrent call removed it first) is left out, with its
   * receipts: only the call that removes a message queues a receipt for it, and a crash loses
   * neither the item nor its receipt.
   */
  Removal remove(
      Session owner, List<Ack> acks, Function<List<Ack>, List<QueueItem.Receipt>> receiptsFor);

  /**
   * An item to remove: its id, and the sender to tell of its delivery (null when its removal sets
   * off nothing: a receipt, a linked device's copy, a sent transcript).
   */
  record Ack(String messageId, String sender) {}

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
