package io.checkmark.handler;

import io.checkmark.core.RegistrationService;
import io.checkmark.protocol.PinSent;
import io.checkmark.protocol.ServerFrame;

/** {@code requestPin}: sends a registration PIN by SMS. */
public final class RequestPinHandler extends ActionHandler<RequestPinHandler.RequestPin> {

  private final RegistrationService registration;

  public RequestPinHandler() {
    this(Composition.lambda(false));
  }

  public RequestPinHandler(Composition root) {
    super(RequestPin.class);
    this.registration = root.registrationService();
  }

  @Override
  protected ServerFrame handle(Caller caller, RequestPin request) {
    RegistrationService.PinIssued issued =
        registration.requestPin(request.phone(), caller.sourceIp());
    return new PinSent(issued.phone(), issued.validFor().toSeconds());
  }

  public record RequestPin(String phone) {}
}
