package io.checkmark.bench;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Listener;
import io.checkmark.local.LocalStack;
import io.checkmark.protocol.MessageFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Push notifications on the local stack: what push costs a sender ({@code accepted} latency with
 * recipients that have push targets and without), then a realistic mix of bursts to phones that are
 * mostly in the background, each of which, when pushed, does what an app does (wakes, fetches,
 * acks, sleeps again): pushes per delivered message, store-to-push latency, and what push adds per
 * million messages on AWS.
 */
final class PushBenchmark {

  /** SNS mobile push, us-east-1: $0.50 per million publishes (after the first million a month). */
  static final double SNS_MOBILE_PUSH = 0.50 / 1e6;

  /** A publish to SNS, as modelled for the notify function's duration. */
  static final double SNS_PUBLISH_MS = 20;

  /** How long an app takes from a push to its fetch. */
  private static final Duration WAKE_DELAY = Duration.ofMillis(1500);

  private static final int RECIPIENTS_PER_GROUP = 30;

  private final LocalStack stack;
  private final DynamoDbClient dynamoDb;
  private final Devices devices;

  /** Phones pushed that have not finished their fetch yet. */
  private final AtomicInteger wakes = new AtomicInteger();

  /**
   * Background phones between a push and the end of the fetch it set off: what comes for them then
   * is fetched or comes live, so it starts no store-to-push wait.
   */
  private final Set<String> awake = ConcurrentHashMap.newKeySet();

  private final ExecutorService fetchers = Executors.newCachedThreadPool();

  PushBenchmark(LocalStack stack, DynamoDbClient dynamoDb) {
    this.stack = stack;
    this.dynamoDb = dynamoDb;
    this.devices = new Devices(stack);
  }

  void run(Report report, int sendsPerPhase, int mixPhones, Duration mixDuration) throws Exception {
    double[][] accepted = acceptedLatency(sendsPerPhase);
    Mix mix = realisticMix(mixPhones, mixDuration);

    report.section("9. Push notifications");
    report.line(
        "Each part starts once the notify function has caught up with the Messages stream (earlier"
            + " sections leave it a backlog; a probe message's push says it is done). Accepted"
            + " latency: one sender, %d sends one at a time to %d offline phones without a push"
            + " target (push off), then as many to %d offline phones with one (push on: the"
            + " Messages stream runs the notify function, which pushes each once per 30 s), twice"
            + " each, alternating. The notify function runs after the store, so push on should"
            + " cost the sender nothing but the CPU the two share on this machine.",
        sendsPerPhase * 2, RECIPIENTS_PER_GROUP, RECIPIENTS_PER_GROUP);
    report.line("");
    report.line("| send to an offline phone | accepted p50 | p99 |");
    report.line("|---|---|---|");
    report.line(
        "| push off | %.1f ms | %.1f ms |",
        percentile(accepted[0], 50), percentile(accepted[0], 99));
    report.line(
        "| push on | %.1f ms | %.1f ms |",
        percentile(accepted[1], 50), percentile(accepted[1], 99));
    report.target(
        "send accepted p50, push on over push off",
        percentile(accepted[1], 50) / percentile(accepted[0], 50),
        1.25,
        false,
        "×");
    report.line("");
    report.line(
        "Realistic mix: %d phones with push targets (fcm), %.0f%% of them online (a connected"
            + " client that acks), the others in the background; %d senders; for %d s, bursts of"
            + " 1 to 6 messages 200 ms apart to a random phone, a new burst every 100 ms. A"
            + " background phone that is pushed wakes %.1f s later, fetches (connect, sync, ack,"
            + " disconnect: `fetchOnPush`) and sleeps again. Counted once every phone has"
            + " fetched what was queued for it.",
        mixPhones,
        Mix.ONLINE_SHARE * 100,
        Mix.SENDERS,
        mixDuration.toSeconds(),
        WAKE_DELAY.toMillis() / 1000.0);
    report.line("");
    report.line("| figure | value |");
    report.line("|---|---|");
    report.line("| messages accepted | %,d |", mix.accepted);
    report.line("| delivered to online phones (live) | %,d |", mix.deliveredLive);
    report.line("| delivered to background phones (fetched after a push) | %,d |", mix.fetched);
    report.line("| pushes sent | %,d |", mix.pushes);
    report.line("| pushes per delivered message | %.3f |", mix.pushes / (double) mix.delivered());
    report.line(
        "| pushes per message to a background phone | %.3f |",
        mix.pushes / (double) Math.max(1, mix.fetched));
    report.line(
        "| store → push (first unpushed message accepted → push captured), p50 / p99 | %.0f ms /"
            + " %.0f ms |",
        percentile(mix.storeToPush, 50), percentile(mix.storeToPush, 99));
    report.line(
        "| left queued at the end (arrived while an app was closing its fetch) | %,d |",
        mix.leftQueued);
    report.target(
        "pushes per delivered message, realistic mix",
        mix.pushes / (double) mix.delivered(),
        0.5,
        false,
        "");
    report.target(
        "store → push p50 (protocol: the first within 1 s)",
        percentile(mix.storeToPush, 50),
        1000,
        false,
        " ms");
    reportCost(report, mix);
  }

