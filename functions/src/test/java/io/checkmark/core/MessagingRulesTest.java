package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkmark.core.ConnectionPusher.PushResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** MessagingService's rules on in-memory ports: each test runs in milliseconds. */
class MessagingRulesTest {

  private final CoreFixture core = new CoreFixture();
  private final Session alice = core.register(TestPhones.next());
  private final Session bob = core.register(TestPhones.next());

  @Test
  void sendStoresTheMessageThenPushesItToTheRecipientsConnection() {
    MessageQueue.Stored stored = core.messaging.send(alice, bob.phone(), "c-1", "hello", null);

    assertThat(stored.duplicate()).isFalse();
    assertThat(stored.to()).isEqualTo(bob.phone());
    assertThat(core.ports.queue.all(bob.phone()))
        .extracting(QueueItem::messageId)
        .containsExactly(stored.messageId());
    assertThat(core.ports.pusher.to(bob.connectionId()))
        .singleElement()
        .isInstanceOfSatisfying(
            QueueItem.Message.class,
            message -> {
              assertThat(message.body()).isEqualTo("hello");
              assertThat(message.from()).isEqualTo(alice.phone());
              assertThat(message.clientId()).isEqualTo("c-1");
            });
  }

  @Test
  void sameClientIdToTheSameRecipientStoresOneMessage() {
    MessageQueue.Stored first = core.messaging.send(alice, bob.phone(), "c-1", "hello", null);
    MessageQueue.Stored again = core.messaging.send(alice, bob.phone(), "c-1", "hello", null);

    assertThat(again.duplicate()).isTrue();
    assertThat(again.messageId()).isEqualTo(first.messageId());
    assertThat(core.ports.queue.all(bob.phone())).hasSize(1);
    assertThat(core.ports.pusher.to(bob.connectionId()))
        .extracting(QueueItem::messageId)
        .containsOnly(first.messageId());
  }

  @Test
  void aRetriedSendPushesTheStoredCopyItsFirstTryDidNotPush() {
    // As a first try that failed between its write and its push: left to the next sync, the
    // message would reach Bob's live connection after Alice's next one.
    core.ports.connections.lookupsUnavailable = true;
    assertThatThrownBy(() -> core.messaging.send(alice, bob.phone(), "c-1", "first", null))
        .isInstanceOf(StorageUnavailable.class);
    core.ports.connections.lookupsUnavailable = false;
    MessageQueue.Stored first = core.messaging.send(alice, bob.phone(), "c-1", "first", null);
    core.clock.advance(Duration.ofMillis(1));
    core.messaging.send(alice, bob.phone(), "c-2", "second", null);

    assertThat(core.ports.pusher.to(bob.connectionId()))
        .extracting(item -> ((QueueItem.Message) item).body())
        .containsExactly("first", "second");
    assertThat(core.ports.queue.all(bob.phone()))
        .extracting(QueueItem::messageId)
        .startsWith(first.messageId())
        .hasSize(2);
  }

  @Test
  void aRetryWithTheSameIdButOtherContentPushesWhatWasStored() {
    core.ports.connections.lookupsUnavailable = true;
    assertThatThrownBy(
            () -> core.messaging.send(alice, bob.phone(), "c-1", "what was accepted", null))
        .isInstanceOf(StorageUnavailable.class);
    core.ports.connections.lookupsUnavailable = false;

    core.messaging.send(alice, bob.phone(), "c-1", "an edit slipped in", null);

    assertThat(core.ports.pusher.to(bob.connectionId()))
        .singleElement()
        .isInstanceOfSatisfying(
            QueueItem.Message.class,
            message -> assertThat(message.body()).isEqualTo("what was accepted"));
  }

