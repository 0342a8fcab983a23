package io.checkmark.it;

import static org.awaitility.Awaitility.await;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.CheckmarkException;
import io.checkmark.client.Credentials;
import io.checkmark.client.PendingLink;
import io.checkmark.it.DeliveryHistory.Attempt;
import io.checkmark.it.DeliveryHistory.Cast;
import io.checkmark.it.DeliveryHistory.DeviceLog;
import io.checkmark.local.LocalStack;
import io.checkmark.local.LocalStackOptions;
import io.checkmark.protocol.Accepted;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One seeded reliability run on a fresh local stack, through the SDK's own {@link CheckmarkClient}
 * (its retries with the same id, reconnects with backoff and syncs are what is exercised):
 *
 * <ul>
 *   <li>Alice and Bob write to each other; Carl writes to Paula, whose phone has two linked devices
 *       besides its primary, and Paula's primary and first linked device write to Carl; Bob and
 *       Paula's second linked device write to a group of all four.
 *   <li>The seed picks which of those seven streams sends each message, and each message's length;
 *       every stream waits for {@code accepted} before its next send; a send the SDK fails is sent
 *       again by the app, as a user taps "retry".
 *   <li>Then the faults are healed, the clients are left until nothing due is missing or nothing
 *       has moved for a while, and closed; a fresh client of every device syncs its queue until it
 *       is empty, and {@link DeliveryChecker} judges the whole history.
 * </ul>
 */
final class ReliabilityRun {

  /** Once the faults are healed: how long nothing may move before the run is taken as settled. */
  private static final Duration QUIET = Duration.ofSeconds(5);

  private static final Duration SETTLE_AT_MOST = Duration.ofSeconds(120);
  private static final Duration SEND_PATIENCE = Duration.ofSeconds(45);
  private static final int SENDS_PER_MESSAGE = 5;

  /** What a run is told: its seed, how many app messages, and what it does to the stack. */
  record Plan(long seed, int messages, Faults faults) {}

  /** What is done to the stack while the clients send: the fault plan of the run, if any. */
  interface Faults {
    String name();

    void inject(LocalStack stack, long seed);

    void heal(LocalStack stack);

    /** The faults injected so far, by kind. */
    Map<String, Long> injected(LocalStack stack);
  }

  record Outcome(
      Plan plan, DeliveryChecker.Verdict verdict, Map<String, Long> injected, Duration took) {
    String line() {
      return String.format(
          "RELIABILITY faults=%s seed=%d messages=%d took=%.1fs injected=%s: %s",
          plan.faults().name(),
          plan.seed(),
          plan.messages(),
          took.toMillis() / 1000.0,
          injected,
          verdict.figures());
    }
  }

  private record Stream(
      String name, CheckmarkClient client, DeviceLog sender, String to, String group) {}

  private ReliabilityRun() {}