  /**
   * Waits until the notify function has worked through the Messages stream up to now: a message to
   * a new offline phone with a push target is pushed. Earlier sections leave it a backlog (every
   * copy of a 1,024-member group's messages) that the local stack, reading each stream on one
   * thread where Lambda reads shards in parallel, takes a while over.
   */
  private void awaitNotifyCaughtUp(CheckmarkClient sender) throws Exception {
    Devices.Device probe = registerPushAndSleep(devices.register(false));
    String endpoint = endpointOf(probe);
    sender.send(probe.phone(), "probe").get(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (stack.pushNotificationsTo(endpoint).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the notify function did not catch up in 10 minutes");
      }
      Thread.sleep(50);
    }
  }

  /** Push off then on, twice: the sender's accepted latency in milliseconds, {off, on}. */
  private double[][] acceptedLatency(int sendsPerPhase) throws Exception {
    List<String> withoutTarget = new ArrayList<>();
    List<String> withTarget = new ArrayList<>();
    for (int i = 0; i < RECIPIENTS_PER_GROUP; i++) {
      withoutTarget.add(devices.register(false).phone());
      withTarget.add(registerPushAndSleep(devices.register(false)).phone());
    }
    List<Double> off = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    Devices.Device sender = devices.register(false);
    try (CheckmarkClient client = client(sender, new Listener() {})) {
      client.connect().get(30, TimeUnit.SECONDS);
      awaitNotifyCaughtUp(client);
      sendAll(client, withoutTarget, sendsPerPhase / 5, new ArrayList<>());
      for (int round = 0; round < 2; round++) {
        sendAll(client, withoutTarget, sendsPerPhase, off);
        sendAll(client, withTarget, sendsPerPhase, on);
      }
    }
    return new double[][] {toArray(off), toArray(on)};
  }

  private static void sendAll(
      CheckmarkClient client, List<String> recipients, int sends, List<Double> latencies)
      throws Exception {
    for (int i = 0; i < sends; i++) {
      long start = System.nanoTime();
      client.send(recipients.get(i % recipients.size()), "m" + i).get(30, TimeUnit.SECONDS);
      latencies.add((System.nanoTime() - start) / 1e6);
    }
  }

  /** What was counted in the realistic mix. */
  private static final class Mix {
    static final double ONLINE_SHARE = 0.3;
    static final int SENDERS = 5;

    long accepted;
    long deliveredLive;
    long fetched;
    long pushes;
    long leftQueued;
    double notifyInvocations;
    double notifyReadUnits;
    double notifyWriteUnits;
    double[] storeToPush = new double[0];

    long delivered() {
      return Math.max(1, deliveredLive + fetched);
    }
  }

  /** A phone in the background: its endpoint, and when its oldest unpushed message came. */
  private record Sleeper(Devices.Device device, String endpoint) {}

