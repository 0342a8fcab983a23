package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkmark.core.ConnectionPusher.PushResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** PushNotifications' rules: registration, who is pushed, collapse, and forgetting, in memory. */
class PushRulesTest {

  private final CoreFixture core = new CoreFixture();
  private final InMemoryPorts.Platforms platforms = core.ports.platforms;
  private final Session alice = core.register(TestPhones.next());
  private final Session bob = core.register(TestPhones.next());

  @Test
  void registrationRefusesAnUnknownPlatformAndMalformedTokens() {
    assertRefused(() -> core.pushes.register(alice, "webpush", "token"), "platform must be");
    assertRefused(() -> core.pushes.register(alice, null, "token"), "platform must be");
    assertRefused(() -> core.pushes.register(alice, "fcm", ""), "token must be");
    assertRefused(() -> core.pushes.register(alice, "fcm", "has space"), "token must be");
    assertRefused(() -> core.pushes.register(alice, "fcm", "x".repeat(4097)), "token must be");
    assertThat(core.ports.pushTargets.byDevice).isEmpty();
  }

  @Test
  void registrationRefusesAPlatformThisDeploymentHasNoApplicationFor() {
    platforms.supported.remove(PushPlatform.APNS);
    assertRefused(() -> core.pushes.register(alice, "apns", "a1b2"), "not set up on this server");
    assertThat(core.ports.pushTargets.byDevice).isEmpty();
  }

  @Test
  void registrationThroughAnApplicationThatCannotTakeItSaysTheOperatorMustFixIt() {
    platforms.unavailable.add(PushPlatform.FCM);
    assertRefused(() -> core.pushes.register(alice, "fcm", "token"), "the operator must fix it");
    assertThat(core.ports.pushTargets.byDevice).isEmpty();
  }

  @Test
  void registrationRefusesATokenThePlatformRefuses() {
    platforms.refusedTokens.add("bogus");
    assertRefused(() -> core.pushes.register(alice, "fcm", "bogus"), "refused this token");
    assertThat(core.ports.pushTargets.byDevice).isEmpty();
  }

