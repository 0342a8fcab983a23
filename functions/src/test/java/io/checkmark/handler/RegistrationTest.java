package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkmark.aws.TemplateTables;
import io.checkmark.core.Connection;
import io.checkmark.core.MutableClock;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.Sessions;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.ErrorFrame;
import io.checkmark.protocol.ProtocolException;
import io.checkmark.protocol.Registered;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Registration, login and device replacement through the real stores on DynamoDB Local, with
 * recording stand-ins for SMS and the management API and a clock the tests move.
 */
class RegistrationTest {

  private static final AtomicInteger NEXT_PHONE = new AtomicInteger(ThreadLocalRandom.current().nextInt(9000));
  private static final Pattern SIX_DIGITS = Pattern.compile("(?<![0-9])[0-9]{6}(?![0-9])");
  private static final String TEST_NUMBER = "+14155550100";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Recorders.RecordingPusher pusher = new Recorders.RecordingPusher();
  private final Map<String, String> environment = environment(Map.of(
      "TEST_NUMBERS", TEST_NUMBER + "=246810",
      "PIN_REQUESTS_PER_IP_PER_HOUR", "3",
      "AUTH_FAILURES_PER_PHONE_PER_HOUR", "8"));
  private final Backend backend = Backend.builder(environment).clock(clock)
      .dynamoDb(TemplateTables.dynamoDb()).sms(sms).pusher(pusher).build();
  private final RegistrationService registration = backend.registrationService();
  private final Sessions sessions = backend.sessions();

  @Test
  void requestPinSendsOneTransactionalSizedSmsWhoseOnlySixDigitRunIsThePin() {
    String phone = newPhone();

    var reply = registration.requestPin(phone, newAddress());

    assertThat(reply.phone()).isEqualTo(phone);
    assertThat(reply.expiresInSeconds()).isEqualTo(600);
    assertThat(sms.to(phone)).singleElement().satisfies(message -> {
      assertThat(message.text().length()).isLessThanOrEqualTo(160);
      assertThat(message.text()).matches("[A-Za-z0-9 .,:'-]+");
      Matcher pins = SIX_DIGITS.matcher(message.text());
      assertThat(pins.find()).isTrue();
      assertThat(pins.find()).as("a second 6-digit run").isFalse();
    });
  }

  @Test
  void rightPinRegistersWithALongRandomKeyAndLogsTheConnectionIn() {
    String phone = newPhone();
    String connection = connectAnonymously();
    registration.requestPin(phone, newAddress());

    Registered registered = registration.verifyPin(connection, phone, sms.lastPinTo(phone));

    assertThat(registered.phone()).isEqualTo(phone);
    assertThat(Base64.getUrlDecoder().decode(registered.deviceKey())).hasSizeGreaterThanOrEqualTo(16);
    assertThat(sessions.session(connection).phone()).isEqualTo(phone);
  }

  @Test
  void wrongPinsCountDownAndTheSixthTryFailsEvenWithTheRightPin() {
    String phone = newPhone();
    registration.requestPin(phone, newAddress());
    String pin = sms.lastPinTo(phone);
    String wrong = pin.equals("000000") ? "111111" : "000000";

    for (int left = 4; left >= 0; left--) {
      int expected = left;
      assertRefused(() -> registration.verifyPin(connectAnonymously(), phone, wrong), ErrorCode.INVALID_PIN)
          .satisfies(e -> assertThat(e.attemptsLeft()).isEqualTo(expected));
    }
    assertRefused(() -> registration.verifyPin(connectAnonymously(), phone, pin), ErrorCode.TOO_MANY_ATTEMPTS);
  }

  @Test
  void expiredPinIsRefused() {
    String phone = newPhone();
    registration.requestPin(phone, newAddress());
    clock.advance(RegistrationService.PIN_LIFETIME);

    assertRefused(() -> registration.verifyPin(connectAnonymously(), phone, sms.lastPinTo(phone)), ErrorCode.PIN_EXPIRED);
  }

  @Test
  void usedPinCannotBeUsedAgain() {
    String phone = newPhone();
    registration.requestPin(phone, newAddress());
    String pin = sms.lastPinTo(phone);
    registration.verifyPin(connectAnonymously(), phone, pin);

    assertRefused(() -> registration.verifyPin(connectAnonymously(), phone, pin), ErrorCode.PIN_EXPIRED);
  }

  @Test
  void secondRequestWithinAMinuteIsRateLimitedAndSendsNoSms() {
    String phone = newPhone();
    registration.requestPin(phone, newAddress());
    clock.advance(Duration.ofSeconds(20));

    assertRefused(() -> registration.requestPin(phone, newAddress()), ErrorCode.RATE_LIMITED)
        .satisfies(e -> assertThat(e.retryAfterSeconds()).isEqualTo(40));
    assertThat(sms.to(phone)).hasSize(1);

    clock.advance(Duration.ofSeconds(41));
    registration.requestPin(phone, newAddress());
    assertThat(sms.to(phone)).hasSize(2);
  }

