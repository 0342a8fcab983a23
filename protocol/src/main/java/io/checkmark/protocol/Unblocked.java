package io.checkmark.protocol;

/** The reply to {@code unblock}: {@code phone} may reach the caller again. */
public record Unblocked(String phone) implements ServerFrame {}
