package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Linked devices and per-device queues on in-memory ports. */
class LinkedDevicesRulesTest {

  private final CoreFixture core = new CoreFixture();
  private final Session alice = core.register(TestPhones.next());
  private final Session bob = core.register(TestPhones.next());

  @Test
  void aMessageToAPhoneIsStoredOnceInEachOfItsDevicesQueuesUnderOneIdAndPushedToEach() {
    Session bobsLaptop = core.link(bob, "laptop");
    Session bobsTablet = core.link(bob, "tablet");

    MessageQueue.Stored stored = core.messaging.send(alice, bob.phone(), "c-1", "hello", null);

    for (Session device : List.of(bob, bobsLaptop, bobsTablet)) {
      assertThat(core.ports.queue.all(device.device()))
          .singleElement()
          .isInstanceOfSatisfying(
              QueueItem.Message.class,
              message -> {
                assertThat(message.messageId()).isEqualTo(stored.messageId());
                assertThat(message.fromDevice()).isEqualTo(1);
                assertThat(message.to()).isNull();
              });
      assertThat(core.ports.pusher.to(device.connectionId()))
          .extracting(QueueItem::messageId)
          .containsExactly(stored.messageId());
    }
  }

  @Test
  void aDeviceGetsEveryMessageSentAfterItsLinkedFrameThoughTheAccountsWereReadBefore() {
    // The first send leaves both accounts, each with its primary alone, in the function's cache.
    core.messaging.send(alice, bob.phone(), "c-1", "before", null);
    Session bobsLaptop = core.link(bob, "laptop");
    Session alicesLaptop = core.link(alice, "laptop");

    String after = core.messaging.send(alice, bob.phone(), "c-2", "after", null).messageId();

    assertThat(core.ports.queue.all(bobsLaptop.device()))
        .as("the recipient's new device")
        .extracting(QueueItem::messageId)
        .containsExactly(after);
    assertThat(core.ports.queue.all(alicesLaptop.device()))
        .as("the sender's new device, as a transcript")
        .extracting(QueueItem::messageId)
        .contains(after);
  }

  @Test
  void aSenderRegisteredAgainSendsAtOnceThoughItsOldAccountWasRead() {
    // Past the wait between two PINs for one number.
    core.clock.advance(Duration.ofMinutes(2));
    core.messaging.send(alice, bob.phone(), "c-1", "from the old phone", null);
    Session alicesNewPhone = core.register(alice.phone());

    String id =
        core.messaging
            .send(alicesNewPhone, bob.phone(), "c-2", "from the new one", null)
            .messageId();

    assertThat(core.ports.queue.all(bob.device())).extracting(QueueItem::messageId).contains(id);
  }

  @Test
  void theSendersOtherDevicesGetASentTranscriptAndTheSendingDeviceDoesNot() {
    Session alicesLaptop = core.link(alice, "laptop");

    MessageQueue.Stored stored =
        core.messaging.send(alicesLaptop, bob.phone(), "c-1", "from the laptop", null);

    assertThat(core.ports.queue.all(alice.device()))
        .singleElement()
        .isInstanceOfSatisfying(
            QueueItem.Message.class,
            transcript -> {
              assertThat(transcript.messageId()).isEqualTo(stored.messageId());
              assertThat(transcript.from()).isEqualTo(alice.phone());
              assertThat(transcript.fromDevice()).isEqualTo(alicesLaptop.deviceId());
              assertThat(transcript.to()).isEqualTo(bob.phone());
            });
    assertThat(core.ports.queue.all(alicesLaptop.device())).isEmpty();
    assertThat(core.ports.queue.all(bob.device()))
        .singleElement()
        .isInstanceOfSatisfying(
            QueueItem.Message.class,
            message -> assertThat(message.fromDevice()).isEqualTo(alicesLaptop.deviceId()));
  }

