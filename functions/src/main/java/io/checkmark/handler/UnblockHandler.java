package io.checkmark.handler;

import io.checkmark.core.BlockList;
import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.Unblocked;

/** {@code unblock}: the phone may reach the caller again. */
public final class UnblockHandler extends ActionHandler<UnblockHandler.UnblockRequest> {

  private final BlockList blockList;

  public UnblockHandler() {
    this(Composition.lambda(true));
  }

  public UnblockHandler(Composition root) {
    super(UnblockRequest.class, Access.LOGGED_IN, root.sessions());
    this.blockList = root.blockList();
  }

  @Override
  protected ServerFrame handle(Caller caller, UnblockRequest request) {
    return new Unblocked(blockList.unblock(caller.session(), request.phone()));
  }

  public record UnblockRequest(String phone) {}
}
