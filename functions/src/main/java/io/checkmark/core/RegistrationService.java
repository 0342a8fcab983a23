package io.checkmark.core;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration by SMS PIN and login by device key (OWASP ASVS V6, after Signal-Server): PINs and
 * keys are stored only as salted hashes and compared in constant time; PINs live ten minutes, are
 * used once and allow five guesses; SMS (per phone and per country calling code), PIN requests,
 * anonymous connections and failures (per source address, never per phone alone) are rate limited;
 * every phone is keyed by its canonical E.164 form; registering a phone on a new device revokes the
 * old device's key and closes its connections.
 */
public final class RegistrationService {

  public static final Duration PIN_LIFETIME = Duration.ofMinutes(10);
  public static final int PIN_TRIES = 5;
  private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");

  /** Where the PIN sits in its SMS: the text's one run of six digits. */
  public static final Pattern PIN_IN_SMS = Pattern.compile("(?<![0-9])[0-9]{6}(?![0-9])");

  private static final String BASIC = "basic ";

  /** {@code phone:key} or {@code phone.deviceId:key}; the key is everything after the colon. */
  private static final Pattern BASIC_USER =
      Pattern.compile("([^:.]*)(?:\\.([1-9][0-9]{0,8}))?:(.*)", Pattern.DOTALL);

  private static final Duration FAILURE_WINDOW = Duration.ofHours(1);

  /**
   * The metric counted when a calling code's PIN SMS budget for the hour is spent (an alarm watches
   * it).
   */
  private static final String SMS_BUDGET_EXHAUSTED = "PinSmsBudgetExhausted";

  private static final Logger LOG = LoggerFactory.getLogger(RegistrationService.class);

  private final RegistrationPolicy policy;
  private final AccountStore accounts;
  private final PinStore pins;
  private final ConnectionStore connections;
  private final MessageQueue queues;
  private final RateLimiter limits;
  private final SmsSender sms;
  private final Metrics metrics;
  private final Sessions sessions;
  private final Clock clock;
  private final SecureRandom random;

  public RegistrationService(
      RegistrationPolicy policy,
      AccountStore accounts,
      PinStore pins,
      ConnectionStore connections,
      MessageQueue queues,
      RateLimiter limits,
      SmsSender sms,
      Metrics metrics,
      Sessions sessions,
      Clock clock,
      SecureRandom random) {
    this.policy = policy;
    this.accounts = accounts;
    this.pins = pins;
    this.connections = connections;
    this.queues = queues;
    this.limits = limits;
    this.sms = sms;
    this.metrics = metrics;
    this.sessions = sessions;
    this.clock = clock;
    this.random = random;
  }

  /** A PIN was sent: to the canonical form of the number, valid for so long. */
  public record PinIssued(String phone, Duration validFor) {}

  /** A registered device: its phone, and its device key, which is stored only as a salted hash. */
  public record NewDevice(String phone, String deviceKey) {}

  /**
   * Sends a new PIN by SMS to the canonical form of the number. The answer says nothing of whether
   * the number is registered.
   */
  public PinIssued requestPin(String rawPhone, String sourceIp) {
    String phone = policy.phoneNumbers().requireValid(rawPhone);
    if (sourceIp != null) {
      limits.acquire(
          "pin-requests-from#" + sourceIp, policy.pinRequestsPerIpPerHour(), Duration.ofHours(1));
    }
    String testPin = policy.testNumbers().get().get(phone);
    if (testPin == null) {
      limits.acquire("sms-minute#" + phone, 1, Duration.ofMinutes(1));
      limits.acquire("sms-day#" + phone, policy.smsPerPhonePerDay(), Duration.ofDays(1));
      acquireCallingCodeBudget(phone);
    }
    String pin = testPin != null ? testPin : String.format("%06d", random.nextInt(1_000_000));
    pins.save(
        new PendingPin(
            phone, SaltedHash.of(pin, random), clock.instant().plus(PIN_LIFETIME), PIN_TRIES));
    if (testPin == null) {
      sms.send(
          phone, "Your Checkmark code is " + pin + ". It expires in 10 minutes. Never share it.");
    }
    return new PinIssued(phone, PIN_LIFETIME);
  }

