package io.checkmark.protocol;

/** The reply to {@code registerPush}: the calling device is woken by push from now on. */
public record PushRegistered() implements ServerFrame {}
