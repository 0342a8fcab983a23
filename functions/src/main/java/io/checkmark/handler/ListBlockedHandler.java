package io.checkmark.handler;

import io.checkmark.core.BlockList;
import io.checkmark.protocol.ServerFrame;

/** {@code listBlocked}: every phone the caller's account blocks. */
public final class ListBlockedHandler extends ActionHandler<ListBlockedHandler.ListBlocked> {

  private final BlockList blockList;

  public ListBlockedHandler() {
    this(Composition.lambda(true));
  }

  public ListBlockedHandler(Composition root) {
    super(ListBlocked.class, Access.LOGGED_IN, root.sessions());
    this.blockList = root.blockList();
  }

  @Override
  protected ServerFrame handle(Caller caller, ListBlocked request) {
    return new io.checkmark.protocol.BlockList(blockList.blocked(caller.session()));
  }

  public record ListBlocked() {}
}
