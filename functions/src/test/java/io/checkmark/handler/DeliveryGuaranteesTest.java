package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.aws.TemplateTables;
import io.checkmark.core.MessageQueue;
import io.checkmark.core.MessagingService;
import io.checkmark.core.MutableClock;
import io.checkmark.core.Refusal;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.Session;
import io.checkmark.core.TestPhones;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.WireJson;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The delivery guarantees of protocol v2's clarifications of v1, on DynamoDB Local: sizes as
 * pushed, dedup per conversation, one delivered receipt per message under concurrent acks, checked
 * read receipts, an identity switch that takes effect at once, and per-account limits.
 */
class DeliveryGuaranteesTest {

  private static final String TEST_PIN = "123456";
  private static final int PUSH_LIMIT_BYTES = 128 * 1024;

  // Now, not a fixed date: DynamoDB Local's TTL sweeper deletes items whose expiresAt has passed in
  // real time.
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Recorders.RecordingPusher pusher = new Recorders.RecordingPusher();
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void sendWhosePushedFrameWouldExceed128KbAfterJsonEscapingIsRefused() {
    Functions functions = new Functions(Map.of());
    Session alice = functions.register();
    Session bob = functions.register();
    // 24,000 bytes of content (under the old content-only limit), six bytes each once escaped.
    String controlCharacters = "\u0001".repeat(24_000);

    assertRefused(
        () -> functions.messaging.send(alice, bob.phone(), "c-1", controlCharacters, null),
        ErrorCode.MESSAGE_TOO_LARGE);

    assertThat(queued(bob.phone())).isEmpty();
  }

  @Test
  void messageWhosePushedFrameFitsIn128KbIsAccepted() {
    Functions functions = new Functions(Map.of());
    Session alice = functions.register();
    Session bob = functions.register();

    MessageQueue.Stored accepted =
        functions.messaging.send(alice, bob.phone(), "c-1", "x".repeat(100_000), null);

    assertThat(queued(bob.phone())).containsExactly(accepted.messageId());
  }

  @Test
  void sameClientIdToAnotherRecipientIsAnotherMessageAndARetryToTheSameRecipientIsNot() {
    Functions functions = new Functions(Map.of());
    Session alice = functions.register();
    Session bob = functions.register();
    Session carol = functions.register();

    MessageQueue.Stored toBob =
        functions.messaging.send(alice, bob.phone(), "same-id", "for bob", null);
    MessageQueue.Stored toCarol =
        functions.messaging.send(alice, carol.phone(), "same-id", "for carol", null);
    MessageQueue.Stored retryToBob =
        functions.messaging.send(alice, bob.phone(), "same-id", "for bob", null);

    assertThat(toCarol.messageId()).isNotEqualTo(toBob.messageId());
    assertThat(toCarol.to()).isEqualTo(carol.phone());
    assertThat(queued(carol.phone())).containsExactly(toCarol.messageId());
    assertThat(retryToBob.messageId()).isEqualTo(toBob.messageId());
    assertThat(queued(bob.phone())).containsExactly(toBob.messageId());
  }

  @Test
  void readReceiptsCountOnlyIdsOfMessagesTheReaderReceivedFromThatSender() {
    Functions functions = new Functions(Map.of());
    Session alice = functions.register();
    Session bob = functions.register();
    Session stranger = functions.register();
    String toBob = functions.messaging.send(alice, bob.phone(), "c-1", "for bob", null).messageId();
    String toStranger =
        functions.messaging.send(bob, stranger.phone(), "c-2", "from bob", null).messageId();

    assertThat(
            functions.messaging.read(
                stranger, alice.phone(), null, List.of(toBob, toStranger, "made-up")))
        .as("ids the stranger never received from alice")
        .isZero();
    assertThat(queued(alice.phone())).as("no receipt queued when none counted").isEmpty();

    assertThat(functions.messaging.read(bob, alice.phone(), null, List.of(toBob, "made-up")))
        .isEqualTo(1);
    assertThat(queued(alice.phone())).hasSize(1);
  }

