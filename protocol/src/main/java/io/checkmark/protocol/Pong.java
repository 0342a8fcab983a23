package io.checkmark.protocol;

/** The reply to {@code ping}. */
public record Pong() implements ServerFrame {}
