package io.checkmark.protocol;

import java.util.List;

/** The reply to {@code createGroup}: the new group, its creator the only admin. */
public record GroupCreated(String groupId, String name, List<String> members, List<String> admins)
    implements ServerFrame {}
