package io.checkmark.handler;

import io.checkmark.core.MessagingService;
import io.checkmark.core.Session;
import io.checkmark.core.Sessions;
import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.Synced;

/** {@code sync}: sends the oldest queued items to this connection, then {@code synced}. */
public final class SyncHandler extends ActionHandler<SyncHandler.SyncRequest> {

  private final MessagingService messaging;

  public SyncHandler() {
    this(Composition.lambda(true));
  }

  public SyncHandler(Composition root) {
    super(SyncRequest.class, Access.LOGGED_IN, root.sessions());
    this.messaging = root.messagingService();
  }

  /**
   * Read now, not from the warm cache: sync pushes a queue to the connection, and none of its
   * writes carries a session check.
   */
  @Override
  protected Session sessionOf(Sessions loggedIn, String connectionId) {
    return loggedIn.freshSession(connectionId);
  }

  @Override
  protected ServerFrame handle(Caller caller, SyncRequest request) {
    MessagingService.SyncPage page =
        messaging.sync(caller.session().device(), caller.connectionId(), request.limit());
    return new Synced(page.sent(), page.more());
  }

  public record SyncRequest(Integer limit) {}
}
