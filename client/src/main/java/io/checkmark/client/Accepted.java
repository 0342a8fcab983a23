package io.checkmark.client;

/** One tick: the server stored the message durably. */
public record Accepted(String id, String messageId, String to, long ts) {
}
