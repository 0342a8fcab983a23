package io.checkmark.core;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a connection is logged in as, for the actions only logged-in connections may use, and the end
 * of a replaced or unlinked device's connections. Kept apart from registration so that the message
 * functions load no SMS, PIN or rate-limit code.
 */
public final class Sessions {

  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

  /**
   * How long a warm function trusts a connection it has checked before reading its row and key
   * generation again. Safe because re-registration closes the replaced device's connections, and
   * API Gateway invokes no route for a closed connection; the re-check covers a connection that
   * raced a re-registration.
   */
  public static final Duration LOGIN_RECHECK = Duration.ofMinutes(1);

  private static final int CHECKED_CONNECTIONS = 10_000;

  /**
   * A device's last seen is shown to the minute, so a warm function records a device's actions at
   * most once a minute: the first action of each minute writes, the others cost nothing.
   */
  public static final Duration LAST_SEEN_RESOLUTION = Duration.ofMinutes(1);

  private final ConnectionStore connections;
  private final AccountStore accounts;
  private final ConnectionPusher pusher;
  private final Clock clock;
  private final ExpiringCache<String, Session> checkedLogins;
  private final ExpiringCache<DeviceRef, Boolean> recentlySeen;

  public Sessions(
      ConnectionStore connections, AccountStore accounts, ConnectionPusher pusher, Clock clock) {
    this.connections = connections;
    this.accounts = accounts;
    this.pusher = pusher;
    this.clock = clock;
    this.checkedLogins = new ExpiringCache<>(CHECKED_CONNECTIONS, LOGIN_RECHECK, clock);
    this.recentlySeen = new ExpiringCache<>(CHECKED_CONNECTIONS, LAST_SEEN_RESOLUTION, clock);
  }

  /**
   * Who a connection is logged in as. A connection logged in with a key that has since been
   * replaced is told so and closed: API Gateway checks credentials only at connect. A warm function
   * checks each connection once per {@link #LOGIN_RECHECK}, not on every frame; the actions that
   * change state commit only while the connection is still bound to the session (see {@link
   * SessionChanged}), so a login elsewhere takes effect at once.
   */
  public Session session(String connectionId) {
    Optional<Session> checked = checkedLogins.get(connectionId);
    return checked.isPresent() ? checked.get() : freshSession(connectionId);
  }

  /**
   * Records that the session's device acted now, for its last seen, unless this function did so
   * less than {@link #LAST_SEEN_RESOLUTION} ago: called once an action succeeded, since a refused
   * one changes nothing. Connect and disconnect record it too, so a lost {@code $disconnect} leaves
   * a last seen at most a minute behind the device's last action. Best effort: a write the storage
   * fails is left to the device's next action, and never fails the action it follows.
   */
  public void acted(Session session) {
    if (recentlySeen.get(session.device()).isEmpty()) {
      recentlySeen.put(session.device(), Boolean.TRUE);
      try {
        accounts.lastSeen(session.device(), session.keyGeneration(), clock.instant());
      } catch (StorageUnavailable unavailable) {
        recentlySeen.remove(session.device());
        LOG.warn("last seen not recorded: {}", unavailable.getMessage());
      }
    }
  }

  /** As {@link #session}, read from the tables now, whatever was checked before. */
  public Session freshSession(String connectionId) {
    Connection connection =
        connections
            .find(connectionId)
            .filter(Connection::isLoggedIn)
            .orElseThrow(() -> Refusal.of(Refusal.Reason.NOT_LOGGED_IN, "log in first"));
    DeviceRef device = connection.device();
    Optional<Account> account = accounts.find(device.phone());
    long current = account.map(Account::keyGeneration).orElse(-1L);
    if (connection.keyGeneration() == null || connection.keyGeneration() != current) {
      endReplaced(connectionId);
      throw deviceReplaced();
    }
    if (account.get().device(device.deviceId()).isEmpty()) {
      endUnlinked(connectionId);
      throw deviceUnlinked();
    }
    Session session =
        new Session(connectionId, device.phone(), device.deviceId(), connection.keyGeneration());
    checkedLogins.put(connectionId, session);
    return session;
  }

  /** Forgets what was checked of a connection that has just logged in (again). */
  void loggedIn(String connectionId) {
    forget(connectionId);
  }

  /** Forgets what was checked of a connection, so that its next action reads who it is now. */
  public void forget(String connectionId) {
    checkedLogins.remove(connectionId);
  }

  /** Tells a connection of a replaced key so, closes it and forgets it. */
  void endReplaced(String connectionId) {
    checkedLogins.remove(connectionId);
    pusher.pushDeviceReplaced(connectionId);
    pusher.close(connectionId);
    connections.delete(connectionId);
  }

  /** Tells a connection of an unlinked device so, closes it and forgets it. */
  void endUnlinked(String connectionId) {
    checkedLogins.remove(connectionId);
    pusher.pushDeviceUnlinked(connectionId);
    pusher.close(connectionId);
    connections.delete(connectionId);
  }

  /** The wording of the refusal, and of the notice pushed to a replaced device's connections. */
  public static final String DEVICE_REPLACED = "this phone number was registered on another device";

  /** The wording of the refusal, and of the notice pushed to an unlinked device's connections. */
  public static final String DEVICE_UNLINKED = "this device was unlinked from its account";

  private static Refusal deviceUnlinked() {
    return Refusal.of(Refusal.Reason.DEVICE_UNLINKED, DEVICE_UNLINKED);
  }

  private static Refusal deviceReplaced() {
    return Refusal.of(Refusal.Reason.DEVICE_REPLACED, DEVICE_REPLACED);
  }
}
