package io.checkmark.handler;

import io.checkmark.core.MessageQueue;
import io.checkmark.core.MessagingService;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.Media;
import io.checkmark.protocol.ServerFrame;

/**
 * {@code send}: stores a message in its recipient's queue and pushes it; replies {@code accepted}.
 */
public final class SendHandler extends ActionHandler<SendHandler.SendRequest> {

  private final MessagingService messaging;

  public SendHandler() {
    this(Composition.lambda(true));
  }

  public SendHandler(Composition root) {
    super(SendRequest.class, Access.LOGGED_IN, root.sessions());
    this.messaging = root.messagingService();
  }

  @Override
  protected ServerFrame handle(Caller caller, SendRequest request) {
    MessageQueue.Stored stored =
        messaging.send(
            caller.session(),
            request.to(),
            request.id(),
            request.body(),
            Frames.attachment(request.media()));
    return new Accepted(request.id(), stored.messageId(), stored.to(), stored.acceptedAtMillis());
  }

  public record SendRequest(String to, String id, String body, Media media) {}
}
