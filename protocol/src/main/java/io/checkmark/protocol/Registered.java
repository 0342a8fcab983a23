package io.checkmark.protocol;

/** The reply to a successful {@code verifyPin}: the device key, shown this once. */
public record Registered(String phone, String deviceKey) implements ServerFrame {}
