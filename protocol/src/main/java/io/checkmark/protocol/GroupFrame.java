package io.checkmark.protocol;

import java.util.List;

/** The reply to {@code getGroup}: the group as it is now. */
public record GroupFrame(String groupId, String name, List<String> members, List<String> admins)
    implements ServerFrame {}