  /**
   * Checks the PIN; on success makes a new device key the key of the phone's only device, its new
   * primary, logs this connection in as it, closes the connections of every device it replaces and
   * drops the revoked linked devices' queues (the primary's queue is kept for the new primary). A
   * guess is taken from the PIN's tries before it is compared, so at most {@link #PIN_TRIES}
   * guesses are ever compared, however many arrive at once; the last of them may still be right.
   */
  public NewDevice verifyPin(String connectionId, String rawPhone, String pin, String sourceIp) {
    String phone = policy.phoneNumbers().requireValid(rawPhone);
    if (pin == null || !SIX_DIGITS.matcher(pin).matches()) {
      throw Refusal.invalid("pin must be 6 digits");
    }
    requireFewFailures(phone, sourceIp);
    PinStore.Attempt attempt = pins.takeAttempt(phone, clock.instant());
    switch (attempt.outcome()) {
      case NONE_PENDING ->
          throw Refusal.of(
              Refusal.Reason.PIN_EXPIRED, "no PIN is pending for this number; request one");
      case EXPIRED ->
          throw Refusal.of(Refusal.Reason.PIN_EXPIRED, "the PIN has expired; request a new one");
      case NO_TRIES_LEFT ->
          throw Refusal.of(
              Refusal.Reason.TOO_MANY_ATTEMPTS, "too many wrong PINs; request a new one");
      case TAKEN -> {}
    }
    PendingPin pending = attempt.pin();
    if (!SaltedHash.matches(pending.pinHash(), pin)) {
      recordFailure(phone, sourceIp);
      throw Refusal.wrongPin(pending.attemptsLeft());
    }
    if (!pins.consume(pending)) {
      throw Refusal.of(
          Refusal.Reason.PIN_EXPIRED, "the PIN was replaced or used; request a new one");
    }
    String deviceKey = DeviceKeys.newKey(random);
    AccountStore.Registration registration =
        accounts.replacePrimary(phone, SaltedHash.of(deviceKey, random), clock.instant());
    connections.bind(connectionId, DeviceRef.primaryOf(phone), registration.keyGeneration());
    sessions.loggedIn(connectionId);
    closeReplacedConnections(phone, registration.keyGeneration(), connectionId);
    registration.revokedDevices().forEach(device -> queues.drop(new DeviceRef(phone, device)));
    return new NewDevice(phone, deviceKey);
  }

  /**
   * Logs a connection in as one device of the phone ({@code deviceId} null: the primary), with that
   * device's key; returns the device.
   */
  public DeviceRef login(
      String connectionId, String rawPhone, Integer deviceId, String deviceKey, String sourceIp) {
    String phone =
        PhoneNumbers.canonical(rawPhone)
            .orElseThrow(
                () ->
                    Refusal.of(
                        Refusal.Reason.INVALID_PHONE,
                        "not a valid international phone number (+ and digits)"));
    if (deviceId != null && deviceId < Account.PRIMARY) {
      throw Refusal.invalid("deviceId must be a positive whole number");
    }
    DeviceRef device = new DeviceRef(phone, deviceId == null ? Account.PRIMARY : deviceId);
    Account account = authenticate(device, deviceKey, sourceIp);
    connections.bind(connectionId, device, account.keyGeneration());
    sessions.loggedIn(connectionId);
    accounts.lastSeen(device, account.keyGeneration(), clock.instant());
    return device;
  }

  /**
   * Records a new connection, reading {@code Authorization: Basic base64(phone:deviceKey)} (the
   * primary) or {@code base64(phone.deviceId:deviceKey)} (any device): the connection is anonymous
   * without a header and logged in with a good one; a bad one records nothing and returns empty
   * (refuse the upgrade with 401). Anonymous connections are limited per source address; logged-in
   * ones are not.
   */
  public Optional<Connection> connect(
      String connectionId, Instant connectedAt, String sourceIp, String authorization) {
    Optional<Connection> connection;
    if (authorization == null) {
      if (sourceIp != null) {
        limits.acquire(
            "anonymous-connects-from#" + sourceIp,
            policy.anonymousConnectsPerAddressPerMinute(),
            Duration.ofMinutes(1));
      }
      connection = Optional.of(Connection.anonymous(connectionId, connectedAt, sourceIp));
    } else {
      connection = authenticateHeader(connectionId, connectedAt, sourceIp, authorization);
    }
    connection.ifPresent(connections::save);
    connection
        .filter(Connection::isLoggedIn)
        .ifPresent(
            loggedIn ->
                accounts.lastSeen(loggedIn.device(), loggedIn.keyGeneration(), connectedAt));
    return connection;
  }

