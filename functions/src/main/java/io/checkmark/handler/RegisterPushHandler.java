package io.checkmark.handler;

import io.checkmark.core.PushNotifications;
import io.checkmark.protocol.PushRegistered;
import io.checkmark.protocol.ServerFrame;

/** {@code registerPush}: the calling device is woken through this push token from now on. */
public final class RegisterPushHandler
    extends ActionHandler<RegisterPushHandler.RegisterPushRequest> {

  private final PushNotifications pushes;

  public RegisterPushHandler() {
    this(Composition.lambda(true));
  }

  public RegisterPushHandler(Composition root) {
    super(RegisterPushRequest.class, Access.LOGGED_IN, root.sessions());
    this.pushes = root.pushNotifications();
  }

  @Override
  protected ServerFrame handle(Caller caller, RegisterPushRequest request) {
    pushes.register(caller.session(), request.platform(), request.token());
    return new PushRegistered();
  }

  public record RegisterPushRequest(String platform, String token) {}
}
