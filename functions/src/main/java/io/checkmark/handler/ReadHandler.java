package io.checkmark.handler;

import io.checkmark.core.MessagingService;
import io.checkmark.protocol.ReceiptSent;
import io.checkmark.protocol.ServerFrame;
import java.util.List;

/** {@code read}: queues the sender one {@code read} receipt for its messages. */
public final class ReadHandler extends ActionHandler<ReadHandler.ReadRequest> {

  private final MessagingService messaging;

  public ReadHandler() {
    this(Composition.lambda(true));
  }

  public ReadHandler(Composition root) {
    super(ReadRequest.class, Access.LOGGED_IN, root.sessions());
    this.messaging = root.messagingService();
  }

  @Override
  protected ServerFrame handle(Caller caller, ReadRequest request) {
    return new ReceiptSent(
        messaging.read(caller.session(), request.to(), request.group(), request.messageIds()));
  }

  public record ReadRequest(String to, String group, List<String> messageIds) {}
}
