package io.checkmark.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The reply to {@code presence}: whether a device of {@code phone} is connected now, and when it
 * was last connected or active, in epoch milliseconds rounded down to the minute; {@code lastSeen}
 * is written as {@code null}, not left out, where it is hidden or unknown.
 */
public record Presence(
    String phone, boolean online, @JsonInclude(JsonInclude.Include.ALWAYS) Long lastSeen)
    implements ServerFrame {}
