package io.checkmark.core;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The core's services on in-memory ports and a hand-moved clock: no DynamoDB, no network. */
final class CoreFixture {

  static final String TEST_NUMBER = "+14155550100";
  static final String TEST_PIN = "246810";
  static final MessagingService.Limits LIMITS = new MessagingService.Limits(5, 5, 2);

  final MutableClock clock = new MutableClock(Instant.now());
  final InMemoryPorts ports = new InMemoryPorts(clock);
  final MessageIds messageIds =
      new MessageIds(
          clock,
          new SecureRandom(),
          () -> "a key for message id MACs in the core's tests".getBytes(StandardCharsets.UTF_8));
  static final MediaService.Limits MEDIA_LIMITS = new MediaService.Limits(1_000_000, 3);
  final MediaService media =
      new MediaService(ports.media, ports.limits, MEDIA_LIMITS, new SecureRandom());
  final Sessions sessions = new Sessions(ports.connections, ports.accounts, ports.pusher, clock);
  final PushNotifications pushes =
      new PushNotifications(
          ports.pushTargets,
          ports.platforms,
          ports.queue,
          ports.accounts,
          ports.connections,
          ports.pusher,
          Metrics.NONE,
          clock);
  final MessagingService messaging =
      new MessagingService(
          ports.queue,
          ports.accounts,
          ports.groups,
          ports.connections,
          ports.pusher,
          ports.limits,
          LIMITS,
          Metrics.NONE,
          messageIds,
          media,
          pushes,
          clock);
  final RegistrationService registration =
      new RegistrationService(
          new RegistrationPolicy(
              new PhoneNumbers(Set.of()),
              () -> Map.of(TEST_NUMBER, TEST_PIN),
              20,
              5,
              1000,
              100,
              3,
              60),
          ports.accounts,
          ports.pins,
          ports.connections,
          ports.queue,
          ports.limits,
          ports.sms,
          Metrics.NONE,
          sessions,
          clock,
          new SecureRandom());

  final LinkedDevices devices =
      new LinkedDevices(
          ports.accounts,
          ports.linkCodes,
          ports.connections,
          ports.pusher,
          ports.queue,
          pushes,
          sessions,
          ports.limits,
          10,
          clock,
          clock::advance,
          new SecureRandom());

  static final GroupService.Limits GROUP_LIMITS = new GroupService.Limits(3, 3, 100, 2);

  final GroupService groups =
      new GroupService(
          ports.groups,
          ports.accounts,
          ports.queue,
          ports.pusher,
          ports.limits,
          GROUP_LIMITS,
          messageIds,
          media,
          clock,
          new SecureRandom());

  /** Pushes on the calling thread, so that a test sees them when the fan-out returns. */
  final GroupFanOut fanOut =
      new GroupFanOut(
          ports.accounts,
          ports.queue,
          new DevicePushes(ports.connections, ports.pusher, Metrics.NONE),
          Runnable::run,
          Metrics.NONE,
          clock);

  static final PresenceService.Limits PRESENCE_LIMITS = new PresenceService.Limits(4, 2);

  /** Pushes typing on the calling thread. */
  final PresenceService presence =
      new PresenceService(
          ports.accounts,
          ports.groups,
          ports.connections,
          ports.pusher,
          ports.limits,
          PRESENCE_LIMITS,
          Metrics.NONE,
          Runnable::run,
          clock);

  final BlockList blockList = new BlockList(ports.accounts);

  private int eventsDelivered;

  /** Runs the fan-out of every group event stored since the last call, as the stream would. */
  void deliverGroupEvents() {
    List<GroupEvent> events = ports.groups.events;
    for (; eventsDelivered < events.size(); eventsDelivered++) {
      fanOut.deliver(events.get(eventsDelivered));
    }
  }

  /** A new anonymous connection's id. */
  String connect() {
    String id = UUID.randomUUID().toString();
    registration.connect(id, clock.instant(), null, null).orElseThrow();
    return id;
  }

  /** Registers the phone by SMS PIN on a new connection and returns that connection's session. */
  Session register(String phone) {
    String connection = connect();
    registration.requestPin(phone, null);
    registration.verifyPin(connection, phone, ports.sms.lastPinTo(phone), null);
    return sessions.session(connection);
  }

  /** Links a new device to the primary's account on a new connection; returns its session. */
  Session link(Session primary, String name) {
    String waiting = connect();
    LinkedDevices.Code code = devices.requestLink(waiting, null, name);
    devices.approveLink(primary, code.code());
    return sessions.freshSession(waiting);
  }
}
