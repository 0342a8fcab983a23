package io.checkmark.client;

import io.checkmark.protocol.ReceiptFrame;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-member receipt state of messages sent to groups, from the receipts heard: which members have
 * each message and which read it, for "delivered to 3 of 5" and the per-member details. Feed it
 * every receipt ({@link Listener#onReceipt}); receipts of one-to-one messages are ignored. A read
 * counts as delivered too, as a member can only read what reached one of its devices.
 */
public final class GroupReceipts {

  private final Map<String, Set<String>> deliveredTo = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> readBy = new ConcurrentHashMap<>();

  /** Takes in a receipt; one of a one-to-one message changes nothing. */
  public void record(ReceiptFrame receipt) {
    if (receipt.group() == null) {
      return;
    }
    for (String messageId : receipt.messageIds()) {
      deliveredTo.computeIfAbsent(messageId, id -> ConcurrentHashMap.newKeySet()).add(receipt.by());
      if ("read".equals(receipt.status())) {
        readBy.computeIfAbsent(messageId, id -> ConcurrentHashMap.newKeySet()).add(receipt.by());
      }
    }
  }

  /** The members who have the message (on their primary device), so far. */
  public Set<String> deliveredTo(String messageId) {
    return Set.copyOf(deliveredTo.getOrDefault(messageId, Set.of()));
  }

  /** The members who read the message, so far. */
  public Set<String> readBy(String messageId) {
    return Set.copyOf(readBy.getOrDefault(messageId, Set.of()));
  }

  /**
   * How far the message got with the group's {@code recipients} (its members other than the
   * sender): "delivered to 3 of 5, read by 2", "delivered to 3 of 5", or "delivered to none of 5".
   */
  public String summary(String messageId, int recipients) {
    int read = readBy(messageId).size();
    int delivered = deliveredTo(messageId).size();
    String summary =
        "delivered to "
            + (delivered == 0 ? "none" : Integer.toString(delivered))
            + " of "
            + recipients;
    return read == 0 ? summary : summary + ", read by " + read;
  }
}
