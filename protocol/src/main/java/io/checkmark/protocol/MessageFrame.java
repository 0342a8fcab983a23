package io.checkmark.protocol;

/**
 * A message for one device, pushed live and again by every {@code sync} until that device acks it.
 * {@code fromDevice} is the sending device; {@code to} is set only on a one-to-one sent transcript,
 * the copy of its own message that a sender's other devices get ({@code from} is then their own
 * phone); {@code group} is set on a group's messages.
 */
public record MessageFrame(
    String messageId,
    String from,
    Integer fromDevice,
    String to,
    String group,
    String id,
    String body,
    long ts,
    Media media)
    implements ServerFrame {}
