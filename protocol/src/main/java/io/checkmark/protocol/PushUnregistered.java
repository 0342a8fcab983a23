package io.checkmark.protocol;

/** The reply to {@code unregisterPush}: the calling device gets no more pushes. */
public record PushUnregistered() implements ServerFrame {}
