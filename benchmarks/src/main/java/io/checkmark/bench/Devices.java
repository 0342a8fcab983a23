package io.checkmark.bench;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Listener;
import io.checkmark.client.PendingLink;
import io.checkmark.core.RegistrationService;
import io.checkmark.handler.Composition;
import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.Phones;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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

  /**
   * Links a new device to the phone of {@code primary}, as an app does: a client SDK of its own on
   * its own WebSocket asks for a link, the primary approves it. Returns the new device's client,
   * connected and logged in as device {@code expectedId}.
   */
  static CheckmarkClient link(
      LocalStack stack, CheckmarkClient primary, Listener listener, int expectedId)
      throws Exception {
    CheckmarkClient linked =
        CheckmarkClient.builder(stack.webSocketUrl())
            .listener(listener)
            .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .build();
    try {
      linked.connect().get(30, TimeUnit.SECONDS);
      PendingLink pending =
          linked.requestLink("benchmark device " + expectedId).get(30, TimeUnit.SECONDS);
      primary.approveLink(pending.code()).get(30, TimeUnit.SECONDS);
      int id = pending.linked().get(30, TimeUnit.SECONDS).deviceId();
      if (id != expectedId) {
        throw new IllegalStateException("linked as device " + id + ", expected " + expectedId);
      }
      return linked;
    } catch (Exception failed) {
      linked.close();
      throw failed;
    }
  }
}
