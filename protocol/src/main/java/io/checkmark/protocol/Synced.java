package io.checkmark.protocol;

/** Ends a {@code sync}: how many items were sent, and whether more are queued. */
public record Synced(int count, boolean more) implements ServerFrame {}
