package io.checkmark.protocol;

/**
 * One tick: the message is stored durably, in the recipient's queue ({@code to}) or, for a group
 * ({@code group}), once, from where it reaches every member's devices.
 */
public record Accepted(String id, String messageId, String to, String group, long ts)
    implements ServerFrame {}
