package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocking's rules on in-memory ports: what a blocked sender can and cannot reach. */
class BlockingRulesTest {

  private final CoreFixture core = new CoreFixture();
  private final Session alice = core.register(TestPhones.next());
  private final Session bob = core.register(TestPhones.next());

  @Test
  void aBlockedSendersMessageIsAcceptedButNeverStoredForTheBlocker() {
    core.blockList.block(bob, alice.phone());

    MessageQueue.Stored stored = core.messaging.send(alice, bob.phone(), "c-1", "hi", null);

    assertThat(stored.duplicate()).isFalse();
    assertThat(stored.messageId()).isNotBlank();
    assertThat(stored.to()).isEqualTo(bob.phone());
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
    assertThat(core.ports.pusher.to(bob.connectionId())).isEmpty();
    assertThat(core.ports.queue.all(alice.phone())).as("no receipt, ever").isEmpty();
  }

  @Test
  void aBlockedSendersRetryGetsTheSameAcceptedIdAndStillStoresNothing() {
    core.blockList.block(bob, alice.phone());
    MessageQueue.Stored first = core.messaging.send(alice, bob.phone(), "c-1", "hi", null);

    MessageQueue.Stored again = core.messaging.send(alice, bob.phone(), "c-1", "hi", null);

    assertThat(again.duplicate()).isTrue();
    assertThat(again.messageId()).isEqualTo(first.messageId());
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
  }

  @Test
  void aBlockedSendersOtherDevicesStillGetTheTranscriptAsIfNothingHappened() {
    Session alicesLaptop = core.link(alice, "laptop");
    core.blockList.block(bob, alice.phone());

    String id = core.messaging.send(alice, bob.phone(), "c-1", "hi", null).messageId();

    assertThat(core.ports.queue.all(alicesLaptop.device()))
        .singleElement()
        .isInstanceOfSatisfying(
            QueueItem.Message.class,
            transcript -> {
              assertThat(transcript.messageId()).isEqualTo(id);
              assertThat(transcript.to()).isEqualTo(bob.phone());
            });
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
  }

  @Test
  void aBlockHoldsOnAWarmFunctionOnceItsAccountReuseHasPassed() {
    core.messaging.send(alice, bob.phone(), "c-1", "before", null);
    core.blockList.block(bob, alice.phone());
    core.clock.advance(MessagingService.ACCOUNT_REUSE);

    core.messaging.send(alice, bob.phone(), "c-2", "after", null);

    assertThat(core.ports.queue.all(bob.phone()))
        .extracting(item -> ((QueueItem.Message) item).body())
        .containsExactly("before");
  }

  @Test
  void afterUnblockMessagesArriveAgainButThoseSentWhileBlockedNever() {
    core.blockList.block(bob, alice.phone());
    core.messaging.send(alice, bob.phone(), "c-1", "while blocked", null);
    core.blockList.unblock(bob, alice.phone());
    core.clock.advance(MessagingService.ACCOUNT_REUSE);

    core.messaging.send(alice, bob.phone(), "c-2", "after", null);

    assertThat(core.ports.queue.all(bob.phone()))
        .extracting(item -> ((QueueItem.Message) item).body())
        .containsExactly("after");
  }

  @Test
  void theBlockerMayStillWriteToTheBlockedPhone() {
    core.blockList.block(bob, alice.phone());

    core.messaging.send(bob, alice.phone(), "c-1", "hi", null);

    assertThat(core.ports.queue.all(alice.phone())).hasSize(1);
  }

  @Test
  void aBlockedMembersGroupMessagesStillReachTheBlocker() {
    String group = core.groups.create(alice, "Team", List.of(bob.phone())).id();
    core.deliverGroupEvents();
    core.blockList.block(bob, alice.phone());

    core.groups.send(alice, group, "c-1", "to all", null);
    core.deliverGroupEvents();

    assertThat(core.ports.queue.all(bob.phone()))
        .filteredOn(QueueItem.Message.class::isInstance)
        .extracting(item -> ((QueueItem.Message) item).body())
        .containsExactly("to all");
  }

  @Test
  void theBlockListIsKeptInE164OnceEachAndInOrder() {
    String carol = TestPhones.next();
    assertThat(core.blockList.block(bob, carol)).isEqualTo(carol);
    core.blockList.block(bob, alice.phone());
    core.blockList.block(bob, carol);

    assertThat(core.blockList.blocked(bob))
        .containsExactlyElementsOf(List.of(alice.phone(), carol).stream().sorted().toList());
    assertThat(core.blockList.unblock(bob, carol)).isEqualTo(carol);
    assertThat(core.blockList.blocked(bob)).containsExactly(alice.phone());
    core.blockList.unblock(bob, carol);
    assertThat(core.blockList.blocked(bob)).containsExactly(alice.phone());
  }

  @Test
  void anUnregisteredNumberMayBeBlockedSoThatBlockingTellsNothing() {
    String nobody = TestPhones.next();

    assertThat(core.blockList.block(bob, nobody)).isEqualTo(nobody);
    assertThat(core.blockList.blocked(bob)).containsExactly(nobody);
  }

  @Test
  void blockingOnesOwnOrAMalformedNumberIsRefusedAndChangesNothing() {
    assertRefused(() -> core.blockList.block(bob, bob.phone()), "your own number");
    assertRefused(() -> core.blockList.block(bob, "12"), "valid phone number");
    assertRefused(() -> core.blockList.block(bob, null), "valid phone number");
    assertRefused(() -> core.blockList.unblock(bob, "not a phone"), "valid phone number");
    assertThat(core.blockList.blocked(bob)).isEmpty();
  }

  @Test
  void aFullBlockListRefusesAnotherNumberButNotOneAlreadyInIt() {
    for (int i = 0; i < BlockList.MAX_BLOCKED; i++) {
      core.ports.accounts.block(
          bob.phone(), bob.keyGeneration(), "+1212555" + (1_000 + i), BlockList.MAX_BLOCKED);
    }

    assertRefused(() -> core.blockList.block(bob, alice.phone()), "unblock one");
    assertThat(core.blockList.block(bob, "+12125551000")).isEqualTo("+12125551000");
    assertThat(core.blockList.blocked(bob)).hasSize(BlockList.MAX_BLOCKED);
  }

  @Test
  void aBlockFromAReplacedRegistrationIsNotRecorded() {
    core.clock.advance(Duration.ofMinutes(1));
    core.register(bob.phone());

    assertThatThrownBy(() -> core.blockList.block(bob, alice.phone()))
        .isInstanceOf(SessionChanged.class);
    assertThat(core.ports.accounts.find(bob.phone()).orElseThrow().blocked()).isEmpty();
  }

  @Test
  void aNewRegistrationOfTheNumberKeepsItsBlocksAndPrivacy() {
    core.blockList.block(bob, alice.phone());
    core.presence.setLastSeenPrivacy(bob, "nobody");

    core.clock.advance(Duration.ofMinutes(1));
    Session bobAgain = core.register(bob.phone());

    assertThat(core.blockList.blocked(bobAgain)).containsExactly(alice.phone());
    assertThat(core.ports.accounts.find(bob.phone()).orElseThrow().hidesLastSeen()).isTrue();
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Refusal.class,
            refusal -> {
              assertThat(refusal.reason()).isEqualTo(Refusal.Reason.INVALID_REQUEST);
              assertThat(refusal.getMessage()).contains(message);
            });
  }
}
