package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.core.DeviceRef;
import io.checkmark.core.PushPlatform;
import io.checkmark.core.PushTarget;
import io.checkmark.core.TestPhones;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The PushTargets table on DynamoDB Local: its conditions are what make pushes collapse. */
class PushTargetsTableTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private static final Duration WINDOW = Duration.ofSeconds(30);

  private final PushTargetsTable targets =
      new PushTargetsTable(
          TemplateTables.dynamoDb(),
          TemplateTables.environmentOf("NotifyFunction").get("PUSH_TARGETS_TABLE"));
  private final String phone = TestPhones.next();
  private final DeviceRef primary = DeviceRef.primaryOf(phone);

  @Test
  void aTargetIsFoundByItsPhoneAndPuttingAnotherReturnsThePrevious() {
    PushTarget first = target(primary, "endpoint/" + UUID.randomUUID());
    PushTarget linked = target(new DeviceRef(phone, 2), "endpoint/" + UUID.randomUUID());
    assertThat(targets.put(first)).isEmpty();
    targets.put(linked);
    assertThat(targets.targetsOf(phone)).containsExactlyInAnyOrder(first, linked);

    PushTarget second = target(primary, "endpoint/" + UUID.randomUUID());
    assertThat(targets.put(second)).contains(first);
    assertThat(targets.targetsOf(phone)).containsExactlyInAnyOrder(second, linked);
  }

  @Test
  void detachingAnEndpointRemovesItFromEveryOtherDeviceOnly() {
    String endpoint = "endpoint/" + UUID.randomUUID();
    DeviceRef elsewhere = DeviceRef.primaryOf(TestPhones.next());
    targets.put(target(elsewhere, endpoint));
    PushTarget kept = target(primary, endpoint);
    targets.put(kept);

    assertThat(targets.detach(endpoint, primary)).containsExactly(elsewhere);
    assertThat(targets.targetsOf(elsewhere.phone())).isEmpty();
    assertThat(targets.targetsOf(phone)).containsExactly(kept);
  }

  @Test
  void ofManyConcurrentClaimsOfOneTargetExactlyOneWins() throws Exception {
    PushTarget target = target(primary, "endpoint/" + UUID.randomUUID());
    targets.put(target);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> claims = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Instant at = NOW.plusMillis(i);
        claims.add(() -> targets.claimPush(target, at, at.minus(WINDOW), null));
      }
      int won = 0;
      for (Future<Boolean> claim : threads.invokeAll(claims)) {
        won += claim.get() ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      threads.shutdown();
    }
  }

  @Test
  void aClaimIsRefusedWithinTheWindowAndAllowedAfterItOrOnceTheDeviceWasOnline() {
    PushTarget target = target(primary, "endpoint/" + UUID.randomUUID());
    targets.put(target);
    assertThat(targets.claimPush(target, NOW, NOW.minus(WINDOW), null)).isTrue();

    Instant soon = NOW.plusSeconds(10);
    assertThat(targets.claimPush(target, soon, soon.minus(WINDOW), null)).isFalse();
    assertThat(targets.claimPush(target, soon, soon.minus(WINDOW), NOW.minusSeconds(1))).isFalse();
    assertThat(targets.claimPush(target, soon, soon.minus(WINDOW), NOW.plusSeconds(5))).isTrue();

    Instant later = soon.plus(WINDOW);
    assertThat(targets.claimPush(target, later, later.minus(WINDOW), null)).isTrue();
    assertThat(targets.targetsOf(phone).get(0).pushedAt()).isEqualTo(later);
  }

  @Test
  void aClaimOfATargetWhoseEndpointChangedIsRefused() {
    PushTarget old = target(primary, "endpoint/" + UUID.randomUUID());
    targets.put(old);
    targets.put(target(primary, "endpoint/" + UUID.randomUUID()));
    assertThat(targets.claimPush(old, NOW, NOW.minus(WINDOW), null)).isFalse();
  }

  @Test
  void releasingTakesBackOnlyTheClaimMadeAtThatTime() {
    PushTarget target = target(primary, "endpoint/" + UUID.randomUUID());
    targets.put(target);
    targets.claimPush(target, NOW, NOW.minus(WINDOW), null);
    targets.releasePush(target, NOW.minusSeconds(1));
    assertThat(targets.targetsOf(phone).get(0).pushedAt()).isEqualTo(NOW);
    targets.releasePush(target, NOW);
    assertThat(targets.targetsOf(phone).get(0).pushedAt()).isNull();
  }

  @Test
  void forgettingRemovesTheTargetOnlyIfTheDeviceHasNotRegisteredAgainSince() {
    String endpoint = "endpoint/" + UUID.randomUUID();
    PushTarget old = target(primary, endpoint);
    targets.put(old);
    PushTarget again =
        new PushTarget(
            primary, 1, PushPlatform.FCM, endpoint, old.registeredAt().plusSeconds(1), null);
    targets.put(again);
    assertThat(targets.forget(old)).isFalse();
    assertThat(targets.forget(again)).isTrue();
    assertThat(targets.targetsOf(phone)).isEmpty();
    assertThat(targets.remove(primary)).isEmpty();
  }

  private static PushTarget target(DeviceRef device, String endpoint) {
    return new PushTarget(device, 1, PushPlatform.APNS, endpoint, NOW, null);
  }
}
