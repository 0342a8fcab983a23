package io.checkmark.core;

import io.checkmark.core.ConnectionPusher.PushResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Linked devices, after WhatsApp's multi-device: a new device on an anonymous connection asks for a
 * link code and shows it (as a QR code); the account's primary approves the code; the waiting
 * connection is logged in as a new device with a key of its own. The primary may unlink any linked
 * device, a linked device itself; an unlinked device's key stops working at once, its connections
 * are told and closed, and its queue is dropped.
 *
 * <p>Codes are 128 random bits, stored only as a SHA-256 hash, valid {@link #CODE_LIFETIME}, used
 * once (claimed atomically, so concurrent approvals link one device) and only while the connection
 * that asked for it is open and anonymous.
 */
public final class LinkedDevices {

  public static final Duration CODE_LIFETIME = Duration.ofMinutes(5);
  private static final int CODE_BYTES = 16;
  private static final int MAX_NAME_CHARS = 64;
  private static final int MAX_CODE_CHARS = 64;

  private final AccountStore accounts;
  private final LinkCodeStore codes;
  private final ConnectionStore connections;
  private final ConnectionPusher pusher;
  private final MessageQueue queues;
  private final PushNotifications pushes;
  private final Sessions sessions;
  private final RateLimiter limits;
  private final int linkRequestsPerAddressPerHour;
  private final Clock clock;
  private final Pause pause;
  private final SecureRandom random;

  public LinkedDevices(
      AccountStore accounts,
      LinkCodeStore codes,
      ConnectionStore connections,
      ConnectionPusher pusher,
      MessageQueue queues,
      PushNotifications pushes,
      Sessions sessions,
      RateLimiter limits,
      int linkRequestsPerAddressPerHour,
      Clock clock,
      Pause pause,
      SecureRandom random) {
    this.accounts = accounts;
    this.codes = codes;
    this.connections = connections;
    this.pusher = pusher;
    this.queues = queues;
    this.pushes = pushes;
    this.sessions = sessions;
    this.limits = limits;
    this.linkRequestsPerAddressPerHour = linkRequestsPerAddressPerHour;
    this.clock = clock;
    this.pause = pause;
    this.random = random;
  }

  /** A link code to show, and how long it stays valid. */
  public record Code(String code, Duration validFor) {}

  /** A device of the account as listed: live when one of its connections is open now. */
  public record Listed(Device device, boolean live) {}

  /**
   * A new link code for an anonymous connection, bound to it; limited per source address so that
   * codes cannot be farmed.
   */
  public Code requestLink(String connectionId, String sourceIp, String name) {
    String deviceName = name == null ? null : name.strip();
    if (deviceName == null || deviceName.isEmpty() || deviceName.length() > MAX_NAME_CHARS) {
      throw Refusal.invalid("name must be 1 to " + MAX_NAME_CHARS + " characters");
    }
    if (deviceName.chars().anyMatch(Character::isISOControl)) {
      throw Refusal.invalid("name must not hold control characters");
    }
    if (sourceIp != null) {
      limits.acquire(
          "link-requests-from#" + sourceIp, linkRequestsPerAddressPerHour, Duration.ofHours(1));
    }
    Connection waiting =
        connections
            .find(connectionId)
            .orElseThrow(() -> Refusal.of(Refusal.Reason.NOT_LOGGED_IN, "connect again"));
    if (waiting.isLoggedIn()) {
      throw Refusal.invalid(
          "this connection is logged in; ask for a link code on the new device's own connection");
    }
    byte[] secret = new byte[CODE_BYTES];
    random.nextBytes(secret);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    codes.save(
        new LinkRequest(hash(code), connectionId, deviceName, clock.instant().plus(CODE_LIFETIME)));
    return new Code(code, CODE_LIFETIME);
  }

  /**
   * The primary approves a code: the waiting connection becomes a new linked device, told its key
   * by a {@code linked} push, and the device is returned. The device is stored, then the connection
   * is bound and told only {@link MessagingService#ACCOUNT_REUSE} later: by then no function still
   * fans messages out from a read of the account without the device, so every message accepted
   * after {@code linked} reaches it (and those of the wait wait in its queue). If the waiting
   * connection is gone by then, the device is removed again and the code counts as expired.
   */
  public Device approveLink(Session primary, String code) {
    if (code == null || code.isEmpty() || code.length() > MAX_CODE_CHARS) {
      throw Refusal.invalid("code must be 1 to " + MAX_CODE_CHARS + " characters");
    }
    if (!primary.isPrimary()) {
      throw Refusal.of(
          Refusal.Reason.NOT_PRIMARY, "only the primary device (device 1) may link devices");
    }
    requireRoom(currentAccount(primary));
    LinkRequest request =
        codes.claim(hash(code), clock.instant()).orElseThrow(LinkedDevices::linkExpired);
    Optional<Connection> waiting = connections.find(request.connectionId());
    if (waiting.isEmpty() || waiting.get().isLoggedIn()) {
      throw linkExpired();
    }
    String deviceKey = DeviceKeys.newKey(random);
    Device device = addDevice(primary, deviceKey, request.name());
    pause.pause(MessagingService.ACCOUNT_REUSE);
    DeviceRef linked = new DeviceRef(primary.phone(), device.id());
    boolean bound = connections.bind(request.connectionId(), linked, primary.keyGeneration());
    if (!bound
        || pusher.pushLinked(request.connectionId(), linked, deviceKey) != PushResult.DELIVERED) {
      accounts.removeDevice(primary.phone(), primary.keyGeneration(), device.id());
      connections.delete(request.connectionId());
      pusher.close(request.connectionId());
      throw linkExpired();
    }
    return device;
  }

  /** Every device of the caller's account, the primary first, then by id. */
  public List<Listed> listDevices(Session caller) {
    Account account = currentAccount(caller);
    Set<Integer> live =
        connections.connectionsOf(caller.phone()).stream()
            .filter(
                connection ->
                    Long.valueOf(caller.keyGeneration()).equals(connection.keyGeneration()))
            .map(connection -> connection.device().deviceId())
            .collect(Collectors.toSet());
    List<Listed> listed = new ArrayList<>();
    for (Device device : account.devices()) {
      listed.add(new Listed(device, live.contains(device.id())));
    }
    return listed;
  }

  /**
   * Unlinks a device: the primary any linked one, a linked device only itself. Its connections are
   * told and closed (the caller's own connection, unlinking itself, is logged out instead, so that
   * it still gets the answer), and its queue is dropped.
   */
  public void unlinkDevice(Session caller, Integer deviceId) {
    if (deviceId == null) {
      throw Refusal.invalid("deviceId is required");
    }
    if (deviceId == Account.PRIMARY) {
      throw Refusal.invalid(
          "the primary cannot be unlinked; registering the number again replaces it");
    }
    if (!caller.isPrimary() && deviceId != caller.deviceId()) {
      throw Refusal.of(Refusal.Reason.NOT_PRIMARY, "a linked device may unlink only itself");
    }
    Account account = currentAccount(caller);
    if (account.device(deviceId).isEmpty()
        || !accounts.removeDevice(caller.phone(), caller.keyGeneration(), deviceId)) {
      if (currentAccount(caller).device(deviceId).isPresent()) {
        throw new SessionChanged(caller.connectionId());
      }
      throw Refusal.of(Refusal.Reason.UNKNOWN_DEVICE, "this account has no device " + deviceId);
    }
    DeviceRef unlinked = new DeviceRef(caller.phone(), deviceId);
    for (Connection connection : connections.connectionsOf(caller.phone())) {
      if (!connection.device().equals(unlinked)) {
        continue;
      }
      if (connection.id().equals(caller.connectionId())) {
        connections.unbind(connection.id());
        sessions.forget(connection.id());
      } else {
        sessions.endUnlinked(connection.id());
      }
    }
    queues.drop(unlinked);
  }

  /**
   * Records when a device's connection closed, for {@code listDevices} and push's collapse window,
   * then wakes the device by push if something came for it that it may not have taken.
   */
  public void disconnected(String connectionId) {
    Optional<Connection> closed =
        connections
            .remove(connectionId)
            .filter(Connection::isLoggedIn)
            .filter(connection -> connection.keyGeneration() != null);
    if (closed.isPresent()) {
      Connection connection = closed.get();
      accounts.lastSeen(connection.device(), connection.keyGeneration(), clock.instant());
      pushes.wakeIfMissed(connection);
    }
  }

  /** The caller's account, which must still be of the caller's registration. */
  private Account currentAccount(Session caller) {
    return accounts
        .find(caller.phone())
        .filter(account -> account.keyGeneration() == caller.keyGeneration())
        .orElseThrow(() -> new SessionChanged(caller.connectionId()));
  }

  private static void requireRoom(Account account) {
    if (account.linkedDevices() >= Account.MAX_LINKED_DEVICES) {
      throw Refusal.of(
          Refusal.Reason.TOO_MANY_DEVICES,
          "this account has "
              + Account.MAX_LINKED_DEVICES
              + " linked devices already; unlink one first");
    }
  }

  /**
   * Adds the device under the next id, reading the account again when a concurrent link or unlink
   * changed it; each attempt that fails does so because another one succeeded.
   */
  private Device addDevice(Session primary, String deviceKey, String name) {
    String keyHash = SaltedHash.of(deviceKey, random);
    while (true) {
      Account account = currentAccount(primary);
      requireRoom(account);
      Device device = new Device(account.nextDeviceId(), keyHash, name, clock.instant(), null);
      if (accounts.addDevice(account, device)) {
        return device;
      }
    }
  }

  private static Refusal linkExpired() {
    return Refusal.of(
        Refusal.Reason.LINK_EXPIRED,
        "this link code is unknown, used or expired, or its device stopped waiting; ask for a new one");
  }

  /** Codes are stored only as hashes: a read of the table cannot link a device. */
  static String hash(String code) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
