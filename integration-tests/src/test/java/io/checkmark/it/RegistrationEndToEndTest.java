package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.core.RegistrationService;
import io.checkmark.local.LocalStack;
import io.checkmark.local.TestSocket;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registration over real WebSockets on the local stack, reading each PIN where a developer reads
 * it: from {@code /_aws/sns/sms-messages}.
 */
class RegistrationEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TEST_NUMBER = "+14155550100";
  private static final String TEST_PIN = "246810";
  private static LocalStack stack;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(
                    Map.of(
                        // Every test connects from 127.0.0.1.
                        "PinRequestsPerAddressPerHour", "1000",
                        "TestNumbersParameterName", "/checkmark/test-numbers"))
                .ssmParameters(Map.of("/checkmark/test-numbers", TEST_NUMBER + "=" + TEST_PIN))
                .build());
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  @Test
  void registerThenReconnectWithTheBasicHeaderThenLogInAnonymously() throws Exception {
    String phone = Phones.next();
    String deviceKey;
    try (TestSocket phoneSocket = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode pinSent =
          request(
              phoneSocket,
              "{\"action\":\"requestPin\",\"phone\":\"" + phone + "\",\"ref\":\"r1\"}");
      assertThat(pinSent.get("type").asText()).isEqualTo("pinSent");
      assertThat(pinSent.get("expiresInSeconds").asInt()).isEqualTo(600);
      assertThat(pinSent.get("ref").asText()).isEqualTo("r1");

      JsonNode sms = capturedSms(phone).get(0);
      assertThat(
              sms.get("MessageAttributes").get("AWS.SNS.SMS.SMSType").get("StringValue").asText())
          .isEqualTo("Transactional");
      JsonNode registered =
          request(
              phoneSocket,
              "{\"action\":\"verifyPin\",\"phone\":\""
                  + phone
                  + "\",\"pin\":\""
                  + pinIn(sms)
                  + "\"}");
      assertThat(registered.get("type").asText()).isEqualTo("registered");
      assertThat(registered.get("phone").asText()).isEqualTo(phone);
      deviceKey = registered.get("deviceKey").asText();
      assertThat(Base64.getUrlDecoder().decode(deviceKey)).hasSizeGreaterThanOrEqualTo(16);
    }

    try (TestSocket withHeader =
        TestSocket.connect(
            stack.webSocketUrl(), Map.of("Authorization", basic(phone, deviceKey)))) {
      assertThat(request(withHeader, "{\"action\":\"ping\"}").get("type").asText())
          .isEqualTo("pong");
    }

    try (TestSocket anonymous = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode loggedIn =
          request(
              anonymous,
              "{\"action\":\"login\",\"phone\":\""
                  + phone
                  + "\",\"deviceKey\":\""
                  + deviceKey
                  + "\"}");
      assertThat(loggedIn.get("type").asText()).isEqualTo("loggedIn");
      assertThat(loggedIn.get("phone").asText()).isEqualTo(phone);
    }
  }

  @Test
  void badHeaderRefusesTheUpgradeWith401() {
    assertThatThrownBy(
            () ->
                TestSocket.connect(
                    stack.webSocketUrl(), Map.of("Authorization", basic(Phones.next(), "nope"))))
        .isInstanceOfSatisfying(
            TestSocket.Refused.class, refused -> assertThat(refused.status()).isEqualTo(401));
    assertThatThrownBy(
            () -> TestSocket.connect(stack.webSocketUrl(), Map.of("Authorization", "Basic %%%")))
        .isInstanceOfSatisfying(
            TestSocket.Refused.class, refused -> assertThat(refused.status()).isEqualTo(401));
  }

  @Test
  void wrongPinCountsDown() throws Exception {
    String phone = Phones.next();
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      request(socket, "{\"action\":\"requestPin\",\"phone\":\"" + phone + "\"}");
      String wrong = pinIn(capturedSms(phone).get(0)).equals("000000") ? "111111" : "000000";

      JsonNode error =
          request(
              socket,
              "{\"action\":\"verifyPin\",\"phone\":\"" + phone + "\",\"pin\":\"" + wrong + "\"}");

      assertThat(error.get("code").asText()).isEqualTo("INVALID_PIN");
      assertThat(error.get("attemptsLeft").asInt()).isEqualTo(4);
    }
  }

  @Test
  void secondRequestWithinAMinuteIsRateLimitedAndNoSecondSmsIsCaptured() throws Exception {
    String phone = Phones.next();
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      request(socket, "{\"action\":\"requestPin\",\"phone\":\"" + phone + "\"}");

      JsonNode limited = request(socket, "{\"action\":\"requestPin\",\"phone\":\"" + phone + "\"}");

      assertThat(limited.get("code").asText()).isEqualTo("RATE_LIMITED");
      assertThat(limited.get("retryAfterSeconds").asInt()).isBetween(1, 60);
      assertThat(capturedSms(phone)).hasSize(1);
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"+1415555ABCD", "14155550123", "+1415", "+19005550123", "+449098790000"})
  void badPhonesGetInvalidPhoneAndNoSms(String phone) throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode error = request(socket, "{\"action\":\"requestPin\",\"phone\":\"" + phone + "\"}");

      assertThat(error.get("code").asText()).isEqualTo("INVALID_PHONE");
      assertThat(capturedSms(phone)).isEmpty();
    }
  }

  @Test
  void threeHundredCharacterPhoneGetsInvalidPhone() throws Exception {
    String phone = "+" + "4".repeat(299);
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      assertThat(
              request(socket, "{\"action\":\"requestPin\",\"phone\":\"" + phone + "\"}")
                  .get("code")
                  .asText())
          .isEqualTo("INVALID_PHONE");
    }
  }

  @Test
  void registeringOnASecondDeviceClosesTheFirstAndRevokesItsKey() throws Exception {
    try (TestSocket firstDevice = TestSocket.connect(stack.webSocketUrl())) {
      String oldKey = registerTestNumber(firstDevice);
      try (TestSocket firstDeviceAgain =
              TestSocket.connect(
                  stack.webSocketUrl(), Map.of("Authorization", basic(TEST_NUMBER, oldKey)));
          TestSocket secondDevice = TestSocket.connect(stack.webSocketUrl())) {
        request(firstDeviceAgain, "{\"action\":\"ping\"}");

        String newKey = registerTestNumber(secondDevice);

        for (TestSocket replaced : new TestSocket[] {firstDevice, firstDeviceAgain}) {
          JsonNode frame = JSON.readTree(replaced.next());
          assertThat(frame.get("type").asText()).isEqualTo("error");
          assertThat(frame.get("code").asText()).isEqualTo("DEVICE_REPLACED");
          assertThat(replaced.closeCode(Duration.ofSeconds(5))).isEqualTo(1000);
        }
        try (TestSocket anonymous = TestSocket.connect(stack.webSocketUrl())) {
          JsonNode refused =
              request(
                  anonymous,
                  "{\"action\":\"login\",\"phone\":\""
                      + TEST_NUMBER
                      + "\",\"deviceKey\":\""
                      + oldKey
                      + "\"}");
          assertThat(refused.get("code").asText()).isEqualTo("UNAUTHORIZED");
        }
        assertThatThrownBy(
                () ->
                    TestSocket.connect(
                        stack.webSocketUrl(), Map.of("Authorization", basic(TEST_NUMBER, oldKey))))
            .isInstanceOfSatisfying(
                TestSocket.Refused.class, refused -> assertThat(refused.status()).isEqualTo(401));
        TestSocket.connect(
                stack.webSocketUrl(), Map.of("Authorization", basic(TEST_NUMBER, newKey)))
            .close();
      }
    }
  }

  @Test
  void wrongLoginsFromItsOwnAddressNeverLockTheOwnerOut() throws Exception {
    String phone = Phones.next();
    String key = Devices.register(stack, phone);
    try (TestSocket attacker = TestSocket.connect(stack.webSocketUrl())) {
      for (int i = 0; i < 25; i++) {
        assertThat(request(attacker, login(phone, "wrong-key")).get("code").asText())
            .isIn("UNAUTHORIZED", "RATE_LIMITED");
      }
      assertThat(request(attacker, login(phone, "wrong-key")).get("code").asText())
          .isEqualTo("RATE_LIMITED");
      assertThatThrownBy(
              () ->
                  TestSocket.connect(
                      stack.webSocketUrl(), Map.of("Authorization", basic(phone, "wrong-key"))))
          .isInstanceOfSatisfying(
              TestSocket.Refused.class, refused -> assertThat(refused.status()).isEqualTo(429));

      assertThat(request(attacker, login(phone, key)).get("type").asText()).isEqualTo("loggedIn");
    }
    try (TestSocket owner =
        TestSocket.connect(stack.webSocketUrl(), Map.of("Authorization", basic(phone, key)))) {
      assertThat(request(owner, "{\"action\":\"ping\"}").get("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void aBurstOfGuessesFromSeveralConnectionsHasAtMostFiveEvaluated() throws Exception {
    String phone = Phones.next();
    List<TestSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        sockets.add(TestSocket.connect(stack.webSocketUrl()));
      }
      request(sockets.get(0), "{\"action\":\"requestPin\",\"phone\":\"" + phone + "\"}");
      String pin = pinIn(capturedSms(phone).get(0));
      List<String> guesses = new ArrayList<>();
      for (int i = 1; i <= 30; i++) {
        guesses.add(String.format("%06d", (Integer.parseInt(pin) + i) % 1_000_000));
      }
      guesses.add(15, pin);

      for (int i = 0; i < guesses.size(); i++) {
        sockets
            .get(i % sockets.size())
            .send(
                "{\"action\":\"verifyPin\",\"phone\":\""
                    + phone
                    + "\",\"pin\":\""
                    + guesses.get(i)
                    + "\"}");
      }
      List<JsonNode> replies = new ArrayList<>();
      for (int i = 0; i < guesses.size(); i++) {
        replies.add(JSON.readTree(sockets.get(i % sockets.size()).next()));
      }

      long registered =
          replies.stream()
              .filter(reply -> reply.path("type").asText().equals("registered"))
              .count();
      List<String> codes =
          replies.stream()
              .map(reply -> reply.path("code").asText())
              .filter(code -> !code.isEmpty())
              .toList();
      long evaluated = registered + codes.stream().filter("INVALID_PIN"::equals).count();
      assertThat(evaluated).isLessThanOrEqualTo(5);
      // Once the right guess has used the PIN, no PIN is pending for the ones after it.
      assertThat(codes)
          .isSubsetOf(
              "INVALID_PIN",
              "TOO_MANY_ATTEMPTS",
              registered == 1 ? "PIN_EXPIRED" : "TOO_MANY_ATTEMPTS");
      if (registered == 0) {
        assertThat(evaluated).isEqualTo(5);
      }
    } finally {
      sockets.forEach(TestSocket::close);
    }
  }

  @Test
  void twoSpellingsOfOneNumberGetOneSmsDestinationAndOneLimit() throws Exception {
    String national = Phones.next().substring(2);
    String canonical = "+1" + national;
    String spaced =
        "+1 "
            + national.substring(0, 3)
            + " "
            + national.substring(3, 6)
            + " "
            + national.substring(6);
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      assertThat(
              request(socket, "{\"action\":\"requestPin\",\"phone\":\"" + spaced + "\"}")
                  .get("phone")
                  .asText())
          .isEqualTo(canonical);
      assertThat(
              request(socket, "{\"action\":\"requestPin\",\"phone\":\"" + canonical + "\"}")
                  .get("code")
                  .asText())
          .isEqualTo("RATE_LIMITED");
      assertThat(capturedSms(canonical)).hasSize(1);
      assertThat(capturedSms(spaced)).isEmpty();
    }
  }

  private static String registerTestNumber(TestSocket socket) throws Exception {
    assertThat(
            request(socket, "{\"action\":\"requestPin\",\"phone\":\"" + TEST_NUMBER + "\"}")
                .get("type")
                .asText())
        .isEqualTo("pinSent");
    JsonNode registered =
        request(
            socket,
            "{\"action\":\"verifyPin\",\"phone\":\""
                + TEST_NUMBER
                + "\",\"pin\":\""
                + TEST_PIN
                + "\"}");
    assertThat(registered.get("type").asText()).isEqualTo("registered");
    return registered.get("deviceKey").asText();
  }

  private static String login(String phone, String deviceKey) {
    return "{\"action\":\"login\",\"phone\":\"" + phone + "\",\"deviceKey\":\"" + deviceKey + "\"}";
  }

  private static JsonNode request(TestSocket socket, String frame) throws Exception {
    return JSON.readTree(socket.send(frame).next());
  }

  private static JsonNode capturedSms(String phone) throws Exception {
    URI uri = stack.endpoint().resolve("/_aws/sns/sms-messages");
    JsonNode listing =
        JSON.readTree(
            HTTP.send(
                    HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body());
    JsonNode messages = listing.get("sms_messages").get(phone);
    return messages == null ? JSON.createArrayNode() : messages;
  }

  private static String pinIn(JsonNode sms) {
    Matcher pin = RegistrationService.PIN_IN_SMS.matcher(sms.get("Message").asText());
    assertThat(pin.find()).as("a 6-digit PIN in %s", sms).isTrue();
    return pin.group();
  }

  private static String basic(String phone, String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString((phone + ":" + key).getBytes(StandardCharsets.UTF_8));
  }
}
