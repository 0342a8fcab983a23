package io.checkmark.core;

import java.util.Collection;
import java.util.List;

/** Every phone's queue of messages and receipts (the Messages table in production). */
public interface MessageQueue {

  /**
   * Stores a message unless its sender already sent one with the same client id: then nothing is
   * stored and the earlier message's id and recipient come back. Atomic, so two racing sends of
   * the same id store one message.
   */
  Stored storeOnce(QueueItem.Message message);

  /** Adds a receipt to its owner's queue. */
  void add(QueueItem.Receipt receipt);

  /** Up to {@code limit} of the owner's items, oldest first. */
  List<QueueItem> oldest(String owner, int limit);

  /** Those of {@code messageIds} that are in the owner's queue. */
  List<QueueItem> find(String owner, Collection<String> messageIds);

  /**
   * Removes receipts from the owner's queue and returns those that were there; ids not there are
   * ignored. For acks of receipts, which set off nothing, so need no read before the delete.
   */
  List<QueueItem> removeReceipts(String owner, Collection<String> receiptIds);

  /** Removes items from the owner's queue; ids not there are ignored. */
  void delete(String owner, Collection<String> messageIds);

  /** The outcome of {@link #storeOnce}: the message id and recipient of the one stored message. */
  record Stored(String messageId, String to, long acceptedAtMillis, boolean duplicate) {
  }
}