  @Test
  void sixthSmsOfADayIsRateLimited() {
    String phone = newPhone();
    for (int i = 0; i < 5; i++) {
      registration.requestPin(phone, newAddress());
      clock.advance(Duration.ofMinutes(2));
    }

    assertRefused(() -> registration.requestPin(phone, newAddress()), ErrorCode.RATE_LIMITED)
        .satisfies(e -> assertThat(e.retryAfterSeconds()).isGreaterThan(23 * 3600));
    assertThat(sms.to(phone)).hasSize(5);
  }

  @Test
  void oneAddressAsksForABoundedNumberOfPinsAnHour() {
    String address = newAddress();
    for (int i = 0; i < 3; i++) {
      registration.requestPin(newPhone(), address);
    }
    String fourth = newPhone();

    assertRefused(() -> registration.requestPin(fourth, address), ErrorCode.RATE_LIMITED);
    assertThat(sms.to(fourth)).isEmpty();
  }

  @Test
  void failedVerificationsAndLoginsPerPhoneAreLimited() {
    String phone = newPhone();
    register(phone);
    for (int i = 0; i < 8; i++) {
      assertRefused(() -> registration.login(connectAnonymously(), phone, "wrong-key"), ErrorCode.UNAUTHORIZED);
    }

    assertRefused(() -> registration.login(connectAnonymously(), phone, "wrong-key"), ErrorCode.RATE_LIMITED);
  }

  @Test
  void invalidPhoneGetsNoSms() {
    assertRefused(() -> registration.requestPin("+19005550123", newAddress()), ErrorCode.INVALID_PHONE);
    assertThat(sms.sent).isEmpty();
  }

  @Test
  void testNumberUsesItsFixedPinAndGetsNoSms() {
    String connection = connectAnonymously();
    registration.requestPin(TEST_NUMBER, newAddress());

    Registered registered = registration.verifyPin(connection, TEST_NUMBER, "246810");

    assertThat(registered.phone()).isEqualTo(TEST_NUMBER);
    assertThat(sms.sent).isEmpty();
  }

  @Test
  void loginChecksTheDeviceKey() {
    String phone = newPhone();
    String key = register(phone).deviceKey();
    String connection = connectAnonymously();

    assertRefused(() -> registration.login(connection, phone, key + "x"), ErrorCode.UNAUTHORIZED);
    assertThat(registration.login(connection, phone, key).phone()).isEqualTo(phone);
    assertThat(sessions.session(connection).phone()).isEqualTo(phone);
  }

  @Test
  void basicHeaderLogsTheConnectionInAtConnectAndABadOneIsRefused() {
    String phone = newPhone();
    String key = register(phone).deviceKey();

    Optional<Connection> good = registration.connect(newId(), clock.instant(), "198.51.100.1", basic(phone, key));
    assertThat(good).hasValueSatisfying(connection -> assertThat(connection.phone()).isEqualTo(phone));
    assertThat(sessions.session(good.get().id()).phone()).isEqualTo(phone);

    assertThat(registration.connect(newId(), clock.instant(), "198.51.100.1", basic(phone, "bad"))).isEmpty();
    assertThat(registration.connect(newId(), clock.instant(), "198.51.100.1", "Basic !!!not-base64")).isEmpty();
    assertThat(registration.connect(newId(), clock.instant(), "198.51.100.1", "Bearer " + key)).isEmpty();
    assertThat(registration.connect(newId(), clock.instant(), "198.51.100.1", null))
        .hasValueSatisfying(connection -> assertThat(connection.isLoggedIn()).isFalse());
  }

  @Test
  void reregistrationRevokesTheOldKeyAndClosesTheOldDevicesConnections() {
    String phone = newPhone();
    String oldKey = register(phone).deviceKey();
    String oldConnection = registration.connect(newId(), clock.instant(), "198.51.100.1", basic(phone, oldKey))
        .orElseThrow().id();
    clock.advance(Duration.ofMinutes(2));

    String newKey = register(phone).deviceKey();

    assertThat(pusher.pushed).anySatisfy(push -> {
      assertThat(push.connectionId()).isEqualTo(oldConnection);
      assertThat(((ErrorFrame) push.frame()).code()).isEqualTo("DEVICE_REPLACED");
    });
    assertThat(pusher.closed).contains(oldConnection);
    assertRefused(() -> registration.login(connectAnonymously(), phone, oldKey), ErrorCode.UNAUTHORIZED);
    assertThat(registration.connect(newId(), clock.instant(), "198.51.100.1", basic(phone, oldKey))).isEmpty();
    assertThat(registration.login(connectAnonymously(), phone, newKey).phone()).isEqualTo(phone);
  }

