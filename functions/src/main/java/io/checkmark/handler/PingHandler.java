package io.checkmark.handler;

import io.checkmark.protocol.Pong;
import io.checkmark.protocol.ServerFrame;

/** {@code ping}: a keep-alive that also tells a client the server is reachable. */
public final class PingHandler extends ActionHandler<PingHandler.Ping> {

  /** The Lambda entry point; ping needs no backend. */
  public PingHandler() {
    super(Ping.class);
  }

  public PingHandler(Backend backend) {
    this();
  }

  @Override
  protected ServerFrame handle(Caller caller, Ping request) {
    return new Pong();
  }

  /** {@code ping} has no fields of its own. */
  public record Ping() {
  }
}
