package io.checkmark.protocol;

import java.util.List;

/**
 * A group was {@code created}, {@code updated} by an admin ({@code by}), or {@code left} by {@code
 * by}: the group as it is after the change. Queued for every device of every member before and
 * after the change, and acked like a message.
 */
public record GroupUpdateFrame(
    String messageId,
    String groupId,
    String change,
    String by,
    String name,
    List<String> members,
    List<String> admins,
    long ts)
    implements ServerFrame {}