  @Test
  void deliveredIsQueuedForEverySenderDeviceOnlyWhenTheRecipientsPrimaryAcks() {
    Session alicesLaptop = core.link(alice, "laptop");
    Session bobsLaptop = core.link(bob, "laptop");
    String id = core.messaging.send(alice, bob.phone(), "c-1", "hi", null).messageId();
    String transcriptAtLaptop = core.ports.queue.all(alicesLaptop.device()).get(0).messageId();

    assertThat(core.messaging.ack(bobsLaptop, List.of(id))).isEqualTo(1);
    assertThat(receiptsIn(alice.device())).as("a linked device's ack").isEmpty();

    assertThat(core.messaging.ack(bob, List.of(id))).isEqualTo(1);
    for (Session device : List.of(alice, alicesLaptop)) {
      assertThat(receiptsIn(device.device()))
          .singleElement()
          .satisfies(
              receipt -> {
                assertThat(receipt.status()).isEqualTo("delivered");
                assertThat(receipt.by()).isEqualTo(bob.phone());
                assertThat(receipt.byDevice()).isEqualTo(1);
                assertThat(receipt.messageIds()).containsExactly(id);
              });
    }
    assertThat(transcriptAtLaptop).isEqualTo(id);
  }

  @Test
  void thePrimarysAckOfASentTranscriptQueuesNoReceipt() {
    Session alicesLaptop = core.link(alice, "laptop");
    String id = core.messaging.send(alicesLaptop, bob.phone(), "c-1", "hi", null).messageId();

    assertThat(core.messaging.ack(alice, List.of(id))).isEqualTo(1);

    assertThat(receiptsIn(alice.device())).isEmpty();
    assertThat(receiptsIn(alicesLaptop.device())).isEmpty();
    assertThat(receiptsIn(bob.device())).isEmpty();
  }

  @Test
  void aReadByALinkedDeviceQueuesTheReceiptForEverySenderDeviceNamingTheReadingDevice() {
    Session alicesLaptop = core.link(alice, "laptop");
    Session bobsLaptop = core.link(bob, "laptop");
    String id = core.messaging.send(alice, bob.phone(), "c-1", "hi", null).messageId();

    assertThat(core.messaging.read(bobsLaptop, alice.phone(), null, List.of(id))).isEqualTo(1);

    for (Session device : List.of(alice, alicesLaptop)) {
      assertThat(receiptsIn(device.device()))
          .singleElement()
          .satisfies(
              receipt -> {
                assertThat(receipt.status()).isEqualTo("read");
                assertThat(receipt.byDevice()).isEqualTo(bobsLaptop.deviceId());
              });
    }
  }

  @Test
  void aRetriedSendPushesTheStoredCopyToEveryDeviceStillHoldingItThoughThePrimaryAckedItsOwn() {
    Session bobsLaptop = core.link(bob, "laptop");
    core.ports.connections.lookupsUnavailable = true;
    assertThatThrownBy(() -> core.messaging.send(alice, bob.phone(), "c-1", "hi", null))
        .isInstanceOf(StorageUnavailable.class);
    core.ports.connections.lookupsUnavailable = false;
    // The primary syncs and acks its copy before the sender's retry comes.
    String id = core.ports.queue.all(bob.device()).get(0).messageId();
    core.messaging.ack(bob, List.of(id));

    MessageQueue.Stored retried = core.messaging.send(alice, bob.phone(), "c-1", "hi", null);

    assertThat(retried.duplicate()).isTrue();
    assertThat(core.ports.pusher.to(bobsLaptop.connectionId()))
        .as("the laptop, whose copy is still queued, has it before the sender's next message")
        .extracting(QueueItem::messageId)
        .containsExactly(id);
    assertThat(core.ports.pusher.to(bob.connectionId()))
        .as("the primary acked its copy: nothing is pushed to it again")
        .extracting(QueueItem::messageId)
        .doesNotContain(id);
  }

