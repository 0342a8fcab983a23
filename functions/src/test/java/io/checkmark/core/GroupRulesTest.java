package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Groups and their fan-out on in-memory ports. */
class GroupRulesTest {

  private final CoreFixture core = new CoreFixture();
  private final Session alice = core.register(TestPhones.next());
  private final Session bob = core.register(TestPhones.next());
  private final Session carol = core.register(TestPhones.next());

  @Test
  void theCreatorIsTheOnlyAdminAndEveryDeviceOfEveryMemberHearsOfTheGroup() {
    Session bobsLaptop = core.link(bob, "laptop");

    Group group = core.groups.create(alice, "Friends", List.of(bob.phone(), carol.phone()));
    core.deliverGroupEvents();

    assertThat(group.members()).containsExactly(alice.phone(), bob.phone(), carol.phone());
    assertThat(group.admins()).containsExactly(alice.phone());
    for (Session device : List.of(alice, bob, bobsLaptop, carol)) {
      assertThat(core.ports.queue.all(device.device()))
          .singleElement()
          .isInstanceOfSatisfying(
              QueueItem.GroupUpdate.class,
              update -> {
                assertThat(update.change()).isEqualTo("created");
                assertThat(update.by()).isEqualTo(alice.phone());
                assertThat(update.members()).isEqualTo(group.members());
              });
      assertThat(core.ports.pusher.to(device.connectionId())).hasSize(1);
    }
  }

