package io.checkmark.client;

import io.checkmark.protocol.GroupUpdateFrame;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import io.checkmark.protocol.TypingFrame;
import java.util.List;

/**
 * What an app hears from its client, one call at a time: in the order the server sent them, except
 * while a connection catches up (its first sync), when queued items come in {@code messageId}
 * order, those pushed live meanwhile after the older ones. A message or receipt is acked once its
 * method returns, so an app that stores it there never loses it; if the method throws, the item is
 * not acked and comes back at the next sync.
 */
public interface Listener {

  /**
   * A message to this account; {@link MessageFrame#fromDevice()} says which of the sender's devices
   * sent it.
   */
  default void onMessage(MessageFrame message) {}

  /**
   * A sent transcript: a message this account sent to {@link MessageFrame#to()} from another of its
   * devices ({@link MessageFrame#fromDevice()}), for this device to show as sent by the user. Its
   * receipts come to this device too. Ignored unless overridden, as a client without linked devices
   * never gets one.
   */
  default void onSentTranscript(MessageFrame transcript) {}

  /**
   * A receipt; {@link ReceiptFrame#byDevice()} says which of the recipient's devices caused it. For
   * a group message it names the group and one member ({@link ReceiptFrame#by()}); {@link
   * GroupReceipts} keeps count per member.
   */
  default void onReceipt(ReceiptFrame receipt) {}

  /**
   * A group this account is (or was) a member of was created, changed by an admin, or left by a
   * member: the group as it is after the change. Group messages come to {@link #onMessage} with
   * {@link MessageFrame#group()} set, and this account's own, sent from its other devices, to
   * {@link #onSentTranscript}.
   */
  default void onGroupUpdate(GroupUpdateFrame update) {}

  /**
   * Someone is typing ({@code "typing"}) or stopped ({@code "paused"}) in a one-to-one chat with
   * this account ({@link TypingFrame#group()} null) or in a group. Never queued: only a live
   * connection hears it, so a {@code paused} can be lost with a connection; an app shows {@code
   * typing} for about 6 seconds unless another comes (the SDK on the typing side repeats it every 3
   * seconds while the user types).
   */
  default void onTyping(TypingFrame typing) {}

  /**
   * Connected and caught up: the queue was synced until the server said there was no more. Called
   * after every connect, the first and each reconnect.
   */
  default void onSynced() {}

  /**
   * The server confirmed it removed these items from the queue: from now on they are delivered (the
   * sender of a message learns so), so this is the moment for a read receipt, never before.
   */
  default void onAcked(List<String> messageIds) {}

  /** The connection was lost; the client is connecting again, and then syncs. */
  default void onDisconnected() {}

  /**
   * This phone number was registered on another device, or the server refuses this device's key
   * when it reconnects; the client stops, and sends not yet accepted fail.
   */
  default void onDeviceReplaced() {}

  /**
   * This device was unlinked from its account (by the primary, or by itself): its key no longer
   * works, so the client stops, and sends not yet accepted fail. Unless overridden, handled as
   * {@link #onDeviceReplaced()}, which it resembles.
   */
  default void onDeviceUnlinked() {
    onDeviceReplaced();
  }
}
