package io.checkmark.handler;

import io.checkmark.protocol.Pong;
import io.checkmark.protocol.ServerFrame;

/** {@code ping}: a keep-alive that also tells a client the server is reachable. */
public final class PingHandler extends ActionHandler<PingHandler.Ping> {

  /** Ping needs nothing built: its cold start is the runtime's alone. */
  public PingHandler() {
    super(Ping.class);
  }

  @Override
  protected ServerFrame handle(Caller caller, Ping request) {
    return new Pong();
  }

  /** {@code ping} has no fields of its own. */
  public record Ping() {}
}
