package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkmark.aws.TemplateTables;
import io.checkmark.core.Attachment;
import io.checkmark.core.ConnectionStore;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.MediaStore;
import io.checkmark.core.MessageIds;
import io.checkmark.core.MessageQueue;
import io.checkmark.core.MessagingService;
import io.checkmark.core.Metrics;
import io.checkmark.core.MutableClock;
import io.checkmark.core.Refusal;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.Session;
import io.checkmark.core.TestPhones;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.Media;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Delivery through the real Messages table on DynamoDB Local, with a recording management API. */
class MessagingTest {

  // Now, not a fixed date: DynamoDB Local's TTL sweeper deletes items whose expiresAt has passed in
  // real time.
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Recorders.RecordingPusher pusher = new Recorders.RecordingPusher();
  private final CountingMetrics metrics = new CountingMetrics();
  private final Map<String, String> environment = environment();
  private final Recorders.Uploads uploads = new Recorders.Uploads();
  private final Composition backend =
      Composition.builder(environment)
          .clock(clock)
          .dynamoDb(TemplateTables.dynamoDb())
          .sms(sms)
          .pusher(pusher)
          .metrics(metrics)
          .messageIdKey(Recorders.MESSAGE_ID_KEY)
          .mediaStore(uploads)
          .build();
  private final RegistrationService registration = backend.registrationService();
  private final MessagingService messaging = backend.messagingService();

  @Test
  void sendStoresThenPushesToTheRecipientsConnectionAndAnswersAccepted() {
    Device alice = register();
    Device bob = register();

    MessageQueue.Stored accepted = messaging.send(alice.session, bob.phone, "c-1", "hello", null);

    assertThat(accepted.to()).isEqualTo(bob.phone);
    assertThat(accepted.acceptedAtMillis()).isEqualTo(clock.millis());
    assertThat(queued(bob.phone)).containsExactly(accepted.messageId());
    assertThat(framesTo(bob.connection))
        .singleElement()
        .isInstanceOfSatisfying(
            MessageFrame.class,
            message -> {
              assertThat(message.messageId()).isEqualTo(accepted.messageId());
              assertThat(message.from()).isEqualTo(alice.phone);
              assertThat(message.id()).isEqualTo("c-1");
              assertThat(message.body()).isEqualTo("hello");
            });
    assertThat(metrics.counts).containsEntry("MessagesAccepted", 1).containsEntry("ItemsPushed", 1);
  }

  @Test
  void messageToAnOfflineRecipientWaitsAndSyncsInOrderInPages() {
    Device alice = register();
    Device bob = register();
    backend.connections().delete(bob.connection);
    messaging.send(alice.session, bob.phone, "c-1", "one", null);
    clock.advance(Duration.ofMillis(1));
    messaging.send(alice.session, bob.phone, "c-2", "two", null);
    clock.advance(Duration.ofMillis(1));
    messaging.send(
        alice.session,
        bob.phone,
        "c-3",
        "three",
        Attachment.link("https://bucket.s3.amazonaws.com/p.jpg", "image/jpeg", "AAEC"));
    assertThat(framesTo(bob.connection)).as("pushes to an offline phone").isEmpty();
    String laterConnection = connect();
    clock.advance(Duration.ofSeconds(30));

    MessagingService.SyncPage first =
        messaging.sync(DeviceRef.primaryOf(bob.phone), laterConnection, 2);
    MessagingService.SyncPage second =
        messaging.sync(DeviceRef.primaryOf(bob.phone), laterConnection, 2);

    assertThat(first).isEqualTo(new MessagingService.SyncPage(2, true));
    assertThat(second).isEqualTo(new MessagingService.SyncPage(2, true));
    assertThat(framesTo(laterConnection))
        .extracting(frame -> ((MessageFrame) frame).body())
        .containsExactly("one", "two", "one", "two");
    assertThat(metrics.seconds.get("OldestQueuedItemAge"))
        .as("the first message waited 30.002 s")
        .isEqualTo(30.002);
    messaging.sync(DeviceRef.primaryOf(bob.phone), laterConnection, 500);
    MessageFrame withMedia = (MessageFrame) framesTo(laterConnection).get(6);
    assertThat(withMedia.media())
        .isEqualTo(new Media("https://bucket.s3.amazonaws.com/p.jpg", "image/jpeg", "AAEC"));
  }