  private Mix realisticMix(int phones, Duration duration) throws Exception {
    Mix mix = new Mix();
    Random random = new Random(17);
    List<CheckmarkClient> clients = new ArrayList<>();
    List<Sleeper> sleepers = new ArrayList<>();
    List<String> recipients = new ArrayList<>();
    AtomicLong deliveredLive = new AtomicLong();
    AtomicLong fetched = new AtomicLong();
    Listener countingLive =
        new Listener() {
          @Override
          public void onMessage(MessageFrame message) {
            deliveredLive.incrementAndGet();
          }
        };
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(8);
    try {
      for (int i = 0; i < phones; i++) {
        Devices.Device phone = registerPushAndSleep(devices.register(false));
        recipients.add(phone.phone());
        if (i < phones * Mix.ONLINE_SHARE) {
          CheckmarkClient online = client(phone, countingLive);
          online.connect().get(30, TimeUnit.SECONDS);
          clients.add(online);
        } else {
          sleepers.add(new Sleeper(phone, endpointOf(phone)));
        }
      }
      List<CheckmarkClient> senders = new ArrayList<>();
      for (int i = 0; i < Mix.SENDERS; i++) {
        CheckmarkClient sender = client(devices.register(false), new Listener() {});
        sender.connect().get(30, TimeUnit.SECONDS);
        senders.add(sender);
        clients.add(sender);
      }
      awaitNotifyCaughtUp(senders.get(0));

      // When each sleeper's oldest message not yet answered by a push was accepted.
      Map<String, Long> waitingSince = new ConcurrentHashMap<>();
      Map<String, Integer> pushesSeen = new ConcurrentHashMap<>();
      List<Double> storeToPush = new CopyOnWriteArrayList<>();
      AtomicLong acceptedCount = new AtomicLong();
      double[] notifyUnitsBefore = DynamoDbMeter.unitsOf("NotifyFunction");
      long streamInvocationsBefore = stack.streamInvocations();
      scheduler.scheduleWithFixedDelay(
          () -> watchPushes(sleepers, waitingSince, pushesSeen, storeToPush, fetched, scheduler),
          0,
          20,
          TimeUnit.MILLISECONDS);

      long end = System.nanoTime() + duration.toNanos();
      List<CompletableFuture<?>> sends = new ArrayList<>();
      while (System.nanoTime() < end) {
        String to = recipients.get(random.nextInt(recipients.size()));
        CheckmarkClient sender = senders.get(random.nextInt(senders.size()));
        int burst = 1 + random.nextInt(6);
        for (int i = 0; i < burst; i++) {
          CompletableFuture<Void> sent = new CompletableFuture<>();
          sends.add(sent);
          scheduler.schedule(
              () ->
                  sender
                      .send(to, "burst")
                      .thenRun(
                          () -> {
                            acceptedCount.incrementAndGet();
                            if (!awake.contains(to)) {
                              waitingSince.putIfAbsent(to, System.nanoTime());
                            }
                          })
                      .whenComplete((done, failure) -> sent.complete(null)),
              200L * i,
              TimeUnit.MILLISECONDS);
        }
        Thread.sleep(100);
      }
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      mix.accepted = acceptedCount.get();
      awaitSettled();
      mix.deliveredLive = deliveredLive.get();
      mix.fetched = fetched.get();
      mix.leftQueued = queued(sleepers);
      mix.pushes = pushesSeen.values().stream().mapToLong(Integer::longValue).sum();
      mix.storeToPush = toArray(storeToPush);
      double[] notifyUnits = DynamoDbMeter.unitsOf("NotifyFunction");
      mix.notifyReadUnits = notifyUnits[0] - notifyUnitsBefore[0];
      mix.notifyWriteUnits = notifyUnits[1] - notifyUnitsBefore[1];
      mix.notifyInvocations = stack.streamInvocations() - streamInvocationsBefore;
    } finally {
      scheduler.shutdownNow();
      fetchers.shutdownNow();
      clients.forEach(CheckmarkClient::close);
    }
    return mix;
  }