  @Test
  void aGroupMessageReachesEveryDeviceOfEveryOtherMemberAndTheSendersOtherDevicesOnce() {
    Session alicesLaptop = core.link(alice, "laptop");
    Session bobsTablet = core.link(bob, "tablet");
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone(), carol.phone()));
    core.deliverGroupEvents();
    clearQueues(alice, alicesLaptop, bob, bobsTablet, carol);

    MessageQueue.Stored stored = core.groups.send(alice, group.id(), "c-1", "hi all", null);
    assertThat(core.ports.queue.all(bob.device()))
        .as("stored once, not yet fanned out, when accepted")
        .isEmpty();
    core.deliverGroupEvents();

    assertThat(core.ports.queue.all(alice.device())).as("the sending device").isEmpty();
    for (Session device : List.of(alicesLaptop, bob, bobsTablet, carol)) {
      assertThat(core.ports.queue.all(device.device()))
          .singleElement()
          .isInstanceOfSatisfying(
              QueueItem.Message.class,
              message -> {
                assertThat(message.messageId()).isEqualTo(stored.messageId());
                assertThat(message.group()).isEqualTo(group.id());
                assertThat(message.from()).isEqualTo(alice.phone());
                assertThat(message.body()).isEqualTo("hi all");
              });
    }
    assertThat(core.groups.send(alice, group.id(), "c-1", "hi all", null))
        .as("the same client id again")
        .satisfies(again -> assertThat(again.duplicate()).isTrue())
        .satisfies(again -> assertThat(again.messageId()).isEqualTo(stored.messageId()));
  }

  @Test
  void aFanOutRunAgainStoresNothingTwiceNotEvenACopyItsDeviceAckedSince() {
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone(), carol.phone()));
    core.deliverGroupEvents();
    clearQueues(alice, bob, carol);
    core.groups.send(alice, group.id(), "c-1", "once", null);
    GroupEvent event = lastEvent();
    core.deliverGroupEvents();
    core.messaging.ack(bob, List.of(event.messageId()));

    assertThat(core.fanOut.deliver(event)).as("copies stored by the redelivery").isZero();

    assertThat(core.ports.queue.all(bob.device())).as("bob acked his copy").isEmpty();
    assertThat(core.ports.queue.all(carol.device())).hasSize(1);
  }

  @Test
  void aFanOutCutShortByACrashGoesOnWhereItStoppedAndEveryDeviceGetsExactlyOneCopy() {
    List<Session> devices = new ArrayList<>();
    List<String> members = new ArrayList<>();
    // 40 members with 5 devices each: 200 copies, three steps of at most 99.
    for (int i = 0; i < 40; i++) {
      Session member = core.register(TestPhones.next());
      members.add(member.phone());
      devices.add(member);
      for (int linked = 0; linked < Account.MAX_LINKED_DEVICES; linked++) {
        devices.add(core.link(member, "device " + linked));
      }
    }
    Group group = core.groups.create(alice, "Big", members);
    core.deliverGroupEvents();
    devices.forEach(device -> clearQueues(device));
    core.groups.send(alice, group.id(), "c-1", "survives", null);
    GroupEvent event = lastEvent();

    GroupFanOut crashing = fanOutFailingAtStep(2);
    assertThatThrownBy(() -> crashing.deliver(event)).hasMessageContaining("crash");
    long storedBeforeTheCrash =
        devices.stream().filter(device -> !core.ports.queue.all(device.device()).isEmpty()).count();
    assertThat(storedBeforeTheCrash).as("the first step, whole").isEqualTo(95);
    core.fanOut.deliver(event);
    core.fanOut.deliver(event);

    for (Session device : devices) {
      assertThat(core.ports.queue.all(device.device()))
          .as("queue of %s", device.device())
          .extracting(QueueItem::messageId)
          .containsExactly(event.messageId());
    }
  }

  @Test
  void twoFanOutRunsOfOneEventAtOnceStoreEachCopyOnce() {
    List<Session> devices = new ArrayList<>();
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Session member = core.register(TestPhones.next());
      members.add(member.phone());
      devices.add(member);
      devices.add(core.link(member, "laptop"));
      devices.add(core.link(member, "tablet"));
      devices.add(core.link(member, "watch"));
    }
    Group group = core.groups.create(alice, "Big", members);
    core.deliverGroupEvents();
    devices.forEach(device -> clearQueues(device));
    core.groups.send(alice, group.id(), "c-1", "once", null);
    GroupEvent event = lastEvent();

    CompletableFuture<Integer> first =
        CompletableFuture.supplyAsync(() -> core.fanOut.deliver(event));
    CompletableFuture<Integer> second =
        CompletableFuture.supplyAsync(() -> core.fanOut.deliver(event));

    assertThat(first.join() + second.join()).isEqualTo(devices.size());
    devices.forEach(device -> assertThat(core.ports.queue.all(device.device())).hasSize(1));
  }

  @Test
  void aMemberRemovedBeforeAMessageWasAcceptedNeverGetsItAndOneAddedAfterGetsNoEarlierOne() {
    Session dave = core.register(TestPhones.next());
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone(), carol.phone()));
    core.groups.update(alice, group.id(), null, null, List.of(carol.phone()), null);
    String afterRemoval =
        core.groups.send(alice, group.id(), "c-1", "carol is out", null).messageId();
    core.groups.update(alice, group.id(), null, List.of(dave.phone()), null, null);

    core.deliverGroupEvents();

    assertThat(messageIds(carol)).doesNotContain(afterRemoval);
    assertThat(messageIds(dave)).doesNotContain(afterRemoval);
    assertThat(messageIds(bob)).contains(afterRemoval);
    assertThat(core.ports.queue.all(carol.device()))
        .as("carol hears that she was removed")
        .filteredOn(QueueItem.GroupUpdate.class::isInstance)
        .map(QueueItem.GroupUpdate.class::cast)
        .anySatisfy(
            update -> {
              assertThat(update.change()).isEqualTo("updated");
              assertThat(update.members()).doesNotContain(carol.phone());
            });
  }

  @Test
  void aSendRacingAMembershipChangeGoesToTheMembersOfTheVersionItWasStoredAgainst() {
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone(), carol.phone()));
    AtomicInteger reads = new AtomicInteger();
    GroupStore racing =
        delegate(
            GroupStore.class,
            core.ports.groups,
            (method, args) -> {
              if (method.equals("find") && reads.incrementAndGet() == 1) {
                // After this read, before the send's write: carol is removed.
                Object read = core.ports.groups.find((String) args[0]);
                core.groups.update(alice, group.id(), null, null, List.of(carol.phone()), null);
                return read;
              }
              return null;
            });
    GroupService groups =
        new GroupService(
            racing,
            core.ports.accounts,
            core.ports.queue,
            core.ports.pusher,
            core.ports.limits,
            CoreFixture.GROUP_LIMITS,
            core.messageIds,
            core.media,
            core.clock,
            new java.security.SecureRandom());

    String id = groups.send(alice, group.id(), "c-1", "after all", null).messageId();
    core.deliverGroupEvents();

    assertThat(reads).as("the send read the group again").hasValue(2);
    assertThat(messageIds(carol)).doesNotContain(id);
    assertThat(messageIds(bob)).contains(id);
  }

  @Test
  void aSendFromAGroupReadBeforeAMembershipChangeActsOnTheChange() {
    Session dave = core.register(TestPhones.next());
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone(), carol.phone()));
    // The function now holds the group as it was: bob a member, dave not.
    core.groups.send(bob, group.id(), "c-1", "first", null);
    core.groups.update(alice, group.id(), null, List.of(dave.phone()), List.of(bob.phone()), null);

    assertRefused(
        () -> core.groups.send(bob, group.id(), "c-2", "still in?", null),
        Refusal.Reason.NOT_A_MEMBER);
    String fromDave = core.groups.send(dave, group.id(), "c-1", "I'm in", null).messageId();
    core.deliverGroupEvents();

    assertThat(messageIds(carol)).contains(fromDave);
    assertThat(core.ports.groups.events)
        .as("nothing stored for the removed member's send")
        .noneMatch(
            event ->
                event.item() instanceof QueueItem.Message message
                    && "still in?".equals(message.body()));
  }

  @Test
  void aDeviceLinkedAfterAFanOutReadItsAccountGetsEveryLaterGroupMessage() {
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone()));
    core.groups.send(alice, group.id(), "c-1", "before", null);
    core.deliverGroupEvents();
    Session bobsLaptop = core.link(bob, "laptop");

    String after = core.groups.send(alice, group.id(), "c-2", "after", null).messageId();
    core.deliverGroupEvents();

    assertThat(messageIds(bobsLaptop)).containsExactly(after);
  }

  @Test
  void onlyMembersSendAndRead_onlyAdminsChange_andAnUnknownGroupIsUnknownWhateverItsForm() {
    Session dave = core.register(TestPhones.next());
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone()));

    assertRefused(
        () -> core.groups.send(dave, group.id(), "c-1", "let me in", null),
        Refusal.Reason.NOT_A_MEMBER);
    assertRefused(() -> core.groups.get(dave, group.id()), Refusal.Reason.NOT_A_MEMBER);
    assertRefused(
        () -> core.groups.update(bob, group.id(), "Mine", null, null, null),
        Refusal.Reason.NOT_AN_ADMIN);
    for (String unknown : List.of("nope", "x".repeat(65), "", "../" + group.id())) {
      assertRefused(
          () -> core.groups.send(alice, unknown, "c-2", "hello?", null),
          Refusal.Reason.UNKNOWN_GROUP);
      assertRefused(() -> core.groups.leave(alice, unknown), Refusal.Reason.UNKNOWN_GROUP);
    }
    assertThat(core.groups.get(bob, group.id()).name()).isEqualTo("Friends");
  }

  @Test
  void aGroupHasAtMost1024MembersCheckedBeforeAnyIsLookedUp() {
    List<String> unregistered =
        IntStream.range(0, Group.MAX_MEMBERS)
            .mapToObj(i -> "+1202555" + String.format("%04d", i))
            .toList();

    assertRefused(
        () -> core.groups.create(alice, "Too many", unregistered), Refusal.Reason.GROUP_FULL);
    assertRefused(
        () -> core.groups.create(alice, "One unknown", List.of(bob.phone(), "+12025550199")),
        Refusal.Reason.UNKNOWN_RECIPIENT);
    assertThat(core.ports.groups.events).isEmpty();
  }

  @Test
  void aNameIsOneToAHundredCharactersCountingEmojiOnce() {
    String hundredEmoji = "\ud83d\ude00".repeat(100);

    assertThat(core.groups.create(alice, hundredEmoji, List.of(bob.phone())).name())
        .isEqualTo(hundredEmoji);
    assertRefused(
        () -> core.groups.create(alice, "x".repeat(101), List.of(bob.phone())),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () -> core.groups.create(alice, " ", List.of(bob.phone())), Refusal.Reason.INVALID_REQUEST);
  }

  @Test
  void groupCreationIsRateLimitedPerAccount() {
    for (int i = 0; i < CoreFixture.GROUP_LIMITS.groupsPerDay(); i++) {
      core.groups.create(alice, "Group " + i, List.of(bob.phone()));
    }

    assertRefused(
        () -> core.groups.create(alice, "One more", List.of(bob.phone())),
        Refusal.Reason.RATE_LIMITED);
  }

  @Test
  void whenTheLastAdminLeavesTheOldestMemberBecomesAdminAndTheLeaverIsTold() {
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone(), carol.phone()));
    core.clock.advance(java.time.Duration.ofMillis(1));

    core.groups.leave(alice, group.id());
    core.deliverGroupEvents();

    Group after = core.groups.get(bob, group.id());
    assertThat(after.members()).containsExactly(bob.phone(), carol.phone());
    assertThat(after.admins()).containsExactly(bob.phone());
    assertThat(core.ports.queue.all(alice.device()))
        .filteredOn(QueueItem.GroupUpdate.class::isInstance)
        .map(QueueItem.GroupUpdate.class::cast)
        .extracting(QueueItem.GroupUpdate::change)
        .containsExactly("created", "left");
    assertRefused(
        () -> core.groups.send(alice, group.id(), "c-1", "still here?", null),
        Refusal.Reason.NOT_A_MEMBER);
  }

  @Test
  void eachMembersPrimaryAckQueuesOneDeliveredReceiptNamingTheGroupForEverySenderDevice() {
    Session alicesLaptop = core.link(alice, "laptop");
    Session bobsLaptop = core.link(bob, "laptop");
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone(), carol.phone()));
    String id = core.groups.send(alice, group.id(), "c-1", "hi", null).messageId();
    core.deliverGroupEvents();
    clearQueues(alice);
    core.messaging.ack(alicesLaptop, messageIds(alicesLaptop));
    assertThat(core.ports.queue.all(alice.device()))
        .as("the transcript's ack on the sender's laptop")
        .isEmpty();

    core.messaging.ack(bobsLaptop, List.of(id));
    assertThat(core.ports.queue.all(alice.device())).as("a linked device's ack").isEmpty();
    core.messaging.ack(bob, List.of(id));
    core.messaging.ack(carol, List.of(id));

    for (Session device : List.of(alice, alicesLaptop)) {
      assertThat(core.ports.queue.all(device.device()))
          .map(QueueItem.Receipt.class::cast)
          .extracting(receipt -> receipt.status() + " " + receipt.by() + " " + receipt.group())
          .containsExactlyInAnyOrder(
              "delivered " + bob.phone() + " " + group.id(),
              "delivered " + carol.phone() + " " + group.id());
    }
  }

  @Test
  void aReadReceiptInAGroupCountsOnlyIdsOfThatSendersMessagesInThatGroup() {
    Group group = core.groups.create(alice, "Friends", List.of(bob.phone()));
    Group other = core.groups.create(alice, "Others", List.of(bob.phone()));
    String inGroup = core.groups.send(alice, group.id(), "c-1", "hi", null).messageId();
    String inOther = core.groups.send(alice, other.id(), "c-1", "hi", null).messageId();
    String direct = core.messaging.send(alice, bob.phone(), "c-1", "hi", null).messageId();
    clearQueues(alice);

    assertThat(
            core.messaging.read(bob, alice.phone(), group.id(), List.of(inGroup, inOther, direct)))
        .isEqualTo(1);
    assertThat(core.ports.queue.all(alice.device()))
        .singleElement()
        .isInstanceOfSatisfying(
            QueueItem.Receipt.class,
            receipt -> {
              assertThat(receipt.group()).isEqualTo(group.id());
              assertThat(receipt.messageIds()).containsExactly(inGroup);
            });
    assertRefused(
        () -> core.messaging.read(carol, alice.phone(), group.id(), List.of(inGroup)),
        Refusal.Reason.NOT_A_MEMBER);
  }

  private GroupEvent lastEvent() {
    List<GroupEvent> events = core.ports.groups.events;
    return events.get(events.size() - 1);
  }

  private List<String> messageIds(Session device) {
    return core.ports.queue.all(device.device()).stream().map(QueueItem::messageId).toList();
  }

  private void clearQueues(Session... devices) {
    for (Session device : devices) {
      core.ports.queue.drop(device.device());
      core.ports.pusher.items.remove(device.connectionId());
    }
  }

  /** The fan-out on a queue whose {@code step}th fan-out write fails, as a crash would end it. */
  private GroupFanOut fanOutFailingAtStep(int step) {
    AtomicInteger steps = new AtomicInteger();
    MessageQueue crashing =
        delegate(
            MessageQueue.class,
            core.ports.queue,
            (method, args) -> {
              if (method.equals("storeFanOutStep") && steps.incrementAndGet() == step) {
                throw new IllegalStateException("crash before step " + step);
              }
              return null;
            });
    return new GroupFanOut(
        core.ports.accounts,
        crashing,
        new DevicePushes(core.ports.connections, core.ports.pusher, Metrics.NONE),
        Runnable::run,
        Metrics.NONE,
        core.clock);
  }

  /** What a test does in place of a port's method: a result, or null to call the real one. */
  private interface Interception {
    Object intercept(String method, Object[] args);
  }

  private static <T> T delegate(Class<T> port, T real, Interception interception) {
    return port.cast(
        Proxy.newProxyInstance(
            port.getClassLoader(),
            new Class<?>[] {port},
            (proxy, method, args) -> {
              Object instead = interception.intercept(method.getName(), args);
              if (instead != null) {
                return instead;
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }));
  }

  private static void assertRefused(ThrowingCallable call, Refusal.Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Refusal.class, refusal -> assertThat(refusal.reason()).isEqualTo(reason));
  }
}
