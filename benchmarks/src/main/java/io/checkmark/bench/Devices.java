package io.checkmark.bench;

import io.checkmark.core.RegistrationService;
import io.checkmark.handler.Composition;
import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.Phones;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Registers phones on a local stack through the production registration service, reading each PIN
 * from the captured SMS: faster than through WebSockets, and the benchmark is not about
 * registration. It signs as {@code benchmark}, so {@link DynamoDbMeter} leaves its calls out.
 */
final class Devices {

  /** A registered phone, its device key, and the connection it registered on. */
  record Device(String phone, String deviceKey, String connectionId) {}

  private final LocalStack stack;
  private final Composition backend;
  private final RegistrationService registration;

  Devices(LocalStack stack) {
    this.stack = stack;
    Map<String, String> environment = new HashMap<>(stack.environmentOf("VerifyPinFunction"));
    environment.put("AWS_ACCESS_KEY_ID", "benchmark");
    this.backend = Composition.fromEnvironment(environment);
    this.registration = backend.registrationService();
  }

  /**
   * Registers a new phone; its registration connection stays open (and logged in) when {@code
   * keepConnection}.
   */
  Device register(boolean keepConnection) {
    // A number of its own: a phone may get one SMS a minute.
    String phone = Phones.next();
    String connectionId = "benchmark-" + UUID.randomUUID();
    registration.connect(connectionId, Instant.now(), null, null);
    registration.requestPin(phone, null);
    String deviceKey =
        registration.verifyPin(connectionId, phone, stack.lastPinSentTo(phone), null).deviceKey();
    if (!keepConnection) {
      backend.connections().delete(connectionId);
    }
    return new Device(phone, deviceKey, connectionId);
  }
}
