package io.checkmark.protocol;

/** The reply to a successful {@code login}. */
public record LoggedIn(String phone) implements ServerFrame {}
