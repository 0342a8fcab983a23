package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkmark.core.ConnectionPusher.PushResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Typing, presence and last-seen privacy on in-memory ports. */
class PresenceRulesTest {

  private final CoreFixture core = new CoreFixture();
  private final Session alice = core.register(TestPhones.next());
  private final Session bob = core.register(TestPhones.next());

  @Test
  void typingReachesEveryLiveDeviceOfTheRecipientAndStoresNothing() {
    Session bobsLaptop = core.link(bob, "laptop");

    core.presence.typing(alice, bob.phone(), null, "typing");

    Typing expected = new Typing(alice.phone(), null, "typing");
    assertThat(core.ports.pusher.typings.get(bob.connectionId())).containsExactly(expected);
    assertThat(core.ports.pusher.typings.get(bobsLaptop.connectionId())).containsExactly(expected);
    assertThat(core.ports.pusher.typings).doesNotContainKey(alice.connectionId());
    assertThat(core.ports.queue.all(bob.device())).isEmpty();
    assertThat(core.ports.queue.all(bobsLaptop.device())).isEmpty();
    assertThat(core.ports.platforms.pushed).isEmpty();
  }

  @Test
  void aDeviceThatConnectsRightAfterATypingSignalGetsTheNextOneASecondLater() {
    core.presence.typing(alice, bob.phone(), null, "typing");
    Session bobsBrowser = core.link(bob, "browser");

    core.clock.advance(MessagingService.ACCOUNT_REUSE);
    core.presence.typing(alice, bob.phone(), null, "paused");

    assertThat(core.ports.pusher.typings.get(bobsBrowser.connectionId()))
        .containsExactly(new Typing(alice.phone(), null, "paused"));
  }

  @Test
  void aFloodOfTypingIsCutToTheBudgetPerConnectionAndTheNextSecondHasItsOwn() {
    for (int i = 0; i < 50; i++) {
      core.presence.typing(alice, bob.phone(), null, "typing");
    }
    assertThat(core.ports.pusher.typings.get(bob.connectionId()))
        .hasSize(PresenceService.TYPING_PER_SECOND);

    core.clock.advance(Duration.ofSeconds(1));
    core.presence.typing(alice, bob.phone(), null, "paused");

    assertThat(core.ports.pusher.typings.get(bob.connectionId()))
        .hasSize(PresenceService.TYPING_PER_SECOND + 1)
        .last()
        .isEqualTo(new Typing(alice.phone(), null, "paused"));
  }

  @Test
  void typingFromAPhoneTheRecipientBlocksIsDropped() {
    core.blockList.block(bob, alice.phone());

    core.presence.typing(alice, bob.phone(), null, "typing");

    assertThat(core.ports.pusher.typings).doesNotContainKey(bob.connectionId());
  }

  @Test
  void typingToAnUnregisteredOrOfflinePhoneIsDroppedWithoutAWord() {
    core.presence.typing(alice, TestPhones.next(), null, "typing");
    core.devices.disconnected(bob.connectionId());
    core.clock.advance(PresenceService.REUSE);

    core.presence.typing(alice, bob.phone(), null, "typing");

    assertThat(core.ports.pusher.typings).isEmpty();
  }

  @Test
  void typingInAGroupReachesEveryOtherMembersLiveDevicesButNotTheTypist() {
    Session carol = core.register(TestPhones.next());
    Session alicesLaptop = core.link(alice, "laptop");
    String group = core.groups.create(alice, "Team", List.of(bob.phone(), carol.phone())).id();

    core.presence.typing(bob, null, group, "typing");

    Typing expected = new Typing(bob.phone(), group, "typing");
    assertThat(core.ports.pusher.typings.get(alice.connectionId())).containsExactly(expected);
    assertThat(core.ports.pusher.typings.get(alicesLaptop.connectionId()))
        .containsExactly(expected);
    assertThat(core.ports.pusher.typings.get(carol.connectionId())).containsExactly(expected);
    assertThat(core.ports.pusher.typings).doesNotContainKey(bob.connectionId());
  }

  @Test
  void typingInAGroupOneIsNotInIsRefused() {
    Session carol = core.register(TestPhones.next());
    String group = core.groups.create(alice, "Team", List.of(bob.phone())).id();

    assertRefused(
        () -> core.presence.typing(carol, null, group, "typing"), Refusal.Reason.NOT_A_MEMBER);
    assertRefused(
        () -> core.presence.typing(carol, null, "no-such-group", "typing"),
        Refusal.Reason.UNKNOWN_GROUP);
    assertThat(core.ports.pusher.typings).isEmpty();
  }