  @Test
  void aClientIdIsDedupedPerSendingDevice() {
    Session alicesLaptop = core.link(alice, "laptop");

    String fromPhone = core.messaging.send(alice, bob.phone(), "c-1", "one", null).messageId();
    String fromLaptop =
        core.messaging.send(alicesLaptop, bob.phone(), "c-1", "two", null).messageId();
    MessageQueue.Stored retried =
        core.messaging.send(alicesLaptop, bob.phone(), "c-1", "two", null);

    assertThat(fromLaptop).isNotEqualTo(fromPhone);
    assertThat(retried.duplicate()).isTrue();
    assertThat(retried.messageId()).isEqualTo(fromLaptop);
    assertThat(core.ports.queue.all(bob.device())).hasSize(2);
  }

  @Test
  void theWaitingConnectionIsToldItsKeyAndActsAsTheNewDevice() {
    String waiting = core.connect();
    LinkedDevices.Code code = core.devices.requestLink(waiting, null, "  Firefox on Linux ");

    Device linked = core.devices.approveLink(bob, code.code());

    assertThat(Base64.getUrlDecoder().decode(code.code())).hasSize(16);
    assertThat(code.validFor()).isEqualTo(Duration.ofMinutes(5));
    assertThat(linked.id()).isEqualTo(2);
    assertThat(linked.name()).isEqualTo("Firefox on Linux");
    assertThat(core.sessions.freshSession(waiting).device())
        .isEqualTo(new DeviceRef(bob.phone(), 2));
    String key = core.ports.pusher.linkedKeys.get(waiting).substring("2:".length());
    assertThat(core.registration.login(core.connect(), bob.phone(), 2, key, null))
        .isEqualTo(new DeviceRef(bob.phone(), 2));
    assertThat(
            core.registration.connect(
                "dotted", core.clock.instant(), null, basic(bob.phone() + ".2", key)))
        .hasValueSatisfying(connection -> assertThat(connection.deviceId()).isEqualTo(2));
    assertRefused(
        () -> core.registration.login(core.connect(), bob.phone(), 1, key, null),
        Refusal.Reason.WRONG_CREDENTIALS);
  }