  static Outcome run(Plan plan) throws Exception {
    long started = System.nanoTime();
    Random random = new Random(plan.seed());
    LocalStackOptions.Builder options = ProjectStack.options();
    String log = System.getProperty("checkmark.reliability.log");
    if (log != null) {
      // Every invocation and frame, for a seed that fails: -Dcheckmark.reliability.log=FILE.
      options
          .console(new PrintStream(new FileOutputStream(log, true), true, StandardCharsets.UTF_8))
          .logFrames(true);
    }
    try (LocalStack stack =
        LocalStack.start(
            options
                .parameterOverrides(
                    Map.of(
                        "PinRequestsPerAddressPerHour",
                        "100000",
                        // Seven streams sending as fast as accepted comes back: more than the
                        // default per-account limit, which is not what is checked here.
                        "SendsPerAccountPer10Seconds",
                        "100000"))
                .build())) {
      List<CheckmarkClient> clients = new ArrayList<>();
      List<DeviceLog> devices = new ArrayList<>();
      Map<DeviceLog, Credentials> credentials = new LinkedHashMap<>();
      DeliveryHistory history = new DeliveryHistory();
      try {
        Account alice = account(stack, clients, devices, credentials);
        Account bob = account(stack, clients, devices, credentials);
        Account carl = account(stack, clients, devices, credentials);
        Account paula = account(stack, clients, devices, credentials);
        Account paula2 = linked(stack, paula, 2, clients, devices, credentials);
        Account paula3 = linked(stack, paula, 3, clients, devices, credentials);
        String groupId =
            alice
                .client()
                .createGroup("reliability", List.of(bob.phone(), carl.phone(), paula.phone()))
                .get(30, TimeUnit.SECONDS)
                .groupId();
        Cast cast =
            new Cast(
                Map.of(
                    alice.phone(), List.of(1),
                    bob.phone(), List.of(1),
                    carl.phone(), List.of(1),
                    paula.phone(), List.of(1, 2, 3)),
                Map.of(groupId, Set.of(alice.phone(), bob.phone(), carl.phone(), paula.phone())));
        List<Stream> streams =
            List.of(
                oneToOne("alice->bob", alice, bob),
                oneToOne("bob->alice", bob, alice),
                oneToOne("carl->paula", carl, paula),
                oneToOne("paula#1->carl", paula, carl),
                oneToOne("paula#2->carl", paula2, carl),
                toGroup("bob->group", bob, groupId),
                toGroup("paula#3->group", paula3, groupId));
        int[] share = new int[streams.size()];
        List<List<Integer>> lengths = new ArrayList<>();
        streams.forEach(stream -> lengths.add(new ArrayList<>()));
        for (int message = 0; message < plan.messages(); message++) {
          int stream = random.nextInt(streams.size());
          share[stream]++;
          lengths.get(stream).add(1 + random.nextInt(400));
        }

        plan.faults().inject(stack, plan.seed());
        ExecutorService senders = Executors.newFixedThreadPool(streams.size());
        try {
          List<CompletableFuture<Void>> sending = new ArrayList<>();
          for (int index = 0; index < streams.size(); index++) {
            Stream stream = streams.get(index);
            List<Integer> bodyLengths = lengths.get(index);
            sending.add(
                CompletableFuture.runAsync(
                    () -> sendAll(plan.seed(), stream, bodyLengths, history), senders));
          }
          CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get();
        } finally {
          senders.shutdownNow();
        }
        plan.faults().heal(stack);
        Map<String, Long> injected = plan.faults().injected(stack);

        settle(cast, history, devices);
        clients.forEach(CheckmarkClient::close);
        clients.clear();
        drain(stack, credentials);
        DeliveryChecker.Verdict verdict = DeliveryChecker.check(cast, history.attempts(), devices);
        return new Outcome(plan, verdict, injected, Duration.ofNanos(System.nanoTime() - started));
      } finally {
        clients.forEach(CheckmarkClient::close);
      }
    }
  }

  /**
   * Sends a stream's messages one after another, each sent again (a new send, so a new client id)
   * when the SDK fails it; a send still unanswered after {@link #SEND_PATIENCE} is left to the SDK
   * (which writes it again with its id until answered) and recorded as not waited for if it is
   * accepted later.
   */
  private static void sendAll(
      long seed, Stream stream, List<Integer> bodyLengths, DeliveryHistory history) {
    AtomicInteger sequence = new AtomicInteger();
    for (int message = 0; message < bodyLengths.size(); message++) {
      String body =
          "seed "
              + seed
              + " "
              + stream.name()
              + " "
              + message
              + " "
              + "x".repeat(bodyLengths.get(message));
      for (int send = 1; send <= SENDS_PER_MESSAGE; send++) {
        CompletableFuture<Accepted> accepted =
            stream.group() == null
                ? stream.client().send(stream.to(), body)
                : stream.client().sendToGroup(stream.group(), body);
        try {
          Accepted reply = accepted.get(SEND_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
          history.record(attempt(stream, sequence.getAndIncrement(), body, reply, null, true));
          break;
        } catch (ExecutionException failed) {
          Throwable cause = failed.getCause();
          history.record(attempt(stream, -1, body, null, describe(cause), true));
        } catch (TimeoutException unanswered) {
          history.record(
              attempt(stream, -1, body, null, "no accepted within " + SEND_PATIENCE, false));
          accepted.thenAccept(
              late -> history.record(attempt(stream, Integer.MAX_VALUE, body, late, null, false)));
          break;
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static String describe(Throwable failure) {
    return failure instanceof CheckmarkException coded ? coded.code() : failure.toString();
  }

  private static Attempt attempt(
      Stream stream, int sequence, String body, Accepted reply, String failure, boolean waitedFor) {
    return new Attempt(
        stream.name(),
        stream.sender().phone(),
        stream.sender().deviceId(),
        stream.to(),
        stream.group(),
        sequence,
        body,
        reply == null ? null : reply.id(),
        reply == null ? null : reply.messageId(),
        failure,
        waitedFor);
  }

  /**
   * Waits until nothing due is missing, or, since some of it may be lost for good, until the
   * history has not moved for {@link #QUIET}.
   */
  private static void settle(Cast cast, DeliveryHistory history, List<DeviceLog> devices) {
    long[] lastEvents = {-1};
    long[] lastMoved = {System.nanoTime()};
    await()
        .atMost(SETTLE_AT_MOST)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              long events =
                  devices.stream().mapToLong(DeviceLog::events).sum() + history.attempts().size();
              if (events != lastEvents[0]) {
                lastEvents[0] = events;
                lastMoved[0] = System.nanoTime();
              }
              return DeliveryChecker.outstanding(cast, history.attempts(), devices) == 0
                  || System.nanoTime() - lastMoved[0] > QUIET.toNanos();
            });
  }

  /**
   * Syncs every device's queue with fresh clients, as apps would after a restart, pass after pass
   * until a whole pass finds nothing queued (acking a message on one device queues a receipt for
   * another): what they find is what stayed queued after the run.
   */
  private static void drain(LocalStack stack, Map<DeviceLog, Credentials> devices) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              int found = 0;
              for (Map.Entry<DeviceLog, Credentials> device : devices.entrySet()) {
                found +=
                    CheckmarkClient.builder(stack.webSocketUrl())
                        .credentials(device.getValue())
                        .listener(device.getKey().leftoverListener())
                        .build()
                        .fetchOnPush(Duration.ofSeconds(30))
                        .get();
              }
              return found == 0;
            });
  }

