package io.checkmark.handler;

import io.checkmark.core.RegistrationService;
import io.checkmark.protocol.LoggedIn;
import io.checkmark.protocol.ServerFrame;

/** {@code login}: logs an anonymous connection in with the phone's device key. */
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
    return new LoggedIn(
        registration.login(
            caller.connectionId(), request.phone(), request.deviceKey(), caller.sourceIp()),
        1);
  }

  public record Login(String phone, String deviceKey) {}
}
