package io.checkmark.core;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Every phone's queue of messages and receipts (the Messages table in production). Every write a
 * logged-in connection sets off commits only while that connection is still bound to the {@link
 * Session} it acted as; otherwise it commits nothing and throws {@link SessionChanged}.
 */
public interface MessageQueue {

  /**
   * Stores a message unless its sender already sent one with the same client id to the same
   * recipient: then nothing is stored and the earlier message's id and recipient come back. Atomic,
   * so two racing sends of the same id store one message. The message counts one hit against {@code
   * sendLimit} in the same write, so that the limit costs no request of its own; a limit already
   * reached stores nothing and throws {@code RATE_LIMITED}, and a duplicate counts nothing.
   */
  Stored storeOnce(Session sender, QueueItem.Message message, RateLimiter.Limit sendLimit);

  /** Adds a receipt to its owner's queue on behalf of {@code by} (a {@code read}). */
  void add(Session by, QueueItem.Receipt receipt);

  /** Up to {@code limit} of the owner's items, oldest first. */
  List<QueueItem> oldest(String owner, int limit);

  /** Those of {@code messageIds} that are in the owner's queue. */
  List<QueueItem> find(String owner, Collection<String> messageIds);

  /**
   * Removes {@code items} from the session's queue and, atomically with their removal, stores the
   * receipts {@code receiptsFor} makes for the removed messages. An item that a concurrent call
   * removed first is left out, with its receipt: only the call that removes a message queues a
   * receipt for it, and a crash loses neither the item nor its receipt.
   *
   * @param receiptIds ids of receipts to remove, which set off nothing (and need no read first)
   */
  Removal remove(
      Session owner,
      Collection<String> receiptIds,
      List<QueueItem> items,
      Function<List<QueueItem.Message>, List<QueueItem.Receipt>> receiptsFor);

  /**
   * Moves an item that can never be pushed out of its owner's queue, atomically, to a queue of
   * undeliverable items kept (until the item's own expiry) for diagnosis.
   */
  void setAside(QueueItem item);

  /** The outcome of {@link #storeOnce}: the message id and recipient of the one stored message. */
  record Stored(String messageId, String to, long acceptedAtMillis, boolean duplicate) {}

  /**
   * The outcome of {@link #remove}: how many items this call removed, and the receipts it queued.
   */
  record Removal(int removed, List<QueueItem.Receipt> receipts) {}
}
