package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import io.checkmark.aws.TemplateTables;
import io.checkmark.core.Connection;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.MutableClock;
import io.checkmark.core.Refusal;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.Sessions;
import io.checkmark.core.TestPhones;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.ErrorFrame;
import io.checkmark.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Registration, login and device replacement through the real stores on DynamoDB Local, with
 * recording stand-ins for SMS and the management API and a clock the tests move.
 */
class RegistrationTest {

  private static final String TEST_NUMBER = "+14155550100";

  /**
   * Starts at the real time: DynamoDB Local deletes items whose TTL has passed, as DynamoDB does.
   */
  private final MutableClock clock = new MutableClock(Instant.now());

  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Recorders.RecordingPusher pusher = new Recorders.RecordingPusher();
  private final Map<String, String> environment =
      environment(
          Map.of(
              "PIN_REQUESTS_PER_IP_PER_HOUR", "3",
              "AUTH_FAILURES_PER_PHONE_AND_ADDRESS_PER_HOUR", "8",
              "AUTH_FAILURES_PER_ADDRESS_PER_HOUR", "12"));
  private final Composition backend =
      Composition.builder(environment)
          .clock(clock)
          .testNumbers(TEST_NUMBER + "=246810")
          .dynamoDb(TemplateTables.dynamoDb())
          .sms(sms)
          .pusher(pusher)
          .build();
  private final RegistrationService registration = backend.registrationService();
  private final Sessions sessions = backend.sessions();

  @Test
  void requestPinSendsOneTransactionalSizedSmsWhoseOnlySixDigitRunIsThePin() {
    String phone = TestPhones.next();

    var reply = registration.requestPin(phone, newAddress());

    assertThat(reply.phone()).isEqualTo(phone);
    assertThat(reply.validFor().toSeconds()).isEqualTo(600);
    assertThat(sms.to(phone))
        .singleElement()
        .satisfies(
            message -> {
              assertThat(message.text().length()).isLessThanOrEqualTo(160);
              assertThat(message.text()).matches("[A-Za-z0-9 .,:'-]+");
              Matcher pins = RegistrationService.PIN_IN_SMS.matcher(message.text());
              assertThat(pins.find()).isTrue();
              assertThat(pins.find()).as("a second 6-digit run").isFalse();
            });
  }

  @Test
  void rightPinRegistersWithALongRandomKeyAndLogsTheConnectionIn() {
    String phone = TestPhones.next();
    String connection = connectAnonymously();
    registration.requestPin(phone, newAddress());

    RegistrationService.NewDevice registered =
        registration.verifyPin(connection, phone, sms.lastPinTo(phone), newAddress());

    assertThat(registered.phone()).isEqualTo(phone);
    assertThat(Base64.getUrlDecoder().decode(registered.deviceKey()))
        .hasSizeGreaterThanOrEqualTo(16);
    assertThat(sessions.session(connection).phone()).isEqualTo(phone);
  }

  @Test
  void wrongPinsCountDownAndTheSixthTryFailsEvenWithTheRightPin() {
    String phone = TestPhones.next();
    registration.requestPin(phone, newAddress());
    String pin = sms.lastPinTo(phone);
    String wrong = pin.equals("000000") ? "111111" : "000000";

    for (int left = 4; left >= 0; left--) {
      int expected = left;
      assertRefused(
              () -> registration.verifyPin(connectAnonymously(), phone, wrong, newAddress()),
              ErrorCode.INVALID_PIN)
          .satisfies(e -> assertThat(e.attemptsLeft()).isEqualTo(expected));
    }
    assertRefused(
        () -> registration.verifyPin(connectAnonymously(), phone, pin, newAddress()),
        ErrorCode.TOO_MANY_ATTEMPTS);
  }

  @Test
  void expiredPinIsRefused() {
    String phone = TestPhones.next();
    registration.requestPin(phone, newAddress());
    clock.advance(RegistrationService.PIN_LIFETIME);

    assertRefused(
        () ->
            registration.verifyPin(connectAnonymously(), phone, sms.lastPinTo(phone), newAddress()),
        ErrorCode.PIN_EXPIRED);
  }