  /**
   * Waits until no wake is pending or fetching and the stream has been idle for two wake delays:
   * every push the traffic caused has been answered.
   */
  private void awaitSettled() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline
        && System.nanoTime() - quietSince < 2 * WAKE_DELAY.toNanos()) {
      if (wakes.get() > 0 || stack.streamInvocationsRunning() > 0) {
        quietSince = System.nanoTime();
      }
      Thread.sleep(50);
    }
  }

  /**
   * Polls the captured pushes: a new one for a sleeper records its store-to-push time and wakes the
   * phone a moment later.
   */
  private void watchPushes(
      List<Sleeper> sleepers,
      Map<String, Long> waitingSince,
      Map<String, Integer> pushesSeen,
      List<Double> storeToPush,
      AtomicLong fetched,
      ScheduledExecutorService scheduler) {
    long now = System.nanoTime();
    for (Sleeper sleeper : sleepers) {
      int count = stack.pushNotificationsTo(sleeper.endpoint()).size();
      int seen = pushesSeen.getOrDefault(sleeper.device().phone(), 0);
      if (count > seen) {
        pushesSeen.put(sleeper.device().phone(), count);
        Long since = waitingSince.remove(sleeper.device().phone());
        if (since != null) {
          storeToPush.add((now - since) / 1e6);
        }
        wakes.incrementAndGet();
        awake.add(sleeper.device().phone());
        // A fetch blocks for its round trips: on a thread of its own, not the watcher's.
        scheduler.schedule(
            () ->
                fetchers.execute(
                    () -> {
                      fetched.addAndGet(fetch(sleeper.device()));
                      awake.remove(sleeper.device().phone());
                      wakes.decrementAndGet();
                    }),
            WAKE_DELAY.toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
  }

  /** What an app does on a push: connect, sync everything, ack it, disconnect. */
  private int fetch(Devices.Device device) {
    try {
      return client(device, new Listener() {})
          .fetchOnPush(Duration.ofSeconds(30))
          .get(40, TimeUnit.SECONDS);
    } catch (Exception failed) {
      return 0;
    }
  }

  private long queued(List<Sleeper> sleepers) {
    String table = stack.environmentOf("SendFunction").get("MESSAGES_TABLE");
    long count = 0;
    for (Sleeper sleeper : sleepers) {
      count +=
          dynamoDb
              .query(
                  r ->
                      r.tableName(table)
                          .keyConditionExpression("#queue = :queue")
                          .expressionAttributeNames(Map.of("#queue", "queue"))
                          .expressionAttributeValues(
                              Map.of(":queue", AttributeValue.fromS(sleeper.device().phone())))
                          .select("COUNT"))
              .count();
    }
    return count;
  }

  /**
   * What push adds per million messages on AWS, from the mix's measured figures: SNS publishes, the
   * notify function's invocations (batches of the stream) and duration, and its DynamoDB units.
   */
  private static void reportCost(Report report, Mix mix) {
    double messages = mix.delivered();
    double pushesPerMessage = mix.pushes / messages;
    double invocationsPerMessage = mix.notifyInvocations / messages;
    double readUnitsPerMessage = mix.notifyReadUnits / messages;
    double writeUnitsPerMessage = mix.notifyWriteUnits / messages;
    // Per invocation: the work, then per message in it a targets query, an account read and a
    // connections query, with a gateway check or a claim and a publish where they apply.
    double millisPerMessage =
        3 * CostModel.DYNAMODB_ROUND_TRIP_MS
            + (1 - Mix.ONLINE_SHARE) * pushesPerMessage * SNS_PUBLISH_MS;
    double lambdaSeconds =
        (invocationsPerMessage * CostModel.WORK_PER_INVOCATION_MS + millisPerMessage) / 1000;
    double sns = pushesPerMessage * SNS_MOBILE_PUSH * 1e6;
    double lambda =
        (invocationsPerMessage * CostModel.LAMBDA_REQUEST
                + lambdaSeconds * CostModel.FUNCTION_MEMORY_GB * CostModel.LAMBDA_ARM_GB_SECOND)
            * 1e6;
    double dynamoDb =
        (readUnitsPerMessage * CostModel.DYNAMODB_READ_UNIT
                + writeUnitsPerMessage * CostModel.DYNAMODB_WRITE_UNIT)
            * 1e6;
    report.line("");
    report.line(
        "What push adds per million messages on AWS, from the mix above (list prices, us-east-1,"
            + " first tier): SNS mobile push $0.50 per million publishes (the first million a month"
            + " free, not counted); the notify function's invocations (%.3f per message: the stream"
            + " batches records) at $0.20 per million and its duration modelled as in section 3"
            + " (5 ms per DynamoDB call, 20 ms per publish); its DynamoDB units as measured (%.2f"
            + " read and %.2f write units per message: the phone's targets, its account and"
            + " connections, and the collapse marker). Reading the stream costs nothing.",
        invocationsPerMessage, readUnitsPerMessage, writeUnitsPerMessage);
    report.line("");
    report.line("| SNS | Lambda | DynamoDB | push, per million messages |");
    report.line("|---|---|---|---|");
    report.line(
        "| $%.2f | $%.2f | $%.2f | $%.2f |", sns, lambda, dynamoDb, sns + lambda + dynamoDb);
  }

  /** Registers a made-up fcm token for the device on a connection of its own, then closes it. */
  private Devices.Device registerPushAndSleep(Devices.Device device) throws Exception {
    try (CheckmarkClient client = client(device, new Listener() {})) {
      client.connect().get(30, TimeUnit.SECONDS);
      client.registerPush("fcm", "bench-" + UUID.randomUUID()).get(30, TimeUnit.SECONDS);
    }
    return device;
  }

  private String endpointOf(Devices.Device device) {
    return dynamoDb
        .getItem(
            r ->
                r.tableName(stack.environmentOf("NotifyFunction").get("PUSH_TARGETS_TABLE"))
                    .key(
                        Map.of(
                            "phone",
                            AttributeValue.fromS(device.phone()),
                            "device",
                            AttributeValue.fromN("1")))
                    .consistentRead(true))
        .item()
        .get("endpoint")
        .s();
  }

  private CheckmarkClient client(Devices.Device device, Listener listener) {
    return CheckmarkClient.builder(stack.webSocketUrl())
        .credentials(device.phone(), device.deviceKey())
        .listener(listener)
        .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
        .build();
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
