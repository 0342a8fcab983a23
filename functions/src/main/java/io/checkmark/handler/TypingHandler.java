package io.checkmark.handler;

import io.checkmark.core.PresenceService;
import io.checkmark.protocol.ServerFrame;

/**
 * {@code typing}: pushed to the live connections of the recipient's devices, or of the group's
 * members'; never stored, and answered only when the frame is wrong.
 */
public final class TypingHandler extends ActionHandler<TypingHandler.TypingRequest> {

  private final PresenceService presence;

  public TypingHandler() {
    this(Composition.lambda(true));
  }

  public TypingHandler(Composition root) {
    super(TypingRequest.class, Access.LOGGED_IN, root.sessions());
    this.presence = root.presenceService();
  }

  @Override
  protected ServerFrame handle(Caller caller, TypingRequest request) {
    presence.typing(caller.session(), request.to(), request.group(), request.state());
    return null;
  }

  public record TypingRequest(String to, String group, String state) {}
}
