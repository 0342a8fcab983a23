package io.checkmark.handler;

import io.checkmark.core.DeviceRef;
import io.checkmark.core.RegistrationService;
import io.checkmark.protocol.LoggedIn;
import io.checkmark.protocol.ServerFrame;

/**
 * {@code login}: logs a connection in as one device of a phone (the primary unless {@code deviceId}
 * says otherwise) with that device's key.
 */
public final class LoginHandler extends ActionHandler<LoginHandler.Login> {

  private final RegistrationService registration;

  public LoginHandler() {
    this(Composition.lambda(true));
  }

  public LoginHandler(Composition root) {
    super(Login.class);
    this.registration = root.registrationService();
  }

  @Override
  protected ServerFrame handle(Caller caller, Login request) {
    DeviceRef device =
        registration.login(
            caller.connectionId(),
            request.phone(),
            request.deviceId(),
            request.deviceKey(),
            caller.sourceIp());
    return new LoggedIn(device.phone(), device.deviceId());
  }

  public record Login(String phone, Integer deviceId, String deviceKey) {}
}