  @Test
  void usedPinCannotBeUsedAgain() {
    String phone = TestPhones.next();
    registration.requestPin(phone, newAddress());
    String pin = sms.lastPinTo(phone);
    registration.verifyPin(connectAnonymously(), phone, pin, newAddress());

    assertRefused(
        () -> registration.verifyPin(connectAnonymously(), phone, pin, newAddress()),
        ErrorCode.PIN_EXPIRED);
  }

  @Test
  void secondRequestWithinAMinuteIsRateLimitedAndSendsNoSms() {
    String phone = TestPhones.next();
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
    String phone = TestPhones.next();
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
      registration.requestPin(TestPhones.next(), address);
    }
    String fourth = TestPhones.next();

    assertRefused(() -> registration.requestPin(fourth, address), ErrorCode.RATE_LIMITED);
    assertThat(sms.to(fourth)).isEmpty();
  }

  @Test
  void wrongKeysFromOtherAddressesNeverLockTheOwnerOut() {
    String phone = TestPhones.next();
    String key = register(phone).deviceKey();
    String attacker = newAddress();
    for (int i = 0; i < 25; i++) {
      refusedEither(
          () -> registration.login(connectAnonymously(), phone, null, "wrong-key", attacker));
      String elsewhere = newAddress();
      refusedEither(
          () ->
              assertThat(
                      registration.connect(
                          newId(), clock.instant(), elsewhere, basic(phone, "wrong-key")))
                  .isEmpty());
    }
    String owner = newAddress();

    assertThat(registration.login(connectAnonymously(), phone, null, key, owner))
        .isEqualTo(DeviceRef.primaryOf(phone));
    assertThat(registration.login(connectAnonymously(), phone, null, key, attacker))
        .isEqualTo(DeviceRef.primaryOf(phone));
    assertThat(registration.connect(newId(), clock.instant(), owner, basic(phone, key)))
        .isPresent();
    assertThat(registration.connect(newId(), clock.instant(), attacker, basic(phone, key)))
        .isPresent();
  }

  @Test
  void wrongKeysAreLimitedPerPhoneAndAddressNotPerPhone() {
    String phone = TestPhones.next();
    register(phone);
    String attacker = newAddress();
    for (int i = 0; i < 8; i++) {
      assertRefused(
          () -> registration.login(connectAnonymously(), phone, null, "wrong-key", attacker),
          ErrorCode.UNAUTHORIZED);
    }

    assertRefused(
            () -> registration.login(connectAnonymously(), phone, null, "wrong-key", attacker),
            ErrorCode.RATE_LIMITED)
        .satisfies(e -> assertThat(e.retryAfterSeconds()).isBetween(1, 3600));
    assertRefused(
        () -> registration.connect(newId(), clock.instant(), attacker, basic(phone, "wrong-key")),
        ErrorCode.RATE_LIMITED);
    assertRefused(
        () -> registration.login(connectAnonymously(), phone, null, "wrong-key", newAddress()),
        ErrorCode.UNAUTHORIZED);
  }

  @Test
  void wrongKeysAreLimitedPerAddressAcrossPhones() {
    String attacker = newAddress();
    for (int i = 0; i < 12; i++) {
      String phone = TestPhones.next();
      assertRefused(
          () -> registration.login(connectAnonymously(), phone, null, "wrong-key", attacker),
          ErrorCode.UNAUTHORIZED);
    }

    assertRefused(
        () ->
            registration.login(
                connectAnonymously(), TestPhones.next(), null, "wrong-key", attacker),
        ErrorCode.RATE_LIMITED);
  }

  @Test
  void wrongPinsAreLimitedPerAddressAndTheAddressOverItsLimitHasNoGuessEvaluated() {
    String attacker = newAddress();
    for (int i = 0; i < 12; i++) {
      String phone = TestPhones.next();
      registration.requestPin(phone, newAddress());
      assertRefused(
          () ->
              registration.verifyPin(
                  connectAnonymously(), phone, wrongPin(sms.lastPinTo(phone)), attacker),
          ErrorCode.INVALID_PIN);
    }
    String victim = TestPhones.next();
    registration.requestPin(victim, newAddress());

    assertRefused(
        () -> registration.verifyPin(connectAnonymously(), victim, sms.lastPinTo(victim), attacker),
        ErrorCode.RATE_LIMITED);
    assertThat(
            registration
                .verifyPin(connectAnonymously(), victim, sms.lastPinTo(victim), newAddress())
                .phone())
        .isEqualTo(victim);
  }

  @Test
  void aBurstOfConcurrentWrongGuessesHasExactlyFiveEvaluatedAndTheRestTooManyAttempts()
      throws Exception {
    String phone = TestPhones.next();
    registration.requestPin(phone, newAddress());
    String pin = sms.lastPinTo(phone);
    List<String> guesses = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      guesses.add(String.format("%06d", (Integer.parseInt(pin) + i) % 1_000_000));
    }

    List<ProtocolException> refusals =
        guessAtOnce(phone, guesses).stream().map(outcome -> (ProtocolException) outcome).toList();

    assertThat(
            refusals.stream()
                .filter(e -> e.code() == ErrorCode.INVALID_PIN)
                .map(ProtocolException::attemptsLeft))
        .as(
            "tries left after each INVALID_PIN; all replies %s",
            refusals.stream().map(e -> e.code() + " " + e.getMessage()).toList())
        .containsExactlyInAnyOrder(4, 3, 2, 1, 0);
    assertThat(
            refusals.stream()
                .map(ProtocolException::code)
                .filter(code -> code != ErrorCode.INVALID_PIN))
        .hasSize(25)
        .containsOnly(ErrorCode.TOO_MANY_ATTEMPTS);
    assertRefused(
        () -> registration.verifyPin(connectAnonymously(), phone, pin, newAddress()),
        ErrorCode.TOO_MANY_ATTEMPTS);
  }

  @Test
  void aBurstOfConcurrentGuessesWithTheRightOneHasAtMostFiveEvaluated() throws Exception {
    String phone = TestPhones.next();
    registration.requestPin(phone, newAddress());
    String pin = sms.lastPinTo(phone);
    List<String> guesses = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      guesses.add(String.format("%06d", (Integer.parseInt(pin) + i) % 1_000_000));
    }
    guesses.add(15, pin);

    List<Object> outcomes = guessAtOnce(phone, guesses);

    long registered =
        outcomes.stream().filter(RegistrationService.NewDevice.class::isInstance).count();
    List<ErrorCode> codes =
        outcomes.stream()
            .filter(ProtocolException.class::isInstance)
            .map(outcome -> ((ProtocolException) outcome).code())
            .toList();
    long evaluated = registered + codes.stream().filter(ErrorCode.INVALID_PIN::equals).count();
    assertThat(evaluated).isLessThanOrEqualTo(5);
    // Once the right guess has used the PIN, no PIN is pending for the ones after it.
    assertThat(codes)
        .isSubsetOf(
            ErrorCode.INVALID_PIN,
            ErrorCode.TOO_MANY_ATTEMPTS,
            registered == 1 ? ErrorCode.PIN_EXPIRED : ErrorCode.TOO_MANY_ATTEMPTS);
    if (registered == 0) {
      assertThat(evaluated).isEqualTo(5);
    }
  }

  @Test
  void aRightFifthGuessStillRegisters() {
    String phone = TestPhones.next();
    registration.requestPin(phone, newAddress());
    String pin = sms.lastPinTo(phone);
    for (int i = 0; i < 4; i++) {
      assertRefused(
          () -> registration.verifyPin(connectAnonymously(), phone, wrongPin(pin), newAddress()),
          ErrorCode.INVALID_PIN);
    }

    assertThat(registration.verifyPin(connectAnonymously(), phone, pin, newAddress()).phone())
        .isEqualTo(phone);
  }

  @Test
  void twoSpellingsOfOneNumberAreOneAccountOneLimitAndOneSmsDestination() {
    String national = "7911" + (100_000 + TestPhones.nextSerial() % 900_000);
    String canonical = "+44" + national;
    String withTrunkPrefix = "+440" + national;

    assertThat(registration.requestPin(withTrunkPrefix, newAddress()).phone()).isEqualTo(canonical);
    assertThat(sms.to(canonical)).hasSize(1);
    assertRefused(() -> registration.requestPin(canonical, newAddress()), ErrorCode.RATE_LIMITED);
    assertThat(sms.sent).noneMatch(message -> message.phone().equals(withTrunkPrefix));

    RegistrationService.NewDevice registered =
        registration.verifyPin(
            connectAnonymously(), withTrunkPrefix, sms.lastPinTo(canonical), newAddress());
    assertThat(registered.phone()).isEqualTo(canonical);
    assertThat(rawItem("ACCOUNTS_TABLE", canonical)).isNotEmpty();
    assertThat(rawItem("ACCOUNTS_TABLE", withTrunkPrefix)).isNullOrEmpty();
    String key = registered.deviceKey();
    assertThat(registration.login(connectAnonymously(), withTrunkPrefix, null, key, newAddress()))
        .isEqualTo(DeviceRef.primaryOf(canonical));
    assertThat(registration.login(connectAnonymously(), canonical, null, key, newAddress()))
        .isEqualTo(DeviceRef.primaryOf(canonical));
    assertThat(
            registration.connect(
                newId(), clock.instant(), newAddress(), basic(withTrunkPrefix, key)))
        .hasValueSatisfying(connection -> assertThat(connection.phone()).isEqualTo(canonical));
  }

  @Test
  void testNumbersAreFoundWhateverTheSpelling() {
    registration.requestPin("+1 415-555-0100", newAddress());

    assertThat(
            registration
                .verifyPin(connectAnonymously(), "+1-415-555-0100", "246810", newAddress())
                .phone())
        .isEqualTo(TEST_NUMBER);
    assertThat(sms.sent).isEmpty();
  }

  @Test
  void aNumberThatIsNoValidNumberIsInvalidPhoneAtLoginAndRefusedAtConnect() {
    assertRefused(
        () ->
            registration.login(connectAnonymously(), "+15551234567", null, "any-key", newAddress()),
        ErrorCode.INVALID_PHONE);
    assertThat(
            registration.connect(
                newId(), clock.instant(), newAddress(), basic("+15551234567", "any-key")))
        .isEmpty();
  }

  @Test
  void pinSmsToOneCallingCodeStopAtItsHourlyBudgetWithRateLimitedAndAMetric() {
    MessagingTest.CountingMetrics metrics = new MessagingTest.CountingMetrics();
    Map<String, String> budgeted = new HashMap<>(environment);
    budgeted.put("SMS_PER_CALLING_CODE_PER_HOUR", "3");
    RegistrationService withBudget =
        Composition.builder(budgeted)
            .clock(clock)
            .dynamoDb(TemplateTables.dynamoDb())
            .sms(sms)
            .pusher(pusher)
            .metrics(metrics)
            .build()
            .registrationService();
    for (int i = 0; i < 3; i++) {
      withBudget.requestPin(newFrenchPhone(), newAddress());
    }
    String fourth = newFrenchPhone();

    assertRefused(() -> withBudget.requestPin(fourth, newAddress()), ErrorCode.RATE_LIMITED)
        .satisfies(e -> assertThat(e.retryAfterSeconds()).isBetween(1, 3600));
    assertThat(sms.to(fourth)).isEmpty();
    assertThat(metrics.counts).containsEntry("PinSmsBudgetExhausted", 1);
    String german = "+491511234" + (1000 + TestPhones.nextSerial() % 9000);
    withBudget.requestPin(german, newAddress());
    assertThat(sms.to(german)).hasSize(1);

    clock.advance(Duration.ofHours(1));
    withBudget.requestPin(fourth, newAddress());
    assertThat(sms.to(fourth)).hasSize(1);
  }

  @Test
  void anonymousConnectsAreLimitedPerAddressPerMinuteAndLoggedInOnesAreNot() {
    String phone = TestPhones.next();
    String key = register(phone).deviceKey();
    String address = newAddress();
    for (int i = 0; i < 60; i++) {
      assertThat(registration.connect(newId(), clock.instant(), address, null)).isPresent();
    }

    APIGatewayV2WebSocketEvent connect = TestEvents.event("CONNECT", "$connect", newId());
    connect.getRequestContext().getIdentity().setSourceIp(address);
    assertThat(
            new ConnectHandler(backend).handleRequest(connect, TestEvents.CONTEXT).getStatusCode())
        .isEqualTo(429);
    assertThat(registration.connect(newId(), clock.instant(), address, basic(phone, key)))
        .isPresent();

    clock.advance(Duration.ofMinutes(1));
    assertThat(registration.connect(newId(), clock.instant(), address, null)).isPresent();
  }

  @Test
  void invalidPhoneGetsNoSms() {
    assertRefused(
        () -> registration.requestPin("+19005550123", newAddress()), ErrorCode.INVALID_PHONE);
    assertThat(sms.sent).isEmpty();
  }

  @Test
  void testNumberUsesItsFixedPinAndGetsNoSms() {
    String connection = connectAnonymously();
    registration.requestPin(TEST_NUMBER, newAddress());

    RegistrationService.NewDevice registered =
        registration.verifyPin(connection, TEST_NUMBER, "246810", newAddress());

    assertThat(registered.phone()).isEqualTo(TEST_NUMBER);
    assertThat(sms.sent).isEmpty();
  }

  @Test
  void loginChecksTheDeviceKey() {
    String phone = TestPhones.next();
    String key = register(phone).deviceKey();
    String connection = connectAnonymously();

    assertRefused(
        () -> registration.login(connection, phone, null, key + "x", newAddress()),
        ErrorCode.UNAUTHORIZED);
    assertThat(registration.login(connection, phone, null, key, newAddress()))
        .isEqualTo(DeviceRef.primaryOf(phone));
    assertThat(sessions.session(connection).phone()).isEqualTo(phone);
  }

  @Test
  void basicHeaderLogsTheConnectionInAtConnectAndABadOneIsRefused() {
    String phone = TestPhones.next();
    String key = register(phone).deviceKey();

    Optional<Connection> good =
        registration.connect(newId(), clock.instant(), "198.51.100.1", basic(phone, key));
    assertThat(good)
        .hasValueSatisfying(connection -> assertThat(connection.phone()).isEqualTo(phone));
    assertThat(sessions.session(good.get().id()).phone()).isEqualTo(phone);

    assertThat(registration.connect(newId(), clock.instant(), "198.51.100.1", basic(phone, "bad")))
        .isEmpty();
    assertThat(
            registration.connect(newId(), clock.instant(), "198.51.100.1", "Basic !!!not-base64"))
        .isEmpty();
    assertThat(registration.connect(newId(), clock.instant(), "198.51.100.1", "Bearer " + key))
        .isEmpty();
    assertThat(registration.connect(newId(), clock.instant(), "198.51.100.1", null))
        .hasValueSatisfying(connection -> assertThat(connection.isLoggedIn()).isFalse());
  }

  @Test
  void reregistrationRevokesTheOldKeyAndClosesTheOldDevicesConnections() {
    String phone = TestPhones.next();
    String oldKey = register(phone).deviceKey();
    String oldConnection =
        registration
            .connect(newId(), clock.instant(), "198.51.100.1", basic(phone, oldKey))
            .orElseThrow()
            .id();
    clock.advance(Duration.ofMinutes(2));

    String newKey = register(phone).deviceKey();

    assertThat(pusher.pushed)
        .anySatisfy(
            push -> {
              assertThat(push.connectionId()).isEqualTo(oldConnection);
              assertThat(((ErrorFrame) push.frame()).code()).isEqualTo("DEVICE_REPLACED");
            });
    assertThat(pusher.closed).contains(oldConnection);
    assertRefused(
        () -> registration.login(connectAnonymously(), phone, null, oldKey, newAddress()),
        ErrorCode.UNAUTHORIZED);
    assertThat(registration.connect(newId(), clock.instant(), "198.51.100.1", basic(phone, oldKey)))
        .isEmpty();
    assertThat(registration.login(connectAnonymously(), phone, null, newKey, newAddress()))
        .isEqualTo(DeviceRef.primaryOf(phone));
  }

  @Test
  void connectionStillBoundToAReplacedKeyIsRefusedOnItsNextActionAndClosed() {
    String phone = TestPhones.next();
    String oldKey = register(phone).deviceKey();
    String oldConnection =
        registration
            .connect(newId(), clock.instant(), "198.51.100.1", basic(phone, oldKey))
            .orElseThrow()
            .id();
    clock.advance(Duration.ofMinutes(2));
    register(phone);
    // As if the connection had slipped past the replacement (it connected while it ran).
    registration.connect(oldConnection, clock.instant(), "198.51.100.1", null);
    TemplateTables.dynamoDb()
        .updateItem(
            r ->
                r.tableName(environment.get("CONNECTIONS_TABLE"))
                    .key(Map.of("id", AttributeValue.fromS(oldConnection)))
                    .updateExpression("SET phone = :phone, keyGeneration = :first")
                    .expressionAttributeValues(
                        Map.of(
                            ":phone",
                            AttributeValue.fromS(phone),
                            ":first",
                            AttributeValue.fromN("1"))));

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
    String registered = TestPhones.next();
    register(registered);
    clock.advance(Duration.ofMinutes(2));
    String fresh = TestPhones.next();

    var forRegistered = registration.requestPin(registered, newAddress());
    var forFresh = registration.requestPin(fresh, newAddress());

    assertThat(forRegistered.validFor()).isEqualTo(forFresh.validFor());
    assertThat(forRegistered.getClass()).isEqualTo(forFresh.getClass());
  }

  @Test
  void onlyHashesOfPinsAndKeysAreStored() {
    String phone = TestPhones.next();
    registration.requestPin(phone, newAddress());
    String pin = sms.lastPinTo(phone);
    Map<String, AttributeValue> pendingPin = rawItem("PINS_TABLE", phone);
    assertThat(pendingPin.toString()).doesNotContain(pin);
    assertThat(pendingPin.get("pinHash").s()).contains(":");

    String key = registration.verifyPin(connectAnonymously(), phone, pin, newAddress()).deviceKey();
    Map<String, AttributeValue> account = rawItem("ACCOUNTS_TABLE", phone);
    assertThat(account.toString()).doesNotContain(key);
    assertThat(account.get("keyHash").s()).contains(":");
  }

  /** Makes every guess at once, each on its own thread and connection; the replies and refusals. */
  private List<Object> guessAtOnce(String phone, List<String> guesses) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(guesses.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Object>> outcomes = new ArrayList<>();
      for (String guess : guesses) {
        String connection = connectAnonymously();
        String address = newAddress();
        outcomes.add(
            threads.submit(
                () -> {
                  start.await();
                  try {
                    return registration.verifyPin(connection, phone, guess, address);
                  } catch (Refusal refused) {
                    return Frames.refused(refused);
                  }
                }));
      }
      start.countDown();
      List<Object> results = new ArrayList<>();
      for (Future<Object> outcome : outcomes) {
        results.add(outcome.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }

  /** A wrong guess that is refused one way or another (refusals count from the limit on). */
  private static void refusedEither(ThrowingCallable call) {
    try {
      call.call();
    } catch (Refusal refused) {
      assertThat(Frames.code(refused.reason()))
          .isIn(ErrorCode.UNAUTHORIZED, ErrorCode.RATE_LIMITED);
    } catch (Throwable unexpected) {
      throw new AssertionError(unexpected);
    }
  }

  private static String wrongPin(String pin) {
    return pin.equals("000000") ? "111111" : "000000";
  }

  private static String newFrenchPhone() {
    return "+3361234" + (1000 + TestPhones.nextSerial() % 9000);
  }

  private RegistrationService.NewDevice register(String phone) {
    registration.requestPin(phone, newAddress());
    return registration.verifyPin(connectAnonymously(), phone, sms.lastPinTo(phone), newAddress());
  }

  private String connectAnonymously() {
    return registration.connect(newId(), clock.instant(), newAddress(), null).orElseThrow().id();
  }

  private Map<String, AttributeValue> rawItem(String tableVariable, String phone) {
    return TemplateTables.dynamoDb()
        .getItem(
            r ->
                r.tableName(environment.get(tableVariable))
                    .key(Map.of("phone", AttributeValue.fromS(phone))))
        .item();
  }

  private static org.assertj.core.api.ObjectAssert<ProtocolException> assertRefused(
      ThrowingCallable call, ErrorCode code) {
    ProtocolException[] thrown = new ProtocolException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Refusal.class,
            refusal -> {
              ProtocolException e = Frames.refused(refusal);
              assertThat(e.code()).isEqualTo(code);
              thrown[0] = e;
            });
    return org.assertj.core.api.Assertions.assertThatObject(thrown[0]);
  }

  static String basic(String phone, String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString((phone + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  /** A number no other test of this run has used, so that no test meets another's rate limits. */
  private static String newAddress() {
    return "203.0."
        + ThreadLocalRandom.current().nextInt(256)
        + "."
        + ThreadLocalRandom.current().nextInt(256);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static Map<String, String> environment(Map<String, String> overrides) {
    Map<String, String> environment =
        new HashMap<>(TemplateTables.environmentOf("VerifyPinFunction"));
    environment.putAll(overrides);
    return environment;
  }
}
