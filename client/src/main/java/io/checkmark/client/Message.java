package io.checkmark.client;

/** A message received: {@code messageId} is the server's, {@code id} the sender's own. */
public record Message(String messageId, String from, String id, String body, long ts, Media media) {
}
