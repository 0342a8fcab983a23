package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** RegistrationService's rules on in-memory ports: each test runs in milliseconds. */
class RegistrationRulesTest {

  private final CoreFixture core = new CoreFixture();

  @Test
  void pinSentBySmsRegistersTheNumberAndLogsTheConnectionIn() {
    String phone = TestPhones.next();
    String connection = core.connect();

    RegistrationService.PinIssued issued = core.registration.requestPin(phone, "203.0.113.1");
    RegistrationService.NewDevice device =
        core.registration.verifyPin(
            connection, phone, core.ports.sms.lastPinTo(phone), "203.0.113.1");

    assertThat(issued.validFor()).isEqualTo(RegistrationService.PIN_LIFETIME);
    assertThat(device.phone()).isEqualTo(phone);
    assertThat(Base64.getUrlDecoder().decode(device.deviceKey())).hasSize(32);
    assertThat(core.sessions.session(connection).phone()).isEqualTo(phone);
    assertThat(core.ports.accounts.find(phone).orElseThrow().devices().get(0).keyHash())
        .doesNotContain(device.deviceKey());
  }

  @Test
  void wrongGuessesCountDownAndTheSixthIsRefusedEvenWhenRight() {
    String phone = TestPhones.next();
    core.registration.requestPin(phone, null);
    String pin = core.ports.sms.lastPinTo(phone);
    String wrong = pin.equals("000000") ? "111111" : "000000";

    for (int left = RegistrationService.PIN_TRIES - 1; left >= 0; left--) {
      int expected = left;
      assertThatThrownBy(() -> core.registration.verifyPin(core.connect(), phone, wrong, null))
          .isInstanceOfSatisfying(
              Refusal.class,
              refusal -> {
                assertThat(refusal.reason()).isEqualTo(Refusal.Reason.WRONG_PIN);
                assertThat(refusal.attemptsLeft()).isEqualTo(expected);
              });
    }
    assertRefused(
        () -> core.registration.verifyPin(core.connect(), phone, pin, null),
        Refusal.Reason.TOO_MANY_ATTEMPTS);
    assertThat(core.ports.accounts.find(phone)).isEmpty();
  }

  @Test
  void pinPastItsLifetimeIsRefused() {
    String phone = TestPhones.next();
    core.registration.requestPin(phone, null);
    String pin = core.ports.sms.lastPinTo(phone);
    core.clock.advance(RegistrationService.PIN_LIFETIME);

    assertRefused(
        () -> core.registration.verifyPin(core.connect(), phone, pin, null),
        Refusal.Reason.PIN_EXPIRED);
  }

  @Test
  void aPinRegistersOnceOnly() {
    String phone = TestPhones.next();
    core.registration.requestPin(phone, null);
    String pin = core.ports.sms.lastPinTo(phone);
    core.registration.verifyPin(core.connect(), phone, pin, null);

    assertRefused(
        () -> core.registration.verifyPin(core.connect(), phone, pin, null),
        Refusal.Reason.PIN_EXPIRED);
  }

  @Test
  void registeringOnANewDeviceRevokesTheOldKeyAndEndsItsConnections() {
    String phone = TestPhones.next();
    Session old = core.register(phone);
    core.clock.advance(Duration.ofMinutes(1));

    Session current = core.register(phone);

    assertThat(current.keyGeneration()).isGreaterThan(old.keyGeneration());
    assertThat(core.ports.pusher.replacedNotices).containsExactly(old.connectionId());
    assertThat(core.ports.pusher.closed).containsExactly(old.connectionId());
    assertThat(core.ports.connections.find(old.connectionId())).isEmpty();
    assertRefused(
        () -> core.sessions.freshSession(old.connectionId()), Refusal.Reason.NOT_LOGGED_IN);
  }

  @Test
  void loginWithAWrongKeyIsRefusedAndFromOneAddressOnlySoOften() {
    String phone = TestPhones.next();
    core.registration.requestPin(phone, null);
    String key =
        core.registration
            .verifyPin(core.connect(), phone, core.ports.sms.lastPinTo(phone), null)
            .deviceKey();

    for (int i = 0; i < 3; i++) {
      assertRefused(
          () -> core.registration.login(core.connect(), phone, null, "wrong", "198.51.100.7"),
          Refusal.Reason.WRONG_CREDENTIALS);
    }
    assertRefused(
        () -> core.registration.login(core.connect(), phone, null, "wrong", "198.51.100.7"),
        Refusal.Reason.RATE_LIMITED);

    assertThat(core.registration.login(core.connect(), phone, null, key, "198.51.100.7"))
        .as("the right key always works")
        .isEqualTo(DeviceRef.primaryOf(phone));
  }

  @Test
  void connectWithAGoodBasicHeaderIsLoggedInAndWithABadOneIsRefused() {
    String phone = TestPhones.next();
    core.registration.requestPin(phone, null);
    String key =
        core.registration
            .verifyPin(core.connect(), phone, core.ports.sms.lastPinTo(phone), null)
            .deviceKey();

    assertThat(
            core.registration.connect(
                "good", core.clock.instant(), "198.51.100.8", basic(phone, key)))
        .hasValueSatisfying(connection -> assertThat(connection.phone()).isEqualTo(phone));
    assertThat(
            core.registration.connect(
                "bad", core.clock.instant(), "198.51.100.8", basic(phone, "nope")))
        .isEmpty();
    assertThat(core.ports.connections.find("bad")).isEmpty();
  }

  @Test
  void testNumberGetsNoSmsAndItsFixedPinRegistersIt() {
    core.registration.requestPin(CoreFixture.TEST_NUMBER, null);

    assertThat(core.ports.sms.byPhone).doesNotContainKey(CoreFixture.TEST_NUMBER);
    assertThat(
            core.registration
                .verifyPin(core.connect(), CoreFixture.TEST_NUMBER, CoreFixture.TEST_PIN, null)
                .phone())
        .isEqualTo(CoreFixture.TEST_NUMBER);
  }

  @Test
  void aSecondSmsWithinTheMinuteIsRefusedAndOneAfterItIsSent() {
    String phone = TestPhones.next();
    core.registration.requestPin(phone, null);

    assertRefused(() -> core.registration.requestPin(phone, null), Refusal.Reason.RATE_LIMITED);
    core.clock.advance(Duration.ofMinutes(1));
    core.registration.requestPin(phone, null);

    assertThat(core.ports.sms.byPhone.get(phone)).hasSize(2);
  }

  @Test
  void numberThatIsNotAPhoneIsRefusedAndNothingIsSent() {
    assertRefused(() -> core.registration.requestPin("+1555", null), Refusal.Reason.INVALID_PHONE);
    assertRefused(
        () -> core.registration.verifyPin(core.connect(), TestPhones.next(), "12345", null),
        Refusal.Reason.INVALID_REQUEST);
    assertThat(core.ports.sms.byPhone).isEmpty();
  }

  private static String basic(String phone, String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString((phone + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  private static void assertRefused(ThrowingCallable call, Refusal.Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Refusal.class, refusal -> assertThat(refusal.reason()).isEqualTo(reason));
  }
}
