package io.checkmark.protocol;

/** The reply to {@code leaveGroup}. */
public record GroupLeft(String groupId) implements ServerFrame {}