  @Test
  void anUploadedFileIsStoredWithEveryMediaFieldAndSyncedAsSent() {
    Device alice = register();
    Device bob = register();
    backend.connections().delete(bob.connection);
    String sha256 = Base64.getEncoder().encodeToString(new byte[32]);
    String mediaId =
        backend.mediaService().requestUpload(alice.session, "audio/ogg", 4096L, sha256).mediaId();
    uploads.stored.put(mediaId, new MediaStore.Upload(4096, "audio/ogg", sha256));
    Attachment voiceNote =
        new Attachment(null, mediaId, "audio/ogg", 4096L, sha256, "a2V5", "AAEC", "note.ogg");

    messaging.send(alice.session, bob.phone, "c-1", null, voiceNote);
    String laterConnection = connect();
    messaging.sync(DeviceRef.primaryOf(bob.phone), laterConnection, 10);

    assertThat(framesTo(laterConnection))
        .singleElement()
        .isInstanceOfSatisfying(
            MessageFrame.class,
            message ->
                assertThat(message.media())
                    .isEqualTo(
                        new Media(
                            null,
                            mediaId,
                            "audio/ogg",
                            4096L,
                            sha256,
                            "a2V5",
                            "AAEC",
                            "note.ogg")));
  }

  @Test
  void ackDeletesAndQueuesTheSenderOneDeliveredReceiptListingTheMessages() {
    Device alice = register();
    Device bob = register();
    String first = messaging.send(alice.session, bob.phone, "c-1", "one", null).messageId();
    clock.advance(Duration.ofMillis(1));
    String second = messaging.send(alice.session, bob.phone, "c-2", "two", null).messageId();

    assertThat(messaging.ack(bob.session, List.of(first, second))).isEqualTo(2);

    assertThat(queued(bob.phone)).isEmpty();
    assertThat(framesTo(alice.connection))
        .singleElement()
        .isInstanceOfSatisfying(
            ReceiptFrame.class,
            receipt -> {
              assertThat(receipt.status()).isEqualTo("delivered");
              assertThat(receipt.by()).isEqualTo(bob.phone);
              assertThat(receipt.messageIds()).containsExactly(first, second);
            });
    assertThat(queued(alice.phone)).hasSize(1);
  }

  @Test
  void ackedReceiptsLeaveOnlyTheirOwnersQueueAndSetOffNothing() {
    Device alice = register();
    Device bob = register();
    Device carol = register();
    String message = messaging.send(alice.session, bob.phone, "c-1", "one", null).messageId();
    messaging.ack(bob.session, List.of(message));
    String receipt = queued(alice.phone).get(0);
    assertThat(MessageIds.isReceipt(receipt)).isTrue();
    assertThat(MessageIds.isReceipt(message)).isFalse();

    assertThat(messaging.ack(carol.session, List.of(receipt)))
        .as("someone else's receipt")
        .isZero();
    assertThat(queued(alice.phone)).containsExactly(receipt);
    assertThat(messaging.ack(alice.session, List.of(receipt))).isEqualTo(1);
    assertThat(messaging.ack(alice.session, List.of(receipt))).as("acked again").isZero();

    assertThat(queued(alice.phone)).isEmpty();
    assertThat(framesTo(bob.connection)).as("no receipt for a receipt").hasSize(1);
  }

  @Test
  void manyReceiptsAckedTogetherAreRemovedTogether() {
    Device alice = register();
    Device bob = register();
    for (int i = 0; i < 3; i++) {
      String message =
          messaging.send(alice.session, bob.phone, "c-" + i, "m" + i, null).messageId();
      messaging.ack(bob.session, List.of(message));
      clock.advance(Duration.ofMillis(1));
    }
    List<String> receipts = new ArrayList<>(queued(alice.phone));
    assertThat(receipts).hasSize(3).allMatch(MessageIds::isReceipt);
    receipts.add(receipts.get(0).substring(0, 5) + "000000000000-r");

    assertThat(messaging.ack(alice.session, receipts)).isEqualTo(3);

    assertThat(queued(alice.phone)).isEmpty();
  }

  @Test
  void repeatedAndForeignAcksDeleteNothingAndQueueNoReceipt() {
    Device alice = register();
    Device bob = register();
    Device carol = register();
    String toBob = messaging.send(alice.session, bob.phone, "c-1", "for bob", null).messageId();
    String toCarol =
        messaging.send(alice.session, carol.phone, "c-2", "for carol", null).messageId();
    messaging.ack(bob.session, List.of(toBob));
    int receiptsBefore = queued(alice.phone).size();

    assertThat(messaging.ack(bob.session, List.of(toBob))).isZero();
    assertThat(messaging.ack(bob.session, List.of(toCarol, "no-such-id"))).isZero();

    assertThat(queued(carol.phone)).containsExactly(toCarol);
    assertThat(queued(alice.phone)).hasSize(receiptsBefore);
  }

