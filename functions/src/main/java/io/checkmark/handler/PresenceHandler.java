package io.checkmark.handler;

import io.checkmark.core.PresenceService;
import io.checkmark.protocol.Presence;
import io.checkmark.protocol.ServerFrame;

/** {@code presence}: whether a phone is online, and when it was last seen where it may be shown. */
public final class PresenceHandler extends ActionHandler<PresenceHandler.PresenceRequest> {

  private final PresenceService presence;

  public PresenceHandler() {
    this(Composition.lambda(true));
  }

  public PresenceHandler(Composition root) {
    super(PresenceRequest.class, Access.LOGGED_IN, root.sessions());
    this.presence = root.presenceService();
  }

  @Override
  protected ServerFrame handle(Caller caller, PresenceRequest request) {
    PresenceService.Seen seen = presence.presence(caller.session(), request.phone());
    return new Presence(
        seen.phone(),
        seen.online(),
        seen.lastSeen() == null ? null : seen.lastSeen().toEpochMilli());
  }

  public record PresenceRequest(String phone) {}
}