  private Optional<Connection> authenticateHeader(
      String connectionId, Instant connectedAt, String sourceIp, String authorization) {
    if (!authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      return Optional.empty();
    }
    String credentials;
    try {
      credentials =
          new String(
              Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    Matcher user = BASIC_USER.matcher(credentials);
    if (!user.matches()) {
      return Optional.empty();
    }
    Optional<String> phone = PhoneNumbers.canonical(user.group(1));
    if (phone.isEmpty()) {
      return Optional.empty();
    }
    DeviceRef device =
        new DeviceRef(
            phone.get(), user.group(2) == null ? Account.PRIMARY : Integer.parseInt(user.group(2)));
    try {
      Account account = authenticate(device, user.group(3), sourceIp);
      return Optional.of(
          new Connection(
              connectionId,
              connectedAt,
              sourceIp,
              device.phone(),
              device.deviceId(),
              account.keyGeneration()));
    } catch (Refusal wrong) {
      if (wrong.reason() == Refusal.Reason.RATE_LIMITED) {
        throw wrong;
      }
      return Optional.empty();
    }
  }

  /**
   * The account when the key is its device's key. A right key needs no limit check: keys are long
   * random secrets, so limits are for wrong ones, counted per source address and per phone and
   * address, never per phone alone, so that no one can lock an owner out. An account without that
   * device is {@code UNKNOWN_DEVICE}, and counts as a wrong key.
   */
  private Account authenticate(DeviceRef device, String deviceKey, String sourceIp) {
    Optional<Account> account = accounts.find(device.phone());
    Optional<Device> found = account.flatMap(existing -> existing.device(device.deviceId()));
    if (found.isPresent() && SaltedHash.matches(found.get().keyHash(), deviceKey)) {
      return account.get();
    }
    if (sourceIp != null) {
      limits.acquire(
          failuresFrom(sourceIp), policy.authFailuresPerAddressPerHour(), FAILURE_WINDOW);
      limits.acquire(
          failuresOf(device.phone(), sourceIp),
          policy.authFailuresPerPhoneAndAddressPerHour(),
          FAILURE_WINDOW);
    }
    if (account.isPresent() && found.isEmpty()) {
      throw Refusal.of(
          Refusal.Reason.UNKNOWN_DEVICE,
          "this account has no device " + device.deviceId() + "; link it again");
    }
    throw Refusal.of(Refusal.Reason.WRONG_CREDENTIALS, "wrong phone number or device key");
  }

  /**
   * Refuses a PIN guess from an address that has failed too often, before the guess takes a try.
   */
  private void requireFewFailures(String phone, String sourceIp) {
    if (sourceIp != null) {
      limits.requireBelow(
          failuresFrom(sourceIp), policy.authFailuresPerAddressPerHour(), FAILURE_WINDOW);
      limits.requireBelow(
          failuresOf(phone, sourceIp),
          policy.authFailuresPerPhoneAndAddressPerHour(),
          FAILURE_WINDOW);
    }
  }

  private void recordFailure(String phone, String sourceIp) {
    if (sourceIp != null) {
      limits.record(failuresFrom(sourceIp), FAILURE_WINDOW);
      limits.record(failuresOf(phone, sourceIp), FAILURE_WINDOW);
    }
  }

  /**
   * Counts a PIN SMS against its country calling code's hourly budget; when the budget is spent,
   * counts a metric for the alarm and refuses, so SMS pumping to one expensive country costs a
   * bounded amount.
   */
  private void acquireCallingCodeBudget(String phone) {
    int callingCode = PhoneNumbers.callingCode(phone);
    try {
      limits.acquire(
          "sms-calling-code#" + callingCode,
          policy.smsPerCallingCodePerHour(),
          Duration.ofHours(1));
    } catch (Refusal spent) {
      LOG.warn("PIN SMS budget of calling code +{} spent for this hour", callingCode);
      metrics.count(SMS_BUDGET_EXHAUSTED, 1);
      throw spent;
    }
  }

  private void closeReplacedConnections(
      String phone, long currentGeneration, String keepConnectionId) {
    for (Connection connection : connections.connectionsOf(phone)) {
      if (!connection.id().equals(keepConnectionId)
          && connection.keyGeneration() != null
          && connection.keyGeneration() < currentGeneration) {
        sessions.endReplaced(connection.id());
      }
    }
  }

  private static String failuresFrom(String sourceIp) {
    return "auth-failures-from#" + sourceIp;
  }

  private static String failuresOf(String phone, String sourceIp) {
    return "auth-failures#" + phone + "#" + sourceIp;
  }
}
