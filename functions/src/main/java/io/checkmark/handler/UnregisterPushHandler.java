package io.checkmark.handler;

import io.checkmark.core.PushNotifications;
import io.checkmark.protocol.PushUnregistered;
import io.checkmark.protocol.ServerFrame;

/** {@code unregisterPush}: the calling device gets no more pushes. */
public final class UnregisterPushHandler
    extends ActionHandler<UnregisterPushHandler.UnregisterPushRequest> {

  private final PushNotifications pushes;

  public UnregisterPushHandler() {
    this(Composition.lambda(true));
  }

  public UnregisterPushHandler(Composition root) {
    super(UnregisterPushRequest.class, Access.LOGGED_IN, root.sessions());
    this.pushes = root.pushNotifications();
  }

  @Override
  protected ServerFrame handle(Caller caller, UnregisterPushRequest request) {
    pushes.unregister(caller.session());
    return new PushUnregistered();
  }

  public record UnregisterPushRequest() {}
}