  @Test
  void readQueuesTheSenderOneReadReceipt() {
    Device alice = register();
    Device bob = register();
    String messageId = messaging.send(alice.session, bob.phone, "c-1", "read me", null).messageId();

    assertThat(messaging.read(bob.session, alice.phone, null, List.of(messageId, messageId)))
        .isEqualTo(1);

    assertThat(framesTo(alice.connection))
        .singleElement()
        .isInstanceOfSatisfying(
            ReceiptFrame.class,
            receipt -> {
              assertThat(receipt.status()).isEqualTo("read");
              assertThat(receipt.messageIds()).containsExactly(messageId);
            });
  }

  @Test
  void sameClientIdStoresOneMessageEvenWhenSendsRace() throws Exception {
    Device alice = register();
    Device bob = register();
    CountDownLatch start = new CountDownLatch(1);
    Callable<MessageQueue.Stored> send =
        () -> {
          start.await();
          return messaging.send(alice.session, bob.phone, "same-id", "once", null);
        };
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Future<MessageQueue.Stored>> racing = List.of(threads.submit(send), threads.submit(send));
    start.countDown();
    List<MessageQueue.Stored> results = new ArrayList<>();
    for (Future<MessageQueue.Stored> result : racing) {
      results.add(result.get());
    }
    results.add(messaging.send(alice.session, bob.phone, "same-id", "once", null));
    threads.shutdown();

    assertThat(results)
        .extracting(MessageQueue.Stored::messageId)
        .containsOnly(results.get(0).messageId());
    assertThat(queued(bob.phone)).containsExactly(results.get(0).messageId());
    assertThat(metrics.counts).containsEntry("MessagesAccepted", 1);
  }

  @Test
  void goneConnectionIsForgottenAndTheMessageKept() {
    Device alice = register();
    Device bob = register();
    clock.advance(ConnectionStore.HANDSHAKE_GRACE.plusMillis(1));
    pusher.closed.add(bob.connection);

    String messageId = messaging.send(alice.session, bob.phone, "c-1", "later", null).messageId();

    assertThat(queued(bob.phone)).containsExactly(messageId);
    assertThat(
            TemplateTables.dynamoDb()
                .getItem(
                    r ->
                        r.tableName(environment.get("CONNECTIONS_TABLE"))
                            .key(Map.of("id", AttributeValue.fromS(bob.connection)))
                            .consistentRead(true))
                .item())
        .isEmpty();
    assertThat(metrics.counts).containsEntry("PushFailures.gone", 1);
  }

  @Test
  void aConnectionCalledGoneIsForgottenSoThatNoLaterMessageIsPushedAheadOfTheOneItMissed() {
    Device alice = register();
    Device bob = register();
    // API Gateway answers 410 for a connection still opening, and (as faults go) now and then for
    // one that is open: either way it missed this message, which waits for its sync.
    pusher.closed.add(bob.connection);

    String messageId = messaging.send(alice.session, bob.phone, "c-1", "missed", null).messageId();
    pusher.closed.remove(bob.connection);
    clock.advance(Duration.ofMillis(1));
    messaging.send(alice.session, bob.phone, "c-2", "next", null);

    assertThat(queued(bob.phone)).startsWith(messageId).hasSize(2);
    assertThat(framesTo(bob.connection)).as("nothing pushed ahead of the missed one").isEmpty();
    assertThatThrownBy(() -> backend.sessions().freshSession(bob.connection))
        .as("its next action is refused, and the client reconnects and syncs")
        .isInstanceOf(Refusal.class);
  }

  @Test
  void messagesQueuedBeforeReregistrationStayForTheNewDevice() {
    Device alice = register();
    Device bob = register();
    String messageId =
        messaging.send(alice.session, bob.phone, "c-1", "still here", null).messageId();
    clock.advance(Duration.ofMinutes(2));

    Device bobsNewPhone = register(bob.phone);

    assertThat(queued(bob.phone)).containsExactly(messageId);
    messaging.sync(DeviceRef.primaryOf(bob.phone), bobsNewPhone.connection, 10);
    assertThat(framesTo(bobsNewPhone.connection))
        .extracting(frame -> ((MessageFrame) frame).messageId())
        .containsExactly(messageId);
  }

