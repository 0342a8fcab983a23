package io.checkmark.core;

import java.util.Optional;

/**
 * Where groups are kept (the Groups table in production), with the events that tell their members
 * of each change (the GroupEvents table, whose stream feeds the fan-out). Every read is consistent;
 * every write also checks, in the same atomic write, that the acting connection is still bound to
 * its session ({@link SessionChanged} otherwise) and counts a hit against the given limit ({@code
 * RATE_LIMITED} when it is reached, nothing written).
 */
public interface GroupStore {

  Optional<Group> find(String groupId);

  /** Stores a new group and the event of its creation, atomically. */
  void create(Session creator, Group group, GroupEvent created, RateLimiter.Limit limit);

  /**
   * Replaces {@code before} by {@code after} and stores the event of the change, atomically, only
   * while the group is still at {@code before}'s version: false, with nothing written, when it
   * changed meanwhile (read it again and decide).
   *
   * @param limit counted when members are added; null when none are
   */
  boolean change(Session by, Group before, Group after, GroupEvent event, RateLimiter.Limit limit);
}
