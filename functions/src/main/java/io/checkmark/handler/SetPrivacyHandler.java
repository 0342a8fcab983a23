package io.checkmark.handler;

import io.checkmark.core.PresenceService;
import io.checkmark.protocol.PrivacySet;
import io.checkmark.protocol.ServerFrame;

/** {@code setPrivacy}: who sees the caller's last seen, everyone or nobody. */
public final class SetPrivacyHandler extends ActionHandler<SetPrivacyHandler.SetPrivacyRequest> {

  private final PresenceService presence;

  public SetPrivacyHandler() {
    this(Composition.lambda(true));
  }

  public SetPrivacyHandler(Composition root) {
    super(SetPrivacyRequest.class, Access.LOGGED_IN, root.sessions());
    this.presence = root.presenceService();
  }

  @Override
  protected ServerFrame handle(Caller caller, SetPrivacyRequest request) {
    presence.setLastSeenPrivacy(caller.session(), request.lastSeen());
    return new PrivacySet();
  }

  public record SetPrivacyRequest(String lastSeen) {}
}
