package io.checkmark.protocol;

/** The reply to {@code block}: nothing {@code phone} sends one-to-one reaches the caller. */
public record Blocked(String phone) implements ServerFrame {}
