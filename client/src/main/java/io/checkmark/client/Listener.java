package io.checkmark.client;

import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;

/**
 * What an app hears from its client, one call at a time and in the order the server sent them. A
 * message or receipt is acked once its method returns, so an app that stores it there never loses
 * it; if the method throws, the item is not acked and comes back at the next sync.
 */
public interface Listener {

  default void onMessage(MessageFrame message) {}

  default void onReceipt(ReceiptFrame receipt) {}

  /** Connected and caught up: the queue was synced until the server said there was no more. */
  default void onSynced() {}

  /** This phone number was registered on another device; the client stops. */
  default void onDeviceReplaced() {}
}