  @Test
  void invalidSendsAreRefusedAndStoreNothing() {
    Device alice = register();
    Device bob = register();
    String unregistered = TestPhones.next();

    assertRefused(
        () -> messaging.send(alice.session, unregistered, "c", "x", null),
        ErrorCode.UNKNOWN_RECIPIENT);
    assertRefused(
        () ->
            messaging.send(
                alice.session,
                bob.phone,
                "c",
                "x".repeat(MessagingService.MAX_PUSHED_MESSAGE_BYTES),
                null),
        ErrorCode.MESSAGE_TOO_LARGE);
    assertRefused(
        () -> messaging.send(alice.session, "bob", "c", "x", null), ErrorCode.BAD_REQUEST);
    assertRefused(
        () -> messaging.send(alice.session, bob.phone, "", "x", null), ErrorCode.BAD_REQUEST);
    assertRefused(
        () -> messaging.send(alice.session, bob.phone, "i".repeat(65), "x", null),
        ErrorCode.BAD_REQUEST);
    assertRefused(
        () -> messaging.send(alice.session, bob.phone, "c", null, null), ErrorCode.BAD_REQUEST);
    assertRefused(
        () ->
            messaging.send(
                alice.session, bob.phone, "c", "x", Attachment.link("ftp://x", null, null)),
        ErrorCode.BAD_REQUEST);
    assertRefused(
        () ->
            messaging.send(
                alice.session,
                bob.phone,
                "c",
                "x",
                Attachment.link("https://x", null, "not base64!")),
        ErrorCode.BAD_REQUEST);
    assertRefused(
        () -> messaging.sync(DeviceRef.primaryOf(bob.phone), bob.connection, 0),
        ErrorCode.BAD_REQUEST);
    assertRefused(
        () -> messaging.sync(DeviceRef.primaryOf(bob.phone), bob.connection, 501),
        ErrorCode.BAD_REQUEST);
    assertRefused(() -> messaging.ack(bob.session, List.of()), ErrorCode.BAD_REQUEST);
    assertRefused(
        () -> messaging.read(bob.session, "bob", null, List.of("x")), ErrorCode.BAD_REQUEST);

    assertThat(queued(bob.phone)).isEmpty();
    assertThat(queued(unregistered)).isEmpty();
  }

  private record Device(String phone, String connection, Session session) {}

  private Device register() {
    return register(TestPhones.next());
  }

  private Device register(String phone) {
    String connection =
        registration
            .connect(UUID.randomUUID().toString(), clock.instant(), null, null)
            .orElseThrow()
            .id();
    registration.requestPin(phone, null);
    registration.verifyPin(connection, phone, sms.lastPinTo(phone), null);
    return new Device(phone, connection, backend.sessions().session(connection));
  }

  private String connect() {
    return registration
        .connect(UUID.randomUUID().toString(), clock.instant(), null, null)
        .orElseThrow()
        .id();
  }

  private List<io.checkmark.protocol.ServerFrame> framesTo(String connectionId) {
    return pusher.pushed.stream()
        .filter(push -> push.connectionId().equals(connectionId))
        .map(Recorders.Push::frame)
        .toList();
  }

  private List<String> queued(String owner) {
    return TemplateTables.queuedIds(environment.get("MESSAGES_TABLE"), owner);
  }

  private static void assertRefused(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Refusal.class, e -> assertThat(Frames.code(e.reason())).isEqualTo(code));
  }

  private static Map<String, String> environment() {
    Map<String, String> environment = new HashMap<>(TemplateTables.environmentOf("SendFunction"));
    environment.put("PIN_REQUESTS_PER_IP_PER_HOUR", "1000");
    return environment;
  }

  /** Sums what the service counts; a dimension value is appended to the name after a dot. */
  static final class CountingMetrics implements Metrics {
    final Map<String, Integer> counts = new ConcurrentHashMap<>();
    final Map<String, Double> seconds = new ConcurrentHashMap<>();

    @Override
    public void count(String name, int count) {
      counts.merge(name, count, Integer::sum);
    }

    @Override
    public void count(String name, int count, String dimension, String value) {
      count(name + "." + value, count);
    }

    @Override
    public void seconds(String name, double value) {
      seconds.merge(name, value, Math::max);
    }
  }
}
