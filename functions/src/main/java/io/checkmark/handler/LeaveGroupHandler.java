package io.checkmark.handler;

import io.checkmark.core.GroupService;
import io.checkmark.protocol.GroupLeft;
import io.checkmark.protocol.ServerFrame;

/** {@code leaveGroup}: the caller leaves a group it is a member of. */
public final class LeaveGroupHandler extends ActionHandler<LeaveGroupHandler.LeaveGroup> {

  private final GroupService groups;

  public LeaveGroupHandler() {
    this(Composition.lambda(false));
  }

  public LeaveGroupHandler(Composition root) {
    super(LeaveGroup.class, Access.LOGGED_IN, root.sessions());
    this.groups = root.groupService();
  }

  @Override
  protected ServerFrame handle(Caller caller, LeaveGroup request) {
    groups.leave(caller.session(), request.groupId());
    return new GroupLeft(request.groupId());
  }

  public record LeaveGroup(String groupId) {}
}
