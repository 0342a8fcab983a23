package io.checkmark.handler;

import io.checkmark.core.Group;
import io.checkmark.core.GroupService;
import io.checkmark.protocol.GroupFrame;
import io.checkmark.protocol.ServerFrame;

/** {@code getGroup}: a group's name, members and admins, for one of its members. */
public final class GetGroupHandler extends ActionHandler<GetGroupHandler.GetGroup> {

  private final GroupService groups;

  public GetGroupHandler() {
    this(Composition.lambda(false));
  }

  public GetGroupHandler(Composition root) {
    super(GetGroup.class, Access.LOGGED_IN, root.sessions());
    this.groups = root.groupService();
  }

  @Override
  protected ServerFrame handle(Caller caller, GetGroup request) {
    Group group = groups.get(caller.session(), request.groupId());
    return new GroupFrame(group.id(), group.name(), group.members(), group.admins());
  }

  public record GetGroup(String groupId) {}
}
