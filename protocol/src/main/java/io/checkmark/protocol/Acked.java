package io.checkmark.protocol;

/** The reply to {@code ack}: how many of the ids were in the queue and are now gone. */
public record Acked(int count) implements ServerFrame {}