  @Test
  void malformedTypingIsRefusedAndPushesNothing() {
    assertRefused(
        () -> core.presence.typing(alice, bob.phone(), null, "shouting"),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.presence.typing(alice, null, null, "typing"), Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.presence.typing(alice, bob.phone(), "g", "typing"),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.presence.typing(alice, "12", null, "typing"), Refusal.Reason.INVALID_REQUEST);
    assertThat(core.ports.pusher.typings).isEmpty();
  }

  @Test
  void aPhoneIsOnlineWhileAnyOfItsDevicesIsConnected() {
    Session bobsLaptop = core.link(bob, "laptop");

    assertThat(core.presence.presence(alice, bob.phone()).online()).isTrue();
    core.devices.disconnected(bob.connectionId());
    assertThat(core.presence.presence(alice, bob.phone()).online()).isTrue();
    core.devices.disconnected(bobsLaptop.connectionId());
    assertThat(core.presence.presence(alice, bob.phone()).online()).isFalse();
  }

  @Test
  void lastSeenIsTheLastDisconnectToTheMinuteAndNowWhileOnline() {
    core.clock.advance(Duration.ofSeconds(75));
    Instant online = core.clock.instant();
    assertThat(core.presence.presence(alice, bob.phone()).lastSeen()).isEqualTo(minuteOf(online));

    core.devices.disconnected(bob.connectionId());
    Instant left = core.clock.instant();
    core.clock.advance(Duration.ofMinutes(10));

    PresenceService.Seen seen = core.presence.presence(alice, bob.phone());
    assertThat(seen.online()).isFalse();
    assertThat(seen.lastSeen()).isEqualTo(minuteOf(left));
    assertThat(seen.lastSeen().toEpochMilli() % 60_000).isZero();
  }

  @Test
  void aConnectionTheGatewayNoLongerHasIsNotOnlineAndItsRowIsRemoved() {
    core.clock.advance(ConnectionStore.HANDSHAKE_GRACE.plusMillis(1));
    core.ports.pusher.answers.put(bob.connectionId(), PushResult.GONE);

    assertThat(core.presence.presence(alice, bob.phone()).online()).isFalse();
    assertThat(core.ports.connections.find(bob.connectionId())).isEmpty();
  }

  @Test
  void aConnectionTheGatewayCallsGoneDuringItsHandshakeIsNotOnlineButKeepsItsRow() {
    core.ports.pusher.answers.put(bob.connectionId(), PushResult.GONE);

    assertThat(core.presence.presence(alice, bob.phone()).online()).isFalse();
    assertThat(core.ports.connections.find(bob.connectionId())).isPresent();
  }

  @Test
  void typingAnsweredGoneForAConnectionThatConnectedAMomentAgoKeepsItsRow() {
    core.ports.pusher.answers.put(bob.connectionId(), PushResult.GONE);

    core.presence.typing(alice, bob.phone(), null, "typing");

    assertThat(core.ports.connections.find(bob.connectionId())).isPresent();
  }

  @Test
  void typingAnsweredGoneForAConnectionOlderThanTheHandshakeGraceForgetsItsRow() {
    core.clock.advance(ConnectionStore.HANDSHAKE_GRACE.plusMillis(1));
    core.ports.pusher.answers.put(bob.connectionId(), PushResult.GONE);

    core.presence.typing(alice, bob.phone(), null, "typing");

    assertThat(core.ports.connections.find(bob.connectionId())).isEmpty();
  }

  @Test
  void aPhoneThatHidesItsLastSeenShowsOnlineButNoLastSeen() {
    core.presence.setLastSeenPrivacy(bob, "nobody");

    PresenceService.Seen seen = core.presence.presence(alice, bob.phone());

    assertThat(seen.online()).isTrue();
    assertThat(seen.lastSeen()).isNull();
  }

  @Test
  void aPhoneThatHidesItsOwnLastSeenSeesNobodyElsesAndShowingItAgainRestoresBoth() {
    core.presence.setLastSeenPrivacy(alice, "nobody");
    assertThat(core.presence.presence(alice, bob.phone()).lastSeen()).isNull();

    core.presence.setLastSeenPrivacy(alice, "everyone");
    assertThat(core.presence.presence(alice, bob.phone()).lastSeen()).isNotNull();
  }

  @Test
  void aBlockersPresenceShowsTheBlockedPhoneNothing() {
    core.blockList.block(bob, alice.phone());

    PresenceService.Seen seen = core.presence.presence(alice, bob.phone());

    assertThat(seen.online()).isFalse();
    assertThat(seen.lastSeen()).isNull();
    assertThat(core.presence.presence(bob, alice.phone()).online())
        .as("the blocker still sees the blocked")
        .isTrue();
  }

