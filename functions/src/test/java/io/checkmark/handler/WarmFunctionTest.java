package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkmark.aws.TemplateTables;
import io.checkmark.core.MessagingService;
import io.checkmark.core.MutableClock;
import io.checkmark.core.Refusal;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.Sessions;
import io.checkmark.core.TestPhones;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.MessageFrame;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a warm function keeps between frames (checked logins, recently read accounts), and that
 * keeping them never lets a replaced device act or be pushed to, nor keeps pushes from a new one.
 * Registration and sending run in separate functions, as in Lambda: two backends, one database.
 */
class WarmFunctionTest {

  private static final String TEST_PIN = "123456";

  // Now, not a fixed date: DynamoDB Local's TTL sweeper deletes items whose expiresAt has passed in
  // real time.
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final String alice = TestPhones.next();
  private final String bob = TestPhones.next();
  private final Map<String, String> environment = TemplateTables.environmentOf("SendFunction");
  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Recorders.RecordingPusher pusher = new Recorders.RecordingPusher();
  private final RegistrationService registrationFunction = backend().registrationService();
  private final Composition sendFunction = backend();
  private final MessagingService messaging = sendFunction.messagingService();

  @Test
  void checkedConnectionIsTrustedForAMinuteThenCheckedAgain() {
    String connection = register(alice);
    assertThat(sendFunction.sessions().session(connection).phone()).isEqualTo(alice);
    // GIVEN the row disappears behind the warm function's back
    TemplateTables.dynamoDb()
        .deleteItem(
            r ->
                r.tableName(environment.get("CONNECTIONS_TABLE"))
                    .key(Map.of("id", AttributeValue.fromS(connection))));

    clock.advance(Sessions.LOGIN_RECHECK.minusSeconds(1));
    assertThat(sendFunction.sessions().session(connection).phone())
        .as("within the minute")
        .isEqualTo(alice);

    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> sendFunction.sessions().session(connection).phone())
        .isInstanceOfSatisfying(
            Refusal.class,
            e -> assertThat(Frames.code(e.reason())).isEqualTo(ErrorCode.UNAUTHORIZED));
  }

  @Test
  void newDeviceIsPushedToWhileTheSendFunctionStillHoldsTheOldAccount() {
    String alicesConnection = register(alice);
    String bobsOldConnection = register(bob);
    messaging.send(
        sendFunction.sessions().session(alicesConnection), bob, "c-1", "to the old phone", null);

    // WHEN bob registers a new device (so the old key's connections are closed)...
    String bobsNewConnection = register(bob);
    // ...and a connection of the old key survives, as if it had raced the re-registration
    String raced = connect();
    bind(raced, bob, 1);
    messaging.send(
        sendFunction.sessions().session(alicesConnection), bob, "c-2", "to the new phone", null);

    assertThat(bodiesPushedTo(bobsNewConnection)).containsExactly("to the new phone");
    assertThat(bodiesPushedTo(raced)).isEmpty();
    assertThat(bodiesPushedTo(bobsOldConnection)).containsExactly("to the old phone");
  }

  private List<String> bodiesPushedTo(String connection) {
    return pusher.pushed.stream()
        .filter(push -> push.connectionId().equals(connection))
        .map(Recorders.Push::frame)
        .filter(MessageFrame.class::isInstance)
        .map(frame -> ((MessageFrame) frame).body())
        .toList();
  }

  private String register(String phone) {
    String connection = connect();
    registrationFunction.requestPin(phone, null);
    registrationFunction.verifyPin(connection, phone, TEST_PIN, null);
    return connection;
  }

  private String connect() {
    return registrationFunction
        .connect(UUID.randomUUID().toString(), clock.instant(), null, null)
        .orElseThrow()
        .id();
  }

  private void bind(String connection, String phone, long keyGeneration) {
    TemplateTables.dynamoDb()
        .updateItem(
            r ->
                r.tableName(environment.get("CONNECTIONS_TABLE"))
                    .key(Map.of("id", AttributeValue.fromS(connection)))
                    .updateExpression("SET phone = :phone, keyGeneration = :generation")
                    .expressionAttributeValues(
                        Map.of(
                            ":phone",
                            AttributeValue.fromS(phone),
                            ":generation",
                            AttributeValue.fromN(Long.toString(keyGeneration)))));
  }

  private Composition backend() {
    // Test numbers: a fixed PIN and no SMS limits, so a phone can register twice within the minute.
    return Composition.builder(environment)
        .clock(clock)
        .dynamoDb(TemplateTables.dynamoDb())
        .testNumbers(alice + "=" + TEST_PIN + "," + bob + "=" + TEST_PIN)
        .sms(sms)
        .pusher(pusher)
        .metrics(new MessagingTest.CountingMetrics())
        .messageIdKey(Recorders.MESSAGE_ID_KEY)
        .build();
  }
}
