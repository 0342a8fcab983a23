package io.checkmark.protocol;

/** One tick: the message is stored durably in the recipient's queue. */
public record Accepted(String id, String messageId, String to, long ts) implements ServerFrame {}
