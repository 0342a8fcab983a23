package io.checkmark.core;

import java.util.List;

/**
 * A group chat: its members in the order they joined (the oldest first, who becomes admin when the
 * last admin leaves), its admins, and a version that every change raises by one, so that a message
 * stored against a version goes to exactly the members of that version.
 */
public record Group(
    String id, String name, List<String> members, List<String> admins, long version) {

  /** Members a group may have, its creator included. */
  public static final int MAX_MEMBERS = 1024;

  /** A group name's length, in characters (code points). */
  public static final int MAX_NAME_CHARS = 100;

  public Group {
    members = List.copyOf(members);
    admins = List.copyOf(admins);
  }

  public boolean isMember(String phone) {
    return members.contains(phone);
  }

  public boolean isAdmin(String phone) {
    return admins.contains(phone);
  }
}