  @Test
  void anOfflineDeviceIsPushedOnceForABurstOfFiftyItems() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    for (int i = 0; i < 50; i++) {
      core.pushes.wake(List.of(alice.device()));
    }
    assertThat(platforms.pushesTo(endpoint)).isEqualTo(1);
  }

  @Test
  void anOfflineDeviceIsPushedAgainOnceTheCollapseWindowHasPassed() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    core.pushes.wake(List.of(alice.device()));
    core.clock.advance(PushNotifications.COLLAPSE_WINDOW.minusSeconds(1));
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushesTo(endpoint)).isEqualTo(1);
    core.clock.advance(Duration.ofSeconds(1));
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushesTo(endpoint)).isEqualTo(2);
  }

  @Test
  void aDeviceOnlineSinceItsLastPushIsPushedAgainAtOnce() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    core.pushes.wake(List.of(alice.device()));
    core.clock.advance(Duration.ofSeconds(5));
    // It woke, synced and went back to the background.
    core.ports.accounts.lastSeen(alice.device(), alice.keyGeneration(), core.clock.instant());
    core.clock.advance(Duration.ofSeconds(1));
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushesTo(endpoint)).isEqualTo(2);
  }

  @Test
  void aConnectedDeviceIsNeverPushed() {
    core.pushes.register(alice, "fcm", "tokenA");
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushed).isEmpty();
  }

  @Test
  void aStaleConnectionCountsAsOfflineAndItsRowIsRemoved() {
    core.pushes.register(alice, "fcm", "tokenA");
    core.clock.advance(ConnectionStore.HANDSHAKE_GRACE.plusMillis(1));
    core.ports.pusher.answers.put(alice.connectionId(), PushResult.GONE);
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushed).hasSize(1);
    assertThat(core.ports.connections.find(alice.connectionId())).isEmpty();
  }

  @Test
  void aConnectionTheGatewayCallsGoneDuringItsHandshakeCountsAsOfflineButKeepsItsRow() {
    core.pushes.register(alice, "fcm", "tokenA");
    core.ports.pusher.answers.put(alice.connectionId(), PushResult.GONE);
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushed).hasSize(1);
    assertThat(core.ports.connections.find(alice.connectionId())).isPresent();
  }

  @Test
  void aDeviceWithoutATargetCostsNothingAndIsNotPushed() {
    core.devices.disconnected(bob.connectionId());
    core.pushes.wake(List.of(bob.device()));
    assertThat(platforms.pushed).isEmpty();
  }

  @Test
  void anInvalidTokenIsForgottenItsEndpointDeletedAndNeverPushedAgain() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    platforms.goneEndpoints.add(endpoint);
    core.pushes.wake(List.of(alice.device()));
    assertThat(core.ports.pushTargets.byDevice).doesNotContainKey(alice.device());
    assertThat(platforms.deleted).contains(endpoint);
    platforms.goneEndpoints.clear();
    core.clock.advance(PushNotifications.COLLAPSE_WINDOW.plusSeconds(1));
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushed).isEmpty();
  }

  @Test
  void aTokenMovedToAnotherAccountIsDetachedFromTheOldDevice() {
    String endpoint = registerAndGoOffline(alice, "shared-token");
    core.pushes.register(bob, "fcm", "shared-token");
    core.devices.disconnected(bob.connectionId());
    assertThat(core.ports.pushTargets.byDevice).doesNotContainKey(alice.device());
    assertThat(platforms.deleted).as("bob uses the endpoint now").doesNotContain(endpoint);
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushed).isEmpty();
    core.pushes.wake(List.of(bob.device()));
    assertThat(platforms.pushesTo(endpoint)).isEqualTo(1);
  }

  @Test
  void aTokenMovedToALinkedDeviceOfTheSameAccountIsDetachedFromThePrimary() {
    Session tablet = core.link(alice, "tablet");
    String endpoint = registerAndGoOffline(alice, "shared-token");
    core.pushes.register(tablet, "fcm", "shared-token");
    core.devices.disconnected(tablet.connectionId());
    core.pushes.wake(List.of(alice.device(), tablet.device()));
    assertThat(platforms.pushesTo(endpoint)).isEqualTo(1);
    assertThat(core.ports.pushTargets.byDevice.keySet()).containsExactly(tablet.device());
  }

  @Test
  void aNewTokenReplacesTheDevicesTargetAndDeletesItsPreviousEndpoint() {
    String first = registerAndGoOffline(alice, "old-token");
    core.pushes.register(alice, "fcm", "new-token");
    assertThat(platforms.deleted).containsExactly(first);
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushed).hasSize(1).doesNotContain(first);
  }

  @Test
  void registeringTheSameTokenAgainKeepsItsEndpoint() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    core.pushes.register(alice, "fcm", "tokenA");
    assertThat(platforms.deleted).isEmpty();
    assertThat(core.ports.pushTargets.byDevice.get(alice.device()).endpoint()).isEqualTo(endpoint);
  }

  @Test
  void aFailedPushFailsTheBatchAndIsTakenBackSoTheNextStoredItemPushesAgain() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    platforms.failing = true;
    assertThatThrownBy(() -> core.pushes.wake(List.of(alice.device())))
        .isInstanceOf(IllegalStateException.class);
    platforms.failing = false;
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushesTo(endpoint)).isEqualTo(1);
    assertThat(core.ports.pushTargets.byDevice).containsKey(alice.device());
  }

  @Test
  void theTargetOfARegistrationReplacedSinceIsForgottenNotPushed() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    core.clock.advance(Duration.ofMinutes(2));
    Session again = core.register(alice.phone());
    core.devices.disconnected(again.connectionId());
    core.pushes.wake(List.of(again.device()));
    assertThat(platforms.pushed).isEmpty();
    assertThat(platforms.deleted).contains(endpoint);
    assertThat(core.ports.pushTargets.byDevice).isEmpty();
  }

  @Test
  void unregisteringStopsPushesAndDeletesTheEndpoint() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    core.pushes.unregister(alice);
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushed).isEmpty();
    assertThat(platforms.deleted).containsExactly(endpoint);
  }

  @Test
  void aDeviceThatSyncedEverythingIsPushedAgainAtOnceEvenIfItsDisconnectWasNeverRecorded() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    core.pushes.wake(List.of(alice.device()));
    core.clock.advance(Duration.ofSeconds(3));
    // The app woke and synced; its connection then went stale, so no lastSeen was written.
    core.messaging.sync(alice.device(), "woken-connection", null);
    core.clock.advance(Duration.ofSeconds(1));
    core.pushes.wake(List.of(alice.device()));
    assertThat(platforms.pushesTo(endpoint)).isEqualTo(2);
  }

  @Test
  void aMessageLeftUnackedWhenTheConnectionClosesWakesTheDevice() {
    core.pushes.register(alice, "fcm", "tokenA");
    String endpoint = core.ports.pushTargets.byDevice.get(alice.device()).endpoint();
    core.clock.advance(Duration.ofSeconds(1));
    core.messaging.send(bob, alice.phone(), "c-1", "as the app closed", null);
    assertThat(core.ports.pusher.to(alice.connectionId())).as("pushed live").hasSize(1);

    core.devices.disconnected(alice.connectionId());

    assertThat(platforms.pushesTo(endpoint)).isEqualTo(1);
  }

  @Test
  void itemsQueuedBeforeAConnectionOpenedDoNotWakeTheDeviceWhenItCloses() {
    String endpoint = registerAndGoOffline(alice, "tokenA");
    core.messaging.send(bob, alice.phone(), "c-1", "one it cannot take", null);
    core.pushes.wake(List.of(alice.device()));
    core.clock.advance(Duration.ofSeconds(2));
    String fetch = "fetch-" + core.clock.instant();
    core.ports.connections.save(
        new Connection(
            fetch,
            core.clock.instant(),
            null,
            alice.phone(),
            alice.deviceId(),
            alice.keyGeneration()));
    core.clock.advance(Duration.ofSeconds(2));

    core.devices.disconnected(fetch);

    assertThat(platforms.pushesTo(endpoint)).as("the first push only").isEqualTo(1);
  }

  @Test
  void aFailedPushFailsTheBatchAfterTheOtherPhonesArePushedAndItsClaimIsTakenBack() {
    String alicesEndpoint = registerAndGoOffline(alice, "tokenA");
    String bobsEndpoint = registerAndGoOffline(bob, "tokenB");
    platforms.failingEndpoints.add(alicesEndpoint);

    assertThatThrownBy(() -> core.pushes.wake(List.of(alice.device(), bob.device())))
        .isInstanceOf(IllegalStateException.class);
    assertThat(platforms.pushesTo(bobsEndpoint)).isEqualTo(1);

    platforms.failingEndpoints.clear();
    core.pushes.wake(List.of(alice.device(), bob.device()));
    assertThat(platforms.pushesTo(alicesEndpoint)).as("retried with the batch").isEqualTo(1);
    assertThat(platforms.pushesTo(bobsEndpoint)).as("collapsed on the retry").isEqualTo(1);
  }

  @Test
  void aPreviousEndpointAnotherDeviceHoldsByNowIsNotDeleted() {
    String shared = registerAndGoOffline(alice, "shared-token");
    // Bob took the token while alice was registering another: both targets name it for a moment.
    core.ports.pushTargets.put(
        new PushTarget(
            bob.device(),
            bob.keyGeneration(),
            PushPlatform.FCM,
            shared,
            core.clock.instant(),
            null));
    core.pushes.register(alice, "fcm", "new-token");
    assertThat(platforms.deleted).doesNotContain(shared);
  }

  @Test
  void sentCollapsedFailedAndForgottenPushesAreCounted() {
    Map<String, Integer> counted = new TreeMap<>();
    Metrics metrics =
        new Metrics() {
          @Override
          public void count(String name, int count) {
            counted.merge(name, count, Integer::sum);
          }

          @Override
          public void count(String name, int count, String dimension, String value) {
            counted.merge(name + "/" + value, count, Integer::sum);
          }

          @Override
          public void seconds(String name, double seconds) {}
        };
    PushNotifications pushes =
        new PushNotifications(
            core.ports.pushTargets,
            platforms,
            core.ports.queue,
            core.ports.accounts,
            core.ports.connections,
            core.ports.pusher,
            metrics,
            core.clock);
    String endpoint = registerAndGoOffline(alice, "tokenA");
    pushes.wake(List.of(alice.device()));
    pushes.wake(List.of(alice.device()));
    core.clock.advance(PushNotifications.COLLAPSE_WINDOW);
    platforms.failing = true;
    assertThatThrownBy(() -> pushes.wake(List.of(alice.device())))
        .isInstanceOf(IllegalStateException.class);
    platforms.failing = false;
    platforms.goneEndpoints.add(endpoint);
    pushes.wake(List.of(alice.device()));

    assertThat(counted)
        .containsEntry("NotificationsSent/fcm", 1)
        .containsEntry("NotificationsCollapsed", 1)
        .containsEntry("NotificationsFailed/fcm", 1)
        .containsEntry("PushTokensForgotten", 1);
  }

  /** Registers the token for the device, then closes its connection; returns its endpoint. */
  private String registerAndGoOffline(Session device, String token) {
    core.pushes.register(device, "fcm", token);
    core.devices.disconnected(device.connectionId());
    return core.ports.pushTargets.byDevice.get(device.device()).endpoint();
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOf(Refusal.class).hasMessageContaining(message);
  }
}
