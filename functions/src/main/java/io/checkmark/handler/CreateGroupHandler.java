package io.checkmark.handler;

import io.checkmark.core.Group;
import io.checkmark.core.GroupService;
import io.checkmark.protocol.GroupCreated;
import io.checkmark.protocol.ServerFrame;
import java.util.List;

/** {@code createGroup}: a new group of the caller and the listed phones; the caller its admin. */
public final class CreateGroupHandler extends ActionHandler<CreateGroupHandler.CreateGroup> {

  private final GroupService groups;

  public CreateGroupHandler() {
    this(Composition.lambda(true));
  }

  public CreateGroupHandler(Composition root) {
    super(CreateGroup.class, Access.LOGGED_IN, root.sessions());
    this.groups = root.groupService();
  }

  @Override
  protected ServerFrame handle(Caller caller, CreateGroup request) {
    Group group = groups.create(caller.session(), request.name(), request.members());
    return new GroupCreated(group.id(), group.name(), group.members(), group.admins());
  }

  public record CreateGroup(String name, List<String> members) {}
}