  @Test
  void concurrentAcksOfTheSameIdsQueueOneDeliveredReceiptPerMessage() throws Exception {
    Functions functions = new Functions(Map.of());
    Session alice = functions.register();
    Session bob = functions.register();
    List<String> sent = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(
            functions
                .messaging
                .send(alice, bob.phone(), "r" + round + "-" + i, "m", null)
                .messageId());
        clock.advance(Duration.ofMillis(1));
      }
      sent.addAll(ids);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> acks = new ArrayList<>();
      for (int ackers = 0; ackers < 4; ackers++) {
        acks.add(
            threads.submit(
                () -> {
                  start.await();
                  return functions.messaging.ack(bob, ids);
                }));
      }
      start.countDown();
      int acked = 0;
      for (Future<Integer> ack : acks) {
        acked += ack.get();
      }
      assertThat(acked).as("items removed in round %d, over all acks", round).isEqualTo(ids.size());
    }

    List<String> receipted = new ArrayList<>();
    for (Map<String, AttributeValue> receipt : queuedItems(alice.phone())) {
      receipt.get("ids").l().forEach(id -> receipted.add(id.s()));
    }
    assertThat(receipted)
        .as("message ids in alice's delivered receipts")
        .containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void loginAsAnotherPhoneSwitchesTheConnectionsNextSendAndSyncInAWarmFunction() {
    Switch world = new Switch();
    SyncHandler sync = new SyncHandler(world.messagingFunction.backend);
    String forBob =
        world
            .registration
            .messaging
            .send(world.carol, world.bob.phone(), "c-1", "for bob", null)
            .messageId();

    world.logInAsBob();

    world.send("b-1", "as bob");
    assertThat(pusher.pushed)
        .map(Recorders.Push::frame)
        .filteredOn(MessageFrame.class::isInstance)
        .map(frame -> (MessageFrame) frame)
        .filteredOn(frame -> frame.body().equals("as bob"))
        .singleElement()
        .extracting(MessageFrame::from)
        .isEqualTo(world.bob.phone());
    pusher.pushed.clear();
    reply(sync, world.connection, "{\"action\":\"sync\"}");
    assertThat(pusher.pushed)
        .filteredOn(push -> push.connectionId().equals(world.connection))
        .map(push -> ((MessageFrame) push.frame()).messageId())
        .containsExactly(forBob);
  }

  @Test
  void loginAsAnotherPhoneSwitchesTheConnectionsNextAckAndReadInAWarmFunction() {
    Switch world = new Switch();
    AckHandler ack = new AckHandler(world.messagingFunction.backend);
    ReadHandler read = new ReadHandler(world.messagingFunction.backend);
    String forBob =
        world
            .registration
            .messaging
            .send(world.carol, world.bob.phone(), "c-1", "for bob", null)
            .messageId();

    world.logInAsBob();

    JsonNode acked =
        reply(ack, world.connection, "{\"action\":\"ack\",\"messageIds\":[\"" + forBob + "\"]}");
    assertThat(acked.path("count").asInt()).as("ack as bob: %s", acked).isEqualTo(1);
    assertThat(queued(world.bob.phone())).doesNotContain(forBob);
    JsonNode readReply =
        reply(
            read,
            world.connection,
            "{\"action\":\"read\",\"to\":\""
                + world.carol.phone()
                + "\",\"messageIds\":[\""
                + forBob
                + "\"]}");
    assertThat(readReply.path("count").asInt()).as("read as bob: %s", readReply).isEqualTo(1);
  }

  @Test
  void sendsOverThePerAccountLimitAreRateLimitedUntilTheWindowEnds() {
    Functions functions = new Functions(Map.of("SENDS_PER_ACCOUNT_PER_10_SECONDS", "5"));
    Session alice = functions.register();
    Session bob = functions.register();
    for (int i = 0; i < 5; i++) {
      functions.messaging.send(alice, bob.phone(), "c-" + i, "m", null);
    }

    assertThatThrownBy(() -> functions.messaging.send(alice, bob.phone(), "c-5", "m", null))
        .isInstanceOfSatisfying(
            Refusal.class,
            e -> {
              assertThat(Frames.code(e.reason())).isEqualTo(ErrorCode.RATE_LIMITED);
              assertThat(e.retryAfterSeconds()).isBetween(1, 60);
            });
    assertThat(queued(bob.phone())).hasSize(5);
    clock.advance(Duration.ofMinutes(1));
    functions.messaging.send(alice, bob.phone(), "c-5", "m", null);
    assertThat(queued(bob.phone())).hasSize(6);
  }

  @Test
  void defaultSendLimitAllowsABurstOfFiftyOnTenASecondAndRefusesABurstOfAThousand() {
    Functions functions = new Functions(Map.of());
    Session alice = functions.register();
    Session bob = functions.register();
    int sent = 0;
    for (int second = 0; second < 30; second++) {
      int thisSecond = second == 17 ? 10 + 50 : 10;
      for (int i = 0; i < thisSecond; i++) {
        functions.messaging.send(alice, bob.phone(), "steady-" + sent++, "m", null);
      }
      clock.advance(Duration.ofSeconds(1));
    }

    List<ErrorCode> burst = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      try {
        functions.messaging.send(alice, bob.phone(), "burst-" + i, "m", null);
      } catch (Refusal refused) {
        burst.add(Frames.code(refused.reason()));
      }
    }
    assertThat(queued(bob.phone())).hasSizeBetween(sent, sent + 320);
    assertThat(burst).isNotEmpty().containsOnly(ErrorCode.RATE_LIMITED);
  }

  @Test
  void readsOverThePerAccountLimitAreRateLimited() {
    Functions functions = new Functions(Map.of("READS_PER_ACCOUNT_PER_10_SECONDS", "3"));
    Session alice = functions.register();
    Session bob = functions.register();
    String messageId = functions.messaging.send(alice, bob.phone(), "c-1", "m", null).messageId();
    for (int i = 0; i < 3; i++) {
      functions.messaging.read(bob, alice.phone(), null, List.of(messageId));
    }

    assertRefused(
        () -> functions.messaging.read(bob, alice.phone(), null, List.of(messageId)),
        ErrorCode.RATE_LIMITED);
  }

  @Test
  void unknownRecipientAnswersAreCappedAsDistinctNumbersPerAccountPerDay() {
    Functions functions = new Functions(Map.of("UNKNOWN_RECIPIENTS_PER_ACCOUNT_PER_DAY", "3"));
    Session alice = functions.register();
    List<String> unregistered =
        List.of(TestPhones.next(), TestPhones.next(), TestPhones.next(), TestPhones.next());
    for (int i = 0; i < 3; i++) {
      String to = unregistered.get(i);
      assertRefused(
          () -> functions.messaging.send(alice, to, "c", "m", null), ErrorCode.UNKNOWN_RECIPIENT);
    }

    assertRefused(
        () -> functions.messaging.send(alice, unregistered.get(3), "c", "m", null),
        ErrorCode.RATE_LIMITED);
    assertRefused(
        () -> functions.messaging.send(alice, unregistered.get(0), "c", "m", null),
        ErrorCode.UNKNOWN_RECIPIENT);
    clock.advance(Duration.ofDays(1));
    assertRefused(
        () -> functions.messaging.send(alice, unregistered.get(3), "c", "m", null),
        ErrorCode.UNKNOWN_RECIPIENT);
  }

  @Test
  void recipientIsKeyedByTheCanonicalFormOfItsNumber() {
    Functions functions = new Functions(Map.of());
    Session alice = functions.register();
    Session bob = functions.register();
    String number = bob.phone();
    String spelledOut =
        "+1 (" + number.substring(2, 5) + ") " + number.substring(5, 8) + "-" + number.substring(8);

    MessageQueue.Stored accepted = functions.messaging.send(alice, spelledOut, "c-1", "hi", null);

    assertThat(accepted.to()).isEqualTo(number);
    assertThat(queued(bob.phone())).containsExactly(accepted.messageId());
    assertRefused(
        () -> functions.messaging.send(alice, "+1415555", "c-2", "hi", null),
        ErrorCode.BAD_REQUEST);
  }

  /** One function instance: its own backend (and warm caches) over the shared DynamoDB Local. */
  /**
   * Alice's connection, known to a warm messaging function (another instance than the one that
   * registers) as alice's after one send, about to log in as bob; carol writes to both.
   */
  private final class Switch {
    final Functions registration = new Functions(Map.of());
    final Functions messagingFunction = new Functions(Map.of());

    /** Registered first: hers is the connection that switches. */
    final Session alice = registration.register();

    final String connection = registration.lastConnection;
    final Session bob = registration.register();
    final String bobsKey = registration.lastDeviceKey;
    final Session carol = registration.register();
    private final SendHandler send = new SendHandler(messagingFunction.backend);

    Switch() {
      JsonNode asAlice = send("a-1", "as alice");
      assertThat(asAlice.path("type").asText()).as("reply %s", asAlice).isEqualTo("accepted");
    }

    JsonNode send(String clientId, String body) {
      return reply(
          send,
          connection,
          "{\"action\":\"send\",\"to\":\""
              + carol.phone()
              + "\",\"id\":\""
              + clientId
              + "\",\"body\":\""
              + body
              + "\"}");
    }

    void logInAsBob() {
      registration.registration.login(connection, bob.phone(), null, bobsKey, null);
    }
  }

  private final class Functions {
    final Composition backend;
    final RegistrationService registration;
    final MessagingService messaging;
    String lastDeviceKey;
    String lastConnection;

    Functions(Map<String, String> settings) {
      Map<String, String> environment = new HashMap<>(TemplateTables.environmentOf("SendFunction"));
      environment.put("PIN_REQUESTS_PER_IP_PER_HOUR", "1000");
      environment.putAll(settings);
      this.backend =
          Composition.builder(environment)
              .clock(clock)
              .dynamoDb(TemplateTables.dynamoDb())
              .sms(sms)
              .pusher(pusher)
              .metrics(new MessagingTest.CountingMetrics())
              .messageIdKey(Recorders.MESSAGE_ID_KEY)
              .build();
      this.registration = backend.registrationService();
      this.messaging = backend.messagingService();
    }

    Session register() {
      String phone = TestPhones.next();
      String connection = connect();
      lastConnection = connection;
      registration.requestPin(phone, null);
      lastDeviceKey =
          registration.verifyPin(connection, phone, sms.lastPinTo(phone), null).deviceKey();
      return backend.sessions().session(connection);
    }

    String connect() {
      return registration
          .connect(UUID.randomUUID().toString(), clock.instant(), null, null)
          .orElseThrow()
          .id();
    }
  }

  private static JsonNode reply(ActionHandler<?> handler, String connection, String frame) {
    return WireJson.readTree(
        handler.handleRequest(TestEvents.message(connection, frame), TestEvents.CONTEXT).getBody());
  }

  private static List<String> queued(String owner) {
    return queuedItems(owner).stream().map(item -> item.get("id").s()).toList();
  }

  private static List<Map<String, AttributeValue>> queuedItems(String owner) {
    return TemplateTables.dynamoDb()
        .query(
            r ->
                r.tableName(TemplateTables.environmentOf("SendFunction").get("MESSAGES_TABLE"))
                    .keyConditionExpression("#q = :owner")
                    .expressionAttributeNames(Map.of("#q", "queue"))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner)))
                    .consistentRead(true))
        .items();
  }

  private static void assertRefused(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Refusal.class, e -> assertThat(Frames.code(e.reason())).isEqualTo(code));
  }
}
