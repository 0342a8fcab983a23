package io.checkmark.protocol;

/** The reply to a successful {@code login}: the canonical phone and the device logged in as. */
public record LoggedIn(String phone, Integer deviceId) implements ServerFrame {}