  private record Account(String phone, CheckmarkClient client, DeviceLog log) {}

  private static Account account(
      LocalStack stack,
      List<CheckmarkClient> clients,
      List<DeviceLog> devices,
      Map<DeviceLog, Credentials> credentials)
      throws Exception {
    String phone = Phones.next();
    String key = Devices.register(stack, phone);
    DeviceLog log = new DeviceLog(phone, Credentials.PRIMARY);
    CheckmarkClient client = live(stack).credentials(phone, key).listener(log).build();
    clients.add(client);
    devices.add(log);
    credentials.put(log, new Credentials(phone, Credentials.PRIMARY, key));
    client.connect().get(30, TimeUnit.SECONDS);
    client.registerPush("fcm", "reliability-" + log.key()).get(30, TimeUnit.SECONDS);
    return new Account(phone, client, log);
  }

  /** Links a device to {@code primary}'s account the way the SDK offers: a code it approves. */
  private static Account linked(
      LocalStack stack,
      Account primary,
      int expectedDeviceId,
      List<CheckmarkClient> clients,
      List<DeviceLog> devices,
      Map<DeviceLog, Credentials> credentials)
      throws Exception {
    DeviceLog log = new DeviceLog(primary.phone(), expectedDeviceId);
    CheckmarkClient client = live(stack).listener(log).build();
    clients.add(client);
    client.connect().get(30, TimeUnit.SECONDS);
    PendingLink pending = client.requestLink("reliability device").get(30, TimeUnit.SECONDS);
    primary.client().approveLink(pending.code()).get(30, TimeUnit.SECONDS);
    Credentials given = pending.linked().get(30, TimeUnit.SECONDS);
    if (given.deviceId() != expectedDeviceId) {
      throw new IllegalStateException(
          "linked as device " + given.deviceId() + ", expected " + expectedDeviceId);
    }
    client.registerPush("fcm", "reliability-" + log.key()).get(30, TimeUnit.SECONDS);
    devices.add(log);
    credentials.put(log, given);
    return new Account(primary.phone(), client, log);
  }

  private static CheckmarkClient.Settings live(LocalStack stack) {
    return CheckmarkClient.builder(stack.webSocketUrl())
        .backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
  }

  private static Stream oneToOne(String name, Account from, Account to) {
    return new Stream(name, from.client(), from.log(), to.phone(), null);
  }

  private static Stream toGroup(String name, Account from, String groupId) {
    return new Stream(name, from.client(), from.log(), null, groupId);
  }
}
