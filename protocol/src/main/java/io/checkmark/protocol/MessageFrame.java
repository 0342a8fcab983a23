package io.checkmark.protocol;

/** A message for its recipient, pushed live and again by every {@code sync} until acked. */
public record MessageFrame(
    String messageId, String from, String id, String body, long ts, Media media)
    implements ServerFrame {}
