package io.checkmark.protocol;

import java.util.List;

/** The reply to {@code updateGroup}: the group after the change. */
public record GroupUpdated(String groupId, String name, List<String> members, List<String> admins)
    implements ServerFrame {}
