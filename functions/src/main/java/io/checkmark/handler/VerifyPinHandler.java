package io.checkmark.handler;

import io.checkmark.core.RegistrationService;
import io.checkmark.protocol.Registered;
import io.checkmark.protocol.ServerFrame;

/** {@code verifyPin}: registers the phone on this device and logs the connection in. */
public final class VerifyPinHandler extends ActionHandler<VerifyPinHandler.VerifyPin> {

  private final RegistrationService registration;

  public VerifyPinHandler() {
    this(Composition.lambda(false));
  }

  public VerifyPinHandler(Composition root) {
    super(VerifyPin.class);
    this.registration = root.registrationService();
  }

  @Override
  protected ServerFrame handle(Caller caller, VerifyPin request) {
    RegistrationService.NewDevice device =
        registration.verifyPin(
            caller.connectionId(), request.phone(), request.pin(), caller.sourceIp());
    return new Registered(device.phone(), device.deviceKey());
  }

  public record VerifyPin(String phone, String pin) {}
}
