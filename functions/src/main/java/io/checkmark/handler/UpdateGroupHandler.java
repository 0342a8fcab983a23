package io.checkmark.handler;

import io.checkmark.core.Group;
import io.checkmark.core.GroupService;
import io.checkmark.protocol.GroupUpdated;
import io.checkmark.protocol.ServerFrame;
import java.util.List;

/** {@code updateGroup}: an admin renames the group, adds or removes members, or sets its admins. */
public final class UpdateGroupHandler extends ActionHandler<UpdateGroupHandler.UpdateGroup> {

  private final GroupService groups;

  public UpdateGroupHandler() {
    this(Composition.lambda(true));
  }

  public UpdateGroupHandler(Composition root) {
    super(UpdateGroup.class, Access.LOGGED_IN, root.sessions());
    this.groups = root.groupService();
  }

  @Override
  protected ServerFrame handle(Caller caller, UpdateGroup request) {
    Group group =
        groups.update(
            caller.session(),
            request.groupId(),
            request.name(),
            request.add(),
            request.remove(),
            request.admins());
    return new GroupUpdated(group.id(), group.name(), group.members(), group.admins());
  }

  public record UpdateGroup(
      String groupId, String name, List<String> add, List<String> remove, List<String> admins) {}
}
