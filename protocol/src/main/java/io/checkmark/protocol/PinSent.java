package io.checkmark.protocol;

/** The reply to {@code requestPin}. */
public record PinSent(String phone, long expiresInSeconds) implements ServerFrame {}
