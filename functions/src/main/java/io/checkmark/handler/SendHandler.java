package io.checkmark.handler;

import io.checkmark.core.GroupService;
import io.checkmark.core.MessageQueue;
import io.checkmark.core.MessagingService;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.Media;
import io.checkmark.protocol.ProtocolException;
import io.checkmark.protocol.ServerFrame;

/**
 * {@code send}: stores a message in its recipient's queue and pushes it, or stores a group's
 * message once for its fan-out; replies {@code accepted}.
 */
public final class SendHandler extends ActionHandler<SendHandler.SendRequest> {

  private final MessagingService messaging;
  private final GroupService groups;

  public SendHandler() {
    this(Composition.lambda(true));
  }

  public SendHandler(Composition root) {
    super(SendRequest.class, Access.LOGGED_IN, root.sessions());
    this.messaging = root.messagingService();
    this.groups = root.groupService();
  }

  @Override
  protected ServerFrame handle(Caller caller, SendRequest request) {
    if (request.group() != null) {
      if (request.to() != null) {
        throw ProtocolException.badRequest("send takes either to or group, not both");
      }
      MessageQueue.Stored stored =
          groups.send(
              caller.session(),
              request.group(),
              request.id(),
              request.body(),
              Frames.attachment(request.media()));
      return new Accepted(
          request.id(), stored.messageId(), null, stored.to(), stored.acceptedAtMillis());
    }
    MessageQueue.Stored stored =
        messaging.send(
            caller.session(),
            request.to(),
            request.id(),
            request.body(),
            Frames.attachment(request.media()));
    return new Accepted(
        request.id(), stored.messageId(), stored.to(), null, stored.acceptedAtMillis());
  }

  public record SendRequest(String to, String group, String id, String body, Media media) {}
}