  @Test
  void connectionStillBoundToAReplacedKeyIsRefusedOnItsNextActionAndClosed() {
    String phone = newPhone();
    String oldKey = register(phone).deviceKey();
    String oldConnection = registration.connect(newId(), clock.instant(), "198.51.100.1", basic(phone, oldKey))
        .orElseThrow().id();
    clock.advance(Duration.ofMinutes(2));
    register(phone);
    // As if the connection had slipped past the replacement (it connected while it ran).
    registration.connect(oldConnection, clock.instant(), "198.51.100.1", null);
    TemplateTables.dynamoDb().updateItem(r -> r.tableName(environment.get("CONNECTIONS_TABLE"))
        .key(Map.of("id", AttributeValue.fromS(oldConnection)))
        .updateExpression("SET phone = :phone, keyGeneration = :first")
        .expressionAttributeValues(Map.of(":phone", AttributeValue.fromS(phone), ":first", AttributeValue.fromN("1"))));

    assertRefused(() -> sessions.session(oldConnection), ErrorCode.DEVICE_REPLACED);
    assertThat(pusher.closed).contains(oldConnection);
  }

  @Test
  void anonymousConnectionIsNotLoggedIn() {
    assertRefused(() -> sessions.session(connectAnonymously()), ErrorCode.UNAUTHORIZED);
    assertRefused(() -> sessions.session("never-connected"), ErrorCode.UNAUTHORIZED);
  }

  @Test
  void replyToRequestPinIsTheSameForRegisteredAndNewNumbers() {
    String registered = newPhone();
    register(registered);
    clock.advance(Duration.ofMinutes(2));
    String fresh = newPhone();

    var forRegistered = registration.requestPin(registered, newAddress());
    var forFresh = registration.requestPin(fresh, newAddress());

    assertThat(forRegistered.expiresInSeconds()).isEqualTo(forFresh.expiresInSeconds());
    assertThat(forRegistered.getClass()).isEqualTo(forFresh.getClass());
  }

  @Test
  void onlyHashesOfPinsAndKeysAreStored() {
    String phone = newPhone();
    registration.requestPin(phone, newAddress());
    String pin = sms.lastPinTo(phone);
    Map<String, AttributeValue> pendingPin = rawItem("PINS_TABLE", phone);
    assertThat(pendingPin.toString()).doesNotContain(pin);
    assertThat(pendingPin.get("pinHash").s()).contains(":");

    String key = registration.verifyPin(connectAnonymously(), phone, pin).deviceKey();
    Map<String, AttributeValue> account = rawItem("ACCOUNTS_TABLE", phone);
    assertThat(account.toString()).doesNotContain(key);
    assertThat(account.get("keyHash").s()).contains(":");
  }

  private Registered register(String phone) {
    registration.requestPin(phone, newAddress());
    return registration.verifyPin(connectAnonymously(), phone, sms.lastPinTo(phone));
  }

  private String connectAnonymously() {
    return registration.connect(newId(), clock.instant(), "198.51.100.1", null).orElseThrow().id();
  }


  private Map<String, AttributeValue> rawItem(String tableVariable, String phone) {
    return TemplateTables.dynamoDb().getItem(r -> r.tableName(environment.get(tableVariable))
        .key(Map.of("phone", AttributeValue.fromS(phone)))).item();
  }

  private static org.assertj.core.api.ObjectAssert<ProtocolException> assertRefused(ThrowingCallable call,
      ErrorCode code) {
    ProtocolException[] thrown = new ProtocolException[1];
    assertThatThrownBy(call).isInstanceOfSatisfying(ProtocolException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      thrown[0] = e;
    });
    return org.assertj.core.api.Assertions.assertThatObject(thrown[0]);
  }

  static String basic(String phone, String key) {
    return "Basic " + Base64.getEncoder().encodeToString((phone + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  /** A number no other test of this run has used, so that no test meets another's rate limits. */
  static String newPhone() {
    return "+1415555" + (1000 + NEXT_PHONE.getAndIncrement() % 9000);
  }

  private static String newAddress() {
    return "203.0." + ThreadLocalRandom.current().nextInt(256) + "." + ThreadLocalRandom.current().nextInt(256);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static Map<String, String> environment(Map<String, String> overrides) {
    Map<String, String> environment = new HashMap<>(TemplateTables.environmentOf("VerifyPinFunction"));
    environment.putAll(overrides);
    return environment;
  }
}
