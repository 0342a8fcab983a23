package io.checkmark.core;

import io.checkmark.protocol.Media;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import io.checkmark.protocol.ServerFrame;
import java.time.Instant;
import java.util.List;

/** What waits in a phone's queue until that phone acks it: a message, or a receipt for its own messages. */
public sealed interface QueueItem {

  /** Whose queue the item is in. */
  String owner();

  String messageId();

  Instant acceptedAt();

  /** The frame that carries the item to its owner. */
  ServerFrame frame();

  record Message(String owner, String messageId, String from, String clientId, String body, Media media,
      Instant acceptedAt) implements QueueItem {

    @Override
    public ServerFrame frame() {
      return new MessageFrame(messageId, from, clientId, body, acceptedAt.toEpochMilli(), media);
    }
  }

  /** {@code by} received ({@code delivered}) or read ({@code read}) the owner's {@code messageIds}. */
  record Receipt(String owner, String messageId, String status, String by, List<String> messageIds,
      Instant acceptedAt) implements QueueItem {

    @Override
    public ServerFrame frame() {
      return new ReceiptFrame(messageId, status, by, messageIds, acceptedAt.toEpochMilli());
    }
  }
}