  @Test
  void approvalsOfOneCodeRacingLinkOneDevice() throws Exception {
    String waiting = core.connect();
    String code = core.devices.requestLink(waiting, null, "laptop").code();
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Boolean>> approvals =
        IntStream.range(0, 8)
            .mapToObj(
                thread ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          awaitQuietly(start);
                          try {
                            core.devices.approveLink(bob, code);
                            return true;
                          } catch (Refusal expired) {
                            assertThat(expired.reason()).isEqualTo(Refusal.Reason.LINK_EXPIRED);
                            return false;
                          }
                        }))
            .toList();
    start.countDown();

    assertThat(approvals.stream().map(CompletableFuture::join).filter(won -> won)).hasSize(1);
    assertThat(core.ports.accounts.find(bob.phone()).orElseThrow().deviceIds())
        .containsExactly(1, 2);
  }

  @Test
  void aFifthLinkedDeviceIsRefusedWithoutUsingUpItsCode() {
    for (int i = 0; i < Account.MAX_LINKED_DEVICES; i++) {
      core.link(bob, "device " + i);
    }
    String waiting = core.connect();
    String code = core.devices.requestLink(waiting, null, "one too many").code();

    assertRefused(() -> core.devices.approveLink(bob, code), Refusal.Reason.TOO_MANY_DEVICES);

    core.devices.unlinkDevice(bob, 3);
    assertThat(core.devices.approveLink(bob, code).id()).as("ids are never reused").isEqualTo(6);
  }

  @Test
  void expiredUsedAndAbandonedCodesAreLinkExpired() {
    String expired = core.devices.requestLink(core.connect(), null, "slow").code();
    core.clock.advance(LinkedDevices.CODE_LIFETIME);
    assertRefused(() -> core.devices.approveLink(bob, expired), Refusal.Reason.LINK_EXPIRED);

    String used = core.devices.requestLink(core.connect(), null, "once").code();
    core.devices.approveLink(bob, used);
    assertRefused(() -> core.devices.approveLink(bob, used), Refusal.Reason.LINK_EXPIRED);

    String waiting = core.connect();
    String abandoned = core.devices.requestLink(waiting, null, "gone").code();
    core.ports.connections.delete(waiting);
    assertRefused(() -> core.devices.approveLink(bob, abandoned), Refusal.Reason.LINK_EXPIRED);

    assertRefused(() -> core.devices.approveLink(bob, "never-issued"), Refusal.Reason.LINK_EXPIRED);
    assertThat(core.ports.accounts.find(bob.phone()).orElseThrow().deviceIds())
        .containsExactly(1, 2);
  }

  @Test
  void aCodeWhoseLinkedPushFailsLeavesNoDeviceBehind() {
    String waiting = core.connect();
    String code = core.devices.requestLink(waiting, null, "laptop").code();
    core.ports.pusher.answers.put(waiting, ConnectionPusher.PushResult.GONE);

    assertRefused(() -> core.devices.approveLink(bob, code), Refusal.Reason.LINK_EXPIRED);

    assertThat(core.ports.accounts.find(bob.phone()).orElseThrow().deviceIds()).containsExactly(1);
    assertThat(core.ports.connections.find(waiting)).isEmpty();
  }

  @Test
  void onlyThePrimaryApprovesAndALinkedDeviceUnlinksOnlyItself() {
    Session laptop = core.link(bob, "laptop");
    Session tablet = core.link(bob, "tablet");
    String code = core.devices.requestLink(core.connect(), null, "phone").code();

    assertRefused(() -> core.devices.approveLink(laptop, code), Refusal.Reason.NOT_PRIMARY);
    assertRefused(
        () -> core.devices.unlinkDevice(laptop, tablet.deviceId()), Refusal.Reason.NOT_PRIMARY);
    assertRefused(() -> core.devices.unlinkDevice(bob, 1), Refusal.Reason.INVALID_REQUEST);
    assertRefused(() -> core.devices.unlinkDevice(bob, 9), Refusal.Reason.UNKNOWN_DEVICE);
    assertRefused(
        () -> core.registration.login(core.connect(), bob.phone(), 9, "any", null),
        Refusal.Reason.UNKNOWN_DEVICE);

    core.devices.unlinkDevice(laptop, laptop.deviceId());

    assertThat(core.ports.connections.find(laptop.connectionId()))
        .as("the unlinking connection is logged out, and still gets its answer")
        .hasValueSatisfying(connection -> assertThat(connection.isLoggedIn()).isFalse());
  }

  @Test
  void anUnlinkedDeviceIsToldClosedRevokedAndItsQueueDropped() {
    Session laptop = core.link(bob, "laptop");
    String key = core.ports.pusher.linkedKeys.values().iterator().next().substring(2);
    core.messaging.send(alice, bob.phone(), "c-1", "waiting", null);

    core.devices.unlinkDevice(bob, laptop.deviceId());

    assertThat(core.ports.pusher.unlinkedNotices).contains(laptop.connectionId());
    assertThat(core.ports.pusher.closed).contains(laptop.connectionId());
    assertThat(core.ports.queue.all(laptop.device())).isEmpty();
    assertThat(core.ports.queue.all(bob.device())).hasSize(1);
    assertRefused(
        () -> core.registration.login(core.connect(), bob.phone(), laptop.deviceId(), key, null),
        Refusal.Reason.UNKNOWN_DEVICE);
    assertRefused(
        () -> core.messaging.send(laptop, alice.phone(), "c-2", "still here?", null),
        SessionChanged.class);
  }

  @Test
  void aConnectionThatRacedTheUnlinkIsEndedAtItsNextCheck() {
    Session laptop = core.link(bob, "laptop");
    core.ports.accounts.removeDevice(bob.phone(), bob.keyGeneration(), laptop.deviceId());

    assertRefused(
        () -> core.sessions.freshSession(laptop.connectionId()), Refusal.Reason.DEVICE_UNLINKED);
    assertThat(core.ports.pusher.unlinkedNotices).contains(laptop.connectionId());
    assertThat(core.ports.pusher.closed).contains(laptop.connectionId());
  }

  @Test
  void aNewRegistrationRevokesEveryDeviceAndDropsTheLinkedQueuesButKeepsThePrimarys() {
    Session laptop = core.link(bob, "laptop");
    core.messaging.send(alice, bob.phone(), "c-1", "queued", null);
    core.clock.advance(Duration.ofMinutes(1)); // one PIN SMS a minute

    Session newPhone = core.register(bob.phone());

    assertThat(core.ports.pusher.replacedNotices)
        .contains(bob.connectionId(), laptop.connectionId());
    assertThat(core.ports.pusher.closed).contains(bob.connectionId(), laptop.connectionId());
    assertThat(core.ports.queue.all(laptop.device())).isEmpty();
    assertThat(core.ports.queue.all(newPhone.device())).hasSize(1);
    assertThat(core.ports.accounts.find(bob.phone()).orElseThrow().deviceIds()).containsExactly(1);
    assertThat(core.link(newPhone, "new laptop").deviceId())
        .as("the old account's ids stay used")
        .isEqualTo(3);
  }

  @Test
  void devicesAreListedPrimaryFirstWithLiveOnesMarked() {
    Session laptop = core.link(bob, "laptop");
    Session tablet = core.link(bob, "tablet");
    core.clock.advance(Duration.ofMinutes(1));
    core.devices.disconnected(tablet.connectionId());

    List<LinkedDevices.Listed> listed = core.devices.listDevices(laptop);

    assertThat(listed)
        .extracting(entry -> entry.device().id() + ":" + entry.device().name() + ":" + entry.live())
        .containsExactly("1:null:true", "2:laptop:true", "3:tablet:false");
    assertThat(listed.get(2).device().lastSeen()).isEqualTo(core.clock.instant());
  }

  @Test
  void aLinkCodeIsOnlyForAnAnonymousConnectionAndNamesAreChecked() {
    assertRefused(
        () -> core.devices.requestLink(bob.connectionId(), null, "laptop"),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.devices.requestLink(core.connect(), null, " "), Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.devices.requestLink(core.connect(), null, "x".repeat(65)),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.devices.requestLink(core.connect(), null, "bell\u0007"),
        Refusal.Reason.INVALID_REQUEST);
  }

  @Test
  void linkCodesAreLimitedPerSourceAddress() {
    for (int i = 0; i < 10; i++) {
      core.devices.requestLink(core.connect(), "198.51.100.4", "laptop");
    }
    assertRefused(
        () -> core.devices.requestLink(core.connect(), "198.51.100.4", "laptop"),
        Refusal.Reason.RATE_LIMITED);
    assertThat(core.devices.requestLink(core.connect(), "198.51.100.5", "laptop").code())
        .isNotEmpty();
  }

  private List<QueueItem.Receipt> receiptsIn(DeviceRef device) {
    return core.ports.queue.all(device).stream()
        .filter(QueueItem.Receipt.class::isInstance)
        .map(QueueItem.Receipt.class::cast)
        .toList();
  }

  private static String basic(String user, String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString((user + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void assertRefused(ThrowingCallable call, Refusal.Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Refusal.class, refusal -> assertThat(refusal.reason()).isEqualTo(reason));
  }

  private static void assertRefused(ThrowingCallable call, Class<? extends Throwable> type) {
    assertThatThrownBy(call).isInstanceOf(type);
  }
}
