package io.checkmark.core;

import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.LoggedIn;
import io.checkmark.protocol.PinSent;
import io.checkmark.protocol.ProtocolException;
import io.checkmark.protocol.Registered;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Registration by SMS PIN and login by device key (OWASP ASVS V6, after Signal-Server): PINs and
 * keys are stored only as salted hashes and compared in constant time; PINs live ten minutes,
 * are used once and die after five wrong tries; SMS, PIN requests and failures are rate limited;
 * registering a phone on a new device revokes the old device's key and closes its connections.
 */
public final class RegistrationService {

  public static final Duration PIN_LIFETIME = Duration.ofMinutes(10);
  public static final int PIN_TRIES = 5;
  private static final int DEVICE_KEY_BYTES = 32;
  private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
  private static final String BASIC = "basic ";

  private final RegistrationPolicy policy;
  private final AccountStore accounts;
  private final PinStore pins;
  private final ConnectionStore connections;
  private final RateLimiter limits;
  private final SmsSender sms;
  private final Sessions sessions;
  private final Clock clock;
  private final SecureRandom random;

  public RegistrationService(RegistrationPolicy policy, AccountStore accounts, PinStore pins,
      ConnectionStore connections, RateLimiter limits, SmsSender sms, Sessions sessions, Clock clock,
      SecureRandom random) {
    this.policy = policy;
    this.accounts = accounts;
    this.pins = pins;
    this.connections = connections;
    this.limits = limits;
    this.sms = sms;
    this.sessions = sessions;
    this.clock = clock;
    this.random = random;
  }

  /** Sends a new PIN by SMS. The reply says nothing of whether the number is registered. */
  public PinSent requestPin(String phone, String sourceIp) {
    policy.phoneNumbers().requireValid(phone);
    if (sourceIp != null) {
      limits.acquire("pin-requests-from#" + sourceIp, policy.pinRequestsPerIpPerHour(), Duration.ofHours(1));
    }
    String testPin = policy.testNumbers().get(phone);
    if (testPin == null) {
      limits.acquire("sms-minute#" + phone, 1, Duration.ofMinutes(1));
      limits.acquire("sms-day#" + phone, policy.smsPerPhonePerDay(), Duration.ofDays(1));
    }
    String pin = testPin != null ? testPin : String.format("%06d", random.nextInt(1_000_000));
    pins.save(new PendingPin(phone, SaltedHash.of(pin, random), clock.instant().plus(PIN_LIFETIME), PIN_TRIES));
    if (testPin == null) {
      sms.send(phone, "Your Checkmark code is " + pin + ". It expires in 10 minutes. Never share it.");
    }
    return new PinSent(phone, PIN_LIFETIME.toSeconds());
  }

  /**
   * Checks the PIN; on success makes a new device key the phone's only one, logs this connection
   * in, and closes the connections of the device it replaces.
   */
  public Registered verifyPin(String connectionId, String phone, String pin) {
    policy.phoneNumbers().requireValid(phone);
    if (pin == null || !SIX_DIGITS.matcher(pin).matches()) {
      throw ProtocolException.badRequest("pin must be 6 digits");
    }
    limits.requireBelow(failuresOf(phone), policy.authFailuresPerPhonePerHour(), Duration.ofHours(1));
    PendingPin pending = pins.find(phone)
        .orElseThrow(() -> new ProtocolException(ErrorCode.PIN_EXPIRED, "no PIN is pending for this number; request one"));
    if (!clock.instant().isBefore(pending.expiresAt())) {
      pins.delete(phone);
      throw new ProtocolException(ErrorCode.PIN_EXPIRED, "the PIN has expired; request a new one");
    }
    if (pending.attemptsLeft() <= 0) {
      throw new ProtocolException(ErrorCode.TOO_MANY_ATTEMPTS, "too many wrong PINs; request a new one");
    }
    if (!SaltedHash.matches(pending.pinHash(), pin)) {
      limits.record(failuresOf(phone), Duration.ofHours(1));
      int left = pins.recordWrongTry(pending);
      if (left < 0) {
        throw new ProtocolException(ErrorCode.PIN_EXPIRED, "the PIN was replaced or used; request a new one");
      }
      throw ProtocolException.invalidPin(left);
    }
    if (!pins.consume(pending)) {
      throw new ProtocolException(ErrorCode.PIN_EXPIRED, "the PIN was replaced or used; request a new one");
    }
    String deviceKey = newDeviceKey();
    long generation = accounts.replaceDeviceKey(phone, SaltedHash.of(deviceKey, random), clock.instant());
    connections.bind(connectionId, phone, generation);
    sessions.loggedIn(connectionId);
    closeReplacedConnections(phone, generation, connectionId);
    return new Registered(phone, deviceKey);
  }

  /** Logs an anonymous connection in with the phone's device key. */
  public LoggedIn login(String connectionId, String phone, String deviceKey) {
    Account account = authenticate(phone, deviceKey)
        .orElseThrow(() -> new ProtocolException(ErrorCode.UNAUTHORIZED, "wrong phone number or device key"));
    connections.bind(connectionId, phone, account.keyGeneration());
    sessions.loggedIn(connectionId);
    return new LoggedIn(phone);
  }

  /**
   * Records a new connection, reading {@code Authorization: Basic base64(phone:deviceKey)}: the
   * connection is anonymous without a header and logged in with a good one; a bad one records
   * nothing and returns empty (refuse the upgrade with 401).
   */
  public Optional<Connection> connect(String connectionId, Instant connectedAt, String sourceIp, String authorization) {
    Optional<Connection> connection = authorization == null
        ? Optional.of(Connection.anonymous(connectionId, connectedAt, sourceIp))
        : authenticateHeader(connectionId, connectedAt, sourceIp, authorization);
    connection.ifPresent(connections::save);
    return connection;
  }

  private Optional<Connection> authenticateHeader(String connectionId, Instant connectedAt, String sourceIp,
      String authorization) {
    if (!authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      return Optional.empty();
    }
    String credentials;
    try {
      credentials = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    int colon = credentials.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String phone = credentials.substring(0, colon);
    return authenticate(phone, credentials.substring(colon + 1))
        .map(account -> new Connection(connectionId, connectedAt, sourceIp, phone, account.keyGeneration()));
  }

  private Optional<Account> authenticate(String phone, String deviceKey) {
    if (!PhoneNumbers.looksLikeE164(phone)) {
      throw new ProtocolException(ErrorCode.INVALID_PHONE, "a phone number is + and 8 to 15 digits (E.164)");
    }
    limits.requireBelow(failuresOf(phone), policy.authFailuresPerPhonePerHour(), Duration.ofHours(1));
    Optional<Account> account = accounts.find(phone)
        .filter(found -> SaltedHash.matches(found.deviceKeyHash(), deviceKey));
    if (account.isEmpty()) {
      limits.record(failuresOf(phone), Duration.ofHours(1));
    }
    return account;
  }

  private void closeReplacedConnections(String phone, long currentGeneration, String keepConnectionId) {
    for (Connection connection : connections.connectionsOf(phone)) {
      if (!connection.id().equals(keepConnectionId) && connection.keyGeneration() != null
          && connection.keyGeneration() < currentGeneration) {
        sessions.endReplaced(connection.id());
      }
    }
  }

  private String newDeviceKey() {
    byte[] key = new byte[DEVICE_KEY_BYTES];
    random.nextBytes(key);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  private static String failuresOf(String phone) {
    return "auth-failures#" + phone;
  }
}
