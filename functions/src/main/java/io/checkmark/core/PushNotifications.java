package io.checkmark.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Wakes devices that are offline when something is stored for them, through their platform's push
 * service: a push with no content (no sender, group, text or id), only "sync now". At most one per
 * device per {@link #COLLAPSE_WINDOW}, so a device offline for a burst gets one push, not hundreds;
 * a device that has been online since its last push (and so synced what it was for) may be pushed
 * again at once. Pushes run after the store, off the sender's path (the queue's change stream calls
 * {@link #wake}); a failed push loses nothing, as the items wait in their queues.
 */
public final class PushNotifications {

  public static final Duration COLLAPSE_WINDOW = Duration.ofSeconds(30);

  /** Items stored while a connection was open that a closing connection checks for. */
  private static final int MISSED_ITEMS_READ = 25;

  /** Tokens are opaque; APNs's are 64 hex digits, FCM's about 160 characters. */
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{1,4096}");

  private final PushTargetStore targets;
  private final MobilePush mobilePush;
  private final MessageQueue queue;
  private final AccountStore accounts;
  private final ConnectionStore connections;
  private final ConnectionPusher gateway;
  private final Metrics metrics;
  private final Clock clock;

  public PushNotifications(
      PushTargetStore targets,
      MobilePush mobilePush,
      MessageQueue queue,
      AccountStore accounts,
      ConnectionStore connections,
      ConnectionPusher gateway,
      Metrics metrics,
      Clock clock) {
    this.targets = targets;
    this.mobilePush = mobilePush;
    this.queue = queue;
    this.accounts = accounts;
    this.connections = connections;
    this.gateway = gateway;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Makes the token the caller's device's push target: the same endpoint for the same token every
   * time, taken from any other device that held it, and the device's previous endpoint (another
   * token) deleted.
   */
  public void register(Session device, String platformName, String token) {
    PushPlatform platform =
        PushPlatform.named(platformName)
            .orElseThrow(() -> Refusal.invalid("platform must be apns, apns_sandbox or fcm"));
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw Refusal.invalid("token must be 1 to 4096 printable characters without spaces");
    }
    if (!mobilePush.supports(platform)) {
      throw Refusal.invalid(
          "push through "
              + platform.wireName()
              + " is not set up on this server: its operator has not given a platform application");
    }
    Optional<String> created;
    try {
      created = mobilePush.endpointFor(platform, token);
    } catch (MobilePush.PlatformUnavailable unavailable) {
      throw Refusal.invalid(
          "push through "
              + platform.wireName()
              + " is not available on this server now (its platform application is disabled or"
              + " missing): the operator must fix it; try again later");
    }
    String endpoint =
        created.orElseThrow(
            () ->
                Refusal.invalid(
                    "the push service refused this token as not a "
                        + platform.wireName()
                        + " token"));
    PushTarget target =
        new PushTarget(
            device.device(), device.keyGeneration(), platform, endpoint, clock.instant(), null);
    Optional<PushTarget> previous = targets.put(target);
    int detached = targets.detach(endpoint, device.device()).size();
    if (detached > 0) {
      metrics.count("PushTokensMoved", detached);
    }
    previous
        .filter(old -> !old.endpoint().equals(endpoint))
        .ifPresent(old -> deleteIfUnheld(old.endpoint()));
  }

  /** The caller's device gets no more pushes; its endpoint is deleted. */
  public void unregister(Session device) {
    targets.remove(device.device()).ifPresent(target -> deleteIfUnheld(target.endpoint()));
  }

  /**
   * The device synced what was queued for it: its collapse window ends, so the next item stored
   * while it is away pushes at once.
   */
  public void synced(DeviceRef device) {
    targets.clearPushed(device);
  }

  /**
   * A device's connection closed: if something that wakes it was stored while it was open and is
   * still queued (it came as the app was closing, or the socket had died without the gateway
   * knowing), the device is woken now, as nothing else would announce it. Items from before the
   * connection opened were there to sync, so a client that cannot ack one is not woken for it over
   * and over.
   */
  public void wakeIfMissed(Connection closed) {
    if (!closed.isLoggedIn() || closed.keyGeneration() == null) {
      return;
    }
    DeviceRef device = closed.device();
    List<PushTarget> held =
        targets.targetsOf(device.phone()).stream()
            .filter(target -> target.device().equals(device))
            .toList();
    if (held.isEmpty()) {
      return;
    }
    boolean missed =
        queue.storedSince(device, closed.connectedAt(), MISSED_ITEMS_READ).stream()
            .anyMatch(
                item -> item instanceof QueueItem.Message || item instanceof QueueItem.GroupUpdate);
    if (missed) {
      wakeTargets(device.phone(), held);
    }
  }

  /**
   * Pushes each of these devices (owners of items just stored) that has a push target, no open
   * connection, and no push in the window. One read of targets per phone; only phones with a target
   * cost more.
   */
  public void wake(List<DeviceRef> devices) {
    Map<String, Set<Integer>> byPhone = new LinkedHashMap<>();
    for (DeviceRef device : devices) {
      byPhone
          .computeIfAbsent(device.phone(), phone -> new LinkedHashSet<>())
          .add(device.deviceId());
    }
    int failed = 0;
    RuntimeException firstFailure = null;
    for (Map.Entry<String, Set<Integer>> phone : byPhone.entrySet()) {
      try {
        List<PushTarget> wanted =
            targets.targetsOf(phone.getKey()).stream()
                .filter(target -> phone.getValue().contains(target.device().deviceId()))
                .toList();
        failed += wakeTargets(phone.getKey(), wanted);
      } catch (RuntimeException failure) {
        // The other phones are still woken; this one is tried again with the batch.
        failed++;
        firstFailure = firstFailure == null ? failure : firstFailure;
      }
    }
    if (failed > 0) {
      throw new IllegalStateException(
          failed + " push(es) to " + byPhone.size() + " phones failed", firstFailure);
    }
  }

  /** Pushes those of the targets that are offline; returns how many pushes failed. */
  private int wakeTargets(String phone, List<PushTarget> wanted) {
    if (wanted.isEmpty()) {
      return 0;
    }
    List<Connection> open = connections.connectionsOf(phone);
    List<PushTarget> offline = wanted.stream().filter(target -> !isOnline(target, open)).toList();
    if (offline.isEmpty()) {
      return 0;
    }
    // Read only for devices to push: is each still the account's, and when was it last online.
    Optional<Account> account = accounts.find(phone);
    int failed = 0;
    for (PushTarget target : offline) {
      Optional<Device> device =
          account
              .filter(current -> current.keyGeneration() == target.keyGeneration())
              .flatMap(current -> current.device(target.device().deviceId()));
      if (device.isEmpty()) {
        // Registered again or unlinked since: the target is of a device that is gone.
        forget(target);
      } else if (!pushTo(target, device.get())) {
        failed++;
      }
    }
    return failed;
  }

  /**
   * Whether a connection of the device's registration is open, asked of the gateway: a gone one
   * counts as offline, and its row (a phone that lost its network) is forgotten unless it may still
   * be opening ({@link ConnectionStore#forgetGone}).
   */
  private boolean isOnline(PushTarget target, List<Connection> open) {
    boolean online = false;
    for (Connection connection : open) {
      if (!connection.isOf(target.device(), target.keyGeneration())) {
        continue;
      }
      switch (gateway.liveness(connection.id())) {
        case OPEN -> online = true;
        case GONE -> connections.forgetGone(connection.id());
        // Not known: a push too many costs less than a device left asleep.
        case UNKNOWN -> {}
      }
    }
    return online;
  }

  /** Pushes the device unless its window is closed; false if the push failed (claim released). */
  private boolean pushTo(PushTarget target, Device device) {
    Instant now = clock.instant();
    if (!targets.claimPush(target, now, now.minus(COLLAPSE_WINDOW), device.lastSeen())) {
      metrics.count("NotificationsCollapsed", 1);
      return true;
    }
    MobilePush.Delivery delivery;
    try {
      delivery = mobilePush.push(target.endpoint(), target.platform());
    } catch (RuntimeException failure) {
      targets.releasePush(target, now);
      throw failure;
    }
    switch (delivery) {
      case SENT -> metrics.count("NotificationsSent", 1, "platform", target.platform().wireName());
      case ENDPOINT_GONE -> forget(target);
      case FAILED -> {
        targets.releasePush(target, now);
        metrics.count("NotificationsFailed", 1, "platform", target.platform().wireName());
        return false;
      }
    }
    return true;
  }

  /** Deletes an endpoint no device's target holds any more (a token may have moved meanwhile). */
  private void deleteIfUnheld(String endpoint) {
    if (targets.holdersOf(endpoint).isEmpty()) {
      mobilePush.deleteEndpoint(endpoint);
    }
  }

  /** The token is invalid or its device gone: never pushed to again. */
  private void forget(PushTarget target) {
    if (targets.forget(target)) {
      deleteIfUnheld(target.endpoint());
      metrics.count("PushTokensForgotten", 1);
    }
  }
}