  @Test
  void presenceOfAnUnregisteredNumberCountsAgainstTheDailyUnknownNumberCap() {
    String first = TestPhones.next();
    String second = TestPhones.next();
    assertRefused(() -> core.presence.presence(alice, first), Refusal.Reason.UNKNOWN_RECIPIENT);
    assertRefused(() -> core.presence.presence(alice, second), Refusal.Reason.UNKNOWN_RECIPIENT);
    core.clock.advance(Duration.ofSeconds(10));

    assertRefused(
        () -> core.presence.presence(alice, TestPhones.next()), Refusal.Reason.RATE_LIMITED);
    // The same cap as send's: a number already counted costs nothing more, a new one is refused.
    assertRefused(
        () -> core.messaging.send(alice, first, "c-1", "hi", null),
        Refusal.Reason.UNKNOWN_RECIPIENT);
    assertRefused(
        () -> core.messaging.send(alice, TestPhones.next(), "c-2", "hi", null),
        Refusal.Reason.RATE_LIMITED);
  }

  @Test
  void sendsToUnregisteredNumbersUseUpTheCapThatPresenceCounts() {
    assertRefused(
        () -> core.messaging.send(alice, TestPhones.next(), "c-1", "hi", null),
        Refusal.Reason.UNKNOWN_RECIPIENT);
    assertRefused(
        () -> core.messaging.send(alice, TestPhones.next(), "c-2", "hi", null),
        Refusal.Reason.UNKNOWN_RECIPIENT);
    core.clock.advance(Duration.ofSeconds(10));

    assertRefused(
        () -> core.presence.presence(alice, TestPhones.next()), Refusal.Reason.RATE_LIMITED);
    assertThat(core.presence.presence(alice, bob.phone()).online())
        .as("a registered number is still answered")
        .isTrue();
  }

  @Test
  void presenceQueriesAreLimitedPerAccount() {
    for (int i = 0; i < CoreFixture.PRESENCE_LIMITS.presencePer10Seconds(); i++) {
      core.presence.presence(alice, bob.phone());
    }

    assertRefused(() -> core.presence.presence(alice, bob.phone()), Refusal.Reason.RATE_LIMITED);
    assertThat(core.presence.presence(bob, alice.phone()).online())
        .as("another account's budget is its own")
        .isTrue();
  }

  @Test
  void privacyTakesOnlyEveryoneOrNobody() {
    assertRefused(
        () -> core.presence.setLastSeenPrivacy(bob, "contacts"), Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.presence.setLastSeenPrivacy(bob, null), Refusal.Reason.INVALID_REQUEST);
    assertThat(core.ports.accounts.find(bob.phone()).orElseThrow().hidesLastSeen()).isFalse();
  }

  @Test
  void actionsRecordLastSeenAtMostOnceAMinutePerDevice() {
    core.sessions.acted(bob);
    Instant first = lastSeenOf(bob);
    core.clock.advance(Duration.ofSeconds(59));
    core.sessions.acted(bob);
    assertThat(lastSeenOf(bob)).isEqualTo(first);

    core.clock.advance(Duration.ofSeconds(1));
    core.sessions.acted(bob);
    assertThat(lastSeenOf(bob)).isEqualTo(core.clock.instant());
  }

  @Test
  void aLastSeenWriteThatFailsDoesNotFailTheActionAndTheNextActionWritesIt() {
    core.ports.accounts.lastSeenUnavailable = true;
    core.clock.advance(Duration.ofSeconds(1));
    core.sessions.acted(bob);

    core.ports.accounts.lastSeenUnavailable = false;
    core.clock.advance(Duration.ofSeconds(1));
    core.sessions.acted(bob);

    assertThat(lastSeenOf(bob)).isEqualTo(core.clock.instant());
  }

  @Test
  void loggingInRecordsLastSeen() {
    String phone = TestPhones.next();
    core.registration.requestPin(phone, null);
    String key =
        core.registration
            .verifyPin(core.connect(), phone, core.ports.sms.lastPinTo(phone), null)
            .deviceKey();
    core.clock.advance(Duration.ofMinutes(5));

    core.registration.login(core.connect(), phone, null, key, null);

    assertThat(core.ports.accounts.find(phone).orElseThrow().devices().get(0).lastSeen())
        .isEqualTo(core.clock.instant());
  }

  private Instant lastSeenOf(Session session) {
    return core.ports
        .accounts
        .find(session.phone())
        .orElseThrow()
        .device(session.deviceId())
        .orElseThrow()
        .lastSeen();
  }

  private static Instant minuteOf(Instant at) {
    return Instant.ofEpochMilli(at.toEpochMilli() / 60_000 * 60_000);
  }

  private static void assertRefused(ThrowingCallable call, Refusal.Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Refusal.class, refusal -> assertThat(refusal.reason()).isEqualTo(reason));
  }
}