  @Test
  void sameClientIdSentOnTwoThreadsAtOnceStoresOneMessage() throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<MessageQueue.Stored>> racing =
        List.of(1, 2).stream()
            .map(
                thread ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          try {
                            start.await();
                          } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                          }
                          return core.messaging.send(alice, bob.phone(), "c-race", "once", null);
                        }))
            .toList();
    start.countDown();

    assertThat(racing)
        .extracting(CompletableFuture::join)
        .extracting(MessageQueue.Stored::messageId)
        .containsOnly(racing.get(0).join().messageId());
    assertThat(core.ports.queue.all(bob.phone())).hasSize(1);
  }

  @Test
  void sameClientIdToAnotherRecipientIsAnotherMessage() {
    Session carol = core.register(TestPhones.next());

    MessageQueue.Stored toBob = core.messaging.send(alice, bob.phone(), "c-1", "hi", null);
    MessageQueue.Stored toCarol = core.messaging.send(alice, carol.phone(), "c-1", "hi", null);

    assertThat(toCarol.duplicate()).isFalse();
    assertThat(toCarol.messageId()).isNotEqualTo(toBob.messageId());
  }

  @Test
  void unknownRecipientsAreRefusedAndEachDistinctNumberCountsOnceAgainstTheDailyBudget() {
    String nobody = TestPhones.next();
    String nobodyElse = TestPhones.next();

    assertRefused(
        () -> core.messaging.send(alice, nobody, "c-1", "hi", null),
        Refusal.Reason.UNKNOWN_RECIPIENT);
    assertRefused(
        () -> core.messaging.send(alice, nobody, "c-2", "hi", null),
        Refusal.Reason.UNKNOWN_RECIPIENT);
    assertRefused(
        () -> core.messaging.send(alice, nobodyElse, "c-3", "hi", null),
        Refusal.Reason.UNKNOWN_RECIPIENT);
    assertRefused(
        () -> core.messaging.send(alice, TestPhones.next(), "c-4", "hi", null),
        Refusal.Reason.RATE_LIMITED);
  }

  @Test
  void sendsBeyondTheWindowsLimitAreRefusedWithWhenToRetryAndStoreNothing() {
    core.clock.advance(Duration.ofMillis(10_000 - core.clock.millis() % 10_000));
    for (int i = 0; i < CoreFixture.LIMITS.sendsPer10Seconds(); i++) {
      core.messaging.send(alice, bob.phone(), "c-" + i, "m", null);
    }

    assertThatThrownBy(() -> core.messaging.send(alice, bob.phone(), "c-over", "m", null))
        .isInstanceOfSatisfying(
            Refusal.class,
            refusal -> {
              assertThat(refusal.reason()).isEqualTo(Refusal.Reason.RATE_LIMITED);
              assertThat(refusal.retryAfterSeconds()).isEqualTo(10);
            });
    assertThat(core.ports.queue.all(bob.phone())).hasSize(CoreFixture.LIMITS.sendsPer10Seconds());
    core.clock.advance(Duration.ofSeconds(10));
    assertThat(core.messaging.send(alice, bob.phone(), "c-over", "m", null).duplicate()).isFalse();
  }

  @Test
  void aDuplicateSendCostsNothingAgainstTheLimit() {
    core.clock.advance(Duration.ofMillis(10_000 - core.clock.millis() % 10_000));
    for (int i = 0; i < 10; i++) {
      core.messaging.send(alice, bob.phone(), "c-same", "m", null);
    }

    assertThat(core.messaging.send(alice, bob.phone(), "c-other", "m", null).duplicate()).isFalse();
  }

  @Test
  void messageTooLargeAsPushedIsRefusedAndNothingIsStored() {
    String body = "x".repeat(MessagingService.MAX_PUSHED_MESSAGE_BYTES);

    assertRefused(
        () -> core.messaging.send(alice, bob.phone(), "c-1", body, null),
        Refusal.Reason.MESSAGE_TOO_LARGE);
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
  }

  @Test
  void malformedFieldsAreInvalidRequestsAndStoreNothing() {
    assertRefused(
        () -> core.messaging.send(alice, bob.phone(), "c-1", null, null),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.messaging.send(alice, "not a phone", "c-1", "hi", null),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.messaging.send(alice, bob.phone(), "", "hi", null),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () ->
            core.messaging.send(
                alice, bob.phone(), "c-1", null, Attachment.link("ftp://x", null, null)),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.messaging.sync(bob.device(), bob.connectionId(), 0),
        Refusal.Reason.INVALID_REQUEST);
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
  }

  @Test
  void ackRemovesTheMessageAndQueuesTheSenderExactlyOneDeliveredReceipt() {
    String id = core.messaging.send(alice, bob.phone(), "c-1", "hi", null).messageId();

    assertThat(core.messaging.ack(bob, List.of(id))).isEqualTo(1);
    assertThat(core.messaging.ack(bob, List.of(id))).as("acked again").isZero();

    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
    assertThat(core.ports.queue.all(alice.phone()))
        .singleElement()
        .isInstanceOfSatisfying(
            QueueItem.Receipt.class,
            receipt -> {
              assertThat(receipt.status()).isEqualTo("delivered");
              assertThat(receipt.by()).isEqualTo(bob.phone());
              assertThat(receipt.messageIds()).containsExactly(id);
            });
  }

  @Test
  void ackOfAReceiptRemovesItAndQueuesNothing() {
    String id = core.messaging.send(alice, bob.phone(), "c-1", "hi", null).messageId();
    core.messaging.ack(bob, List.of(id));
    String receipt = core.ports.queue.all(alice.phone()).get(0).messageId();

    assertThat(core.messaging.ack(alice, List.of(receipt))).isEqualTo(1);

    assertThat(core.ports.queue.all(alice.phone())).isEmpty();
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
  }

  @Test
  void readReceiptCountsOnlyMessagesThatSenderSentToTheReader() {
    Session carol = core.register(TestPhones.next());
    String fromAlice = core.messaging.send(alice, bob.phone(), "c-1", "hi", null).messageId();
    String fromCarol = core.messaging.send(carol, bob.phone(), "c-2", "hi", null).messageId();
    String aliceToCarol = core.messaging.send(alice, carol.phone(), "c-3", "hi", null).messageId();

    assertThat(
            core.messaging.read(
                bob, alice.phone(), null, List.of(fromAlice, fromCarol, aliceToCarol)))
        .isEqualTo(1);

    assertThat(core.ports.queue.all(alice.phone()))
        .singleElement()
        .isInstanceOfSatisfying(
            QueueItem.Receipt.class,
            receipt -> {
              assertThat(receipt.status()).isEqualTo("read");
              assertThat(receipt.messageIds()).containsExactly(fromAlice);
            });
  }

  @Test
  void syncPushesTheOldestItemsFirstInPagesAndSaysWhetherMoreWait() {
    for (int i = 0; i < 3; i++) {
      core.messaging.send(alice, bob.phone(), "c-" + i, "m" + i, null);
      core.clock.advance(Duration.ofMillis(1));
    }
    String later = core.connect();

    assertThat(core.messaging.sync(bob.device(), later, 2))
        .isEqualTo(new MessagingService.SyncPage(2, true));
    assertThat(core.ports.pusher.to(later))
        .extracting(item -> ((QueueItem.Message) item).body())
        .containsExactly("m0", "m1");
    assertThat(core.messaging.sync(bob.device(), later, 5))
        .isEqualTo(new MessagingService.SyncPage(3, false));
  }

  @Test
  void syncSetsAsideAnItemThatCanNeverBePushedAndGoesOnWithTheRest() {
    core.messaging.send(alice, bob.phone(), "c-1", "one", null);
    String later = core.connect();
    core.ports.pusher.answers.put(later, PushResult.TOO_LARGE);

    MessagingService.SyncPage page = core.messaging.sync(bob.device(), later, 10);

    assertThat(page).isEqualTo(new MessagingService.SyncPage(0, false));
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
    assertThat(core.ports.queue.setAside).hasSize(1);
  }

  @Test
  void aPushThatFailsForNowEndsThePageAndLeavesTheItemQueued() {
    core.messaging.send(alice, bob.phone(), "c-1", "one", null);
    String later = core.connect();
    core.ports.pusher.answers.put(later, PushResult.FAILED);

    assertThat(core.messaging.sync(bob.device(), later, 10))
        .isEqualTo(new MessagingService.SyncPage(0, true));
    assertThat(core.ports.queue.all(bob.phone())).hasSize(1);
  }

  @Test
  void aConnectionThatMissedAPushIsClosedSoThatItsDeviceSyncsBeforeAnyLaterPush() {
    // Left open, it would get Alice's next message live while this one waits for a sync.
    core.ports.pusher.answers.put(bob.connectionId(), PushResult.FAILED);

    core.messaging.send(alice, bob.phone(), "c-1", "missed", null);

    assertThat(core.ports.pusher.closed).containsExactly(bob.connectionId());
    assertThat(core.ports.connections.find(bob.connectionId()))
        .as("forgotten, should the gateway not close it")
        .isEmpty();
    assertThat(core.ports.queue.all(bob.phone())).hasSize(1);
  }

  @Test
  void aConnectionAnsweredGoneIsClosedAsWellWhateverItsAge() {
    core.ports.pusher.answers.put(bob.connectionId(), PushResult.GONE);

    core.messaging.send(alice, bob.phone(), "c-1", "hi", null);

    assertThat(core.ports.pusher.closed).containsExactly(bob.connectionId());
  }

  @Test
  void aPushAnsweredGoneForAConnectionOlderThanTheHandshakeGraceForgetsItsRow() {
    core.clock.advance(ConnectionStore.HANDSHAKE_GRACE.plusMillis(1));
    core.ports.pusher.answers.put(bob.connectionId(), PushResult.GONE);

    core.messaging.send(alice, bob.phone(), "c-1", "hi", null);

    assertThat(core.ports.connections.find(bob.connectionId())).isEmpty();
    assertThat(core.ports.connections.find(alice.connectionId())).isPresent();
  }

  @Test
  void aSendWhosePushCannotLookUpConnectionsFailsAndItsRetryPushesTheOneStoredCopy() {
    core.ports.connections.lookupsUnavailable = true;

    assertThatThrownBy(() -> core.messaging.send(alice, bob.phone(), "c-1", "hi", null))
        .isInstanceOf(StorageUnavailable.class);
    core.ports.connections.lookupsUnavailable = false;
    MessageQueue.Stored retried = core.messaging.send(alice, bob.phone(), "c-1", "hi", null);

    assertThat(retried.duplicate()).isTrue();
    assertThat(core.ports.queue.all(bob.phone()))
        .extracting(QueueItem::messageId)
        .containsExactly(retried.messageId());
    assertThat(core.ports.pusher.to(bob.connectionId()))
        .extracting(QueueItem::messageId)
        .containsExactly(retried.messageId());
  }

  @Test
  void anAckWhoseReceiptPushCannotLookUpConnectionsStillRemovesTheItemAndQueuesItsReceipt() {
    String id = core.messaging.send(alice, bob.phone(), "c-1", "hi", null).messageId();
    core.ports.connections.lookupsUnavailable = true;

    assertThat(core.messaging.ack(bob, List.of(id))).isEqualTo(1);

    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
    assertThat(core.ports.queue.all(alice.phone()))
        .singleElement()
        .isInstanceOf(QueueItem.Receipt.class);
  }

  @Test
  void aReadWhoseReceiptPushCannotLookUpConnectionsStillCountsAndQueuesOneReceipt() {
    String id = core.messaging.send(alice, bob.phone(), "c-1", "hi", null).messageId();
    core.ports.connections.lookupsUnavailable = true;

    assertThat(core.messaging.read(bob, alice.phone(), null, List.of(id))).isEqualTo(1);

    assertThat(core.ports.queue.all(alice.phone()))
        .singleElement()
        .isInstanceOf(QueueItem.Receipt.class);
  }

  @Test
  void aSendFromAConnectionNowLoggedInAsSomeoneElseStoresNothing() {
    core.ports.connections.bind(alice.connectionId(), bob.device(), bob.keyGeneration());

    assertThatThrownBy(() -> core.messaging.send(alice, bob.phone(), "c-1", "hi", null))
        .isInstanceOf(SessionChanged.class);
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
  }

  private static void assertRefused(ThrowingCallable call, Refusal.Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Refusal.class, refusal -> assertThat(refusal.reason()).isEqualTo(reason));
  }
}
