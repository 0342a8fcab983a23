package io.checkmark.handler;

import io.checkmark.core.MessagingService;
import io.checkmark.protocol.ReceiptSent;
import io.checkmark.protocol.ServerFrame;
import java.util.List;

/** {@code read}: queues the sender one {@code read} receipt for its messages. */
public final class ReadHandler extends ActionHandler<ReadHandler.ReadRequest> {

  private final MessagingService messaging;

  public ReadHandler() {
    this(Backend.forLambdaReadingAccounts());
  }

  public ReadHandler(Backend backend) {
    super(ReadRequest.class, Access.LOGGED_IN, backend.sessions());
    this.messaging = backend.messagingService();
  }

  @Override
  protected ServerFrame handle(Caller caller, ReadRequest request) {
    return new ReceiptSent(messaging.read(caller.session(), request.to(), request.messageIds()));
  }

  public record ReadRequest(String to, List<String> messageIds) {
  }
}
