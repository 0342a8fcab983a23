package io.checkmark.handler;

import io.checkmark.core.MessagingService;
import io.checkmark.protocol.Acked;
import io.checkmark.protocol.ServerFrame;
import java.util.List;

/**
 * {@code ack}: removes items from the caller's queue and queues the senders their {@code delivered}
 * receipts.
 */
public final class AckHandler extends ActionHandler<AckHandler.AckRequest> {

  private final MessagingService messaging;

  public AckHandler() {
    this(Composition.lambda(true));
  }

  public AckHandler(Composition root) {
    super(AckRequest.class, Access.LOGGED_IN, root.sessions());
    this.messaging = root.messagingService();
  }

  @Override
  protected ServerFrame handle(Caller caller, AckRequest request) {
    return new Acked(messaging.ack(caller.session(), request.messageIds()));
  }

  public record AckRequest(List<String> messageIds) {}
}
