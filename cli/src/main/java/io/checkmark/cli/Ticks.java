package io.checkmark.cli;

import io.checkmark.client.GroupReceipts;
import io.checkmark.protocol.ReceiptFrame;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ticks of the messages sent from this terminal, shown in their true order for each message (✓
 * sent, ✓✓ delivered, ✓✓ read) and naming the message. A receipt can overtake the {@code accepted}
 * reply of its own message (the recipient may ack before the reply arrives), so a receipt for a
 * message not yet shown as sent waits for it while sends are in flight.
 */
final class Ticks {

  private static final int SENT = 1;
  private static final int DELIVERED = 2;
  private static final int READ = 3;
  private static final int LABEL_LENGTH = 30;

  private final PrintStream out;
  private final Map<String, Integer> shown = new HashMap<>();
  private final Map<String, String> labels = new HashMap<>();
  private final Map<String, Integer> waiting = new HashMap<>();
  private int inFlight;

  Ticks(PrintStream out) {
    this.out = out;
  }

  /** A line is on its way; its receipts may come before its reply. */
  synchronized void sending() {
    inFlight++;
  }

  /** The server accepted the line as {@code messageId}. */
  synchronized void accepted(String messageId, String text) {
    inFlight--;
    labels.put(messageId, label(text));
    advance(messageId, SENT);
    Integer early = waiting.remove(messageId);
    if (early != null) {
      advance(messageId, early);
    }
    if (inFlight == 0) {
      showWaiting();
    }
  }

  /**
   * Another device of this number sent {@code messageId}: its receipts, which come here too, name
   * it, with no tick of its own as this terminal did not send it.
   */
  synchronized void sentElsewhere(String messageId, String text) {
    labels.put(messageId, label(text));
    shown.merge(messageId, SENT, Math::max);
  }

  /** The line was not accepted (refused, or never answered). */
  synchronized void notAccepted() {
    inFlight--;
    if (inFlight == 0) {
      showWaiting();
    }
  }

  synchronized void receipt(ReceiptFrame receipt) {
    int level = "read".equals(receipt.status()) ? READ : DELIVERED;
    for (String messageId : receipt.messageIds()) {
      if (labels.containsKey(messageId) || inFlight == 0) {
        advance(messageId, level);
      } else {
        waiting.merge(messageId, level, Math::max);
      }
    }
  }

  /**
   * A member's receipt for messages sent to a group: after the ticks, how far each got with the
   * group's {@code recipients} ("delivered to 2 of 3, read by 1").
   */
  synchronized void groupReceipt(ReceiptFrame receipt, GroupReceipts counts, int recipients) {
    counts.record(receipt);
    receipt(receipt);
    for (String messageId : receipt.messageIds()) {
      out.println(
          "    "
              + labels.getOrDefault(messageId, "an earlier message")
              + ": "
              + counts.summary(messageId, recipients));
    }
  }

  /** Receipts for messages this terminal did not send: from an earlier session. */
  private void showWaiting() {
    List<String> earlier = new ArrayList<>(waiting.keySet());
    earlier.forEach(messageId -> advance(messageId, waiting.remove(messageId)));
  }

  private void advance(String messageId, int level) {
    int from = shown.getOrDefault(messageId, 0);
    String label = labels.getOrDefault(messageId, "an earlier message");
    for (int next = from + 1; next <= level; next++) {
      out.println(
          switch (next) {
            case SENT -> "  ✓ sent: " + label;
            case DELIVERED -> "  ✓✓ delivered: " + label;
            default -> "  ✓✓ read: " + label;
          });
    }
    shown.put(messageId, Math.max(from, level));
  }

  private static String label(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return "\""
        + (oneLine.length() <= LABEL_LENGTH ? oneLine : oneLine.substring(0, LABEL_LENGTH) + "…")
        + "\"";
  }
}
