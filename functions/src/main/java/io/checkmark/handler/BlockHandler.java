package io.checkmark.handler;

import io.checkmark.core.BlockList;
import io.checkmark.protocol.Blocked;
import io.checkmark.protocol.ServerFrame;

/** {@code block}: nothing the phone sends one-to-one reaches the caller from now on. */
public final class BlockHandler extends ActionHandler<BlockHandler.BlockRequest> {

  private final BlockList blockList;

  public BlockHandler() {
    this(Composition.lambda(true));
  }

  public BlockHandler(Composition root) {
    super(BlockRequest.class, Access.LOGGED_IN, root.sessions());
    this.blockList = root.blockList();
  }

  @Override
  protected ServerFrame handle(Caller caller, BlockRequest request) {
    return new Blocked(blockList.block(caller.session(), request.phone()));
  }

  public record BlockRequest(String phone) {}
}
