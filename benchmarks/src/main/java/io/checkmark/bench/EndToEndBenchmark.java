package io.checkmark.bench;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Listener;
import io.checkmark.local.LocalStack;
import io.checkmark.local.Traffic;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * End to end through the local stack: sender/recipient pairs, each device a client SDK over its own
 * WebSocket, the whole path send → accepted → pushed → acked → delivered receipt → acked. A
 * closed-loop phase finds the sustained rate (each sender keeps a message or a few in flight), then
 * an open-loop phase sends at half that rate, paced, for latency without queueing. Every message is
 * accounted for at the end: sent, accepted, delivered once, lost, duplicated, receipted. The
 * functions' DynamoDB requests and the gateway's traffic over both phases give the per-message
 * counts the cost model needs.
 */
final class EndToEndBenchmark {

  /** What the cost model takes from this run. */
  record Outcome(
      long delivered,
      DynamoDbMeter.Reading dynamoDb,
      Traffic.Snapshot traffic,
      Histogram halfLoadLatency) {}

  private record Pair(CheckmarkClient sender, String recipientPhone) {}

  private final LocalStack stack;
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final Set<String> halfLoadIds = ConcurrentHashMap.newKeySet();
  private final Set<String> delivered = ConcurrentHashMap.newKeySet();
  private final Set<String> acceptedMessageIds = ConcurrentHashMap.newKeySet();
  private final Set<String> receipted = ConcurrentHashMap.newKeySet();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicLong deliveredInWindow = new AtomicLong();
  private final ConcurrentHistogram latency = new ConcurrentHistogram(60_000_000_000L, 3);
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;

  EndToEndBenchmark(LocalStack stack) {
    this.stack = stack;
  }

  Outcome run(Report report, int pairs, Duration phase, int inFlightPerSender, boolean profile)
      throws Exception {
    Devices devices = new Devices(stack);
    List<CheckmarkClient> clients = new ArrayList<>();
    List<Pair> senders = new ArrayList<>();
    try {
      for (int i = 0; i < pairs; i++) {
        Devices.Device recipient = devices.register(false);
        Devices.Device sender = devices.register(false);
        CheckmarkClient recipientClient =
            client(
                recipient,
                new Listener() {
                  @Override
                  public void onMessage(MessageFrame message) {
                    delivered(message.body());
                  }
                });
        CheckmarkClient senderClient =
            client(
                sender,
                new Listener() {
                  @Override
                  public void onReceipt(ReceiptFrame receipt) {
                    if (receipt.status().equals("delivered")) {
                      receipted.addAll(receipt.messageIds());
                    }
                  }
                });
        clients.add(recipientClient);
        clients.add(senderClient);
        senders.add(new Pair(senderClient, recipient.phone()));
      }
      for (CheckmarkClient client : clients) {
        client.connect().get(30, TimeUnit.SECONDS);
      }

      // As long as a measured phase: after a fifth of it the JIT compilers still took about 40 % of
      // the CPU in the phase measured next (docs/benchmarks.md).
      closedLoop(senders, "warm", phase, inFlightPerSender);
      settle();
      // Measured here, with the JVM as warm as the phases after it and nothing else running: a
      // ceiling measured cold, before anything ran, is a fraction of the engine's real rate.
      double ceiling =
          DynamoDbLocalCeiling.writesPerSecond(
              stack.dynamoDbEndpoint(),
              stack.environmentOf("SendFunction").get("MESSAGES_TABLE"),
              Math.min(3, phase.toSeconds()));
      DynamoDbMeter.Reading dynamoDbBefore = DynamoDbMeter.read();
      Traffic.Snapshot trafficBefore = stack.traffic();
      long deliveredBefore = delivered.size();

      Profiler profiler = profile ? new Profiler() : null;
      CpuByThread cpu = new CpuByThread();
      windowStart = System.nanoTime();
      windowEnd = windowStart + phase.toNanos();
      closedLoop(senders, "max", phase, inFlightPerSender);
      double maximumRate = deliveredInWindow.get() / (phase.toNanos() / 1e9);
      double deliveredInPhase = Math.max(1, deliveredInWindow.get());
      double cpuPerMessage = cpu.processMillisPer(deliveredInPhase);
      Map<String, Double> cpuByPool = cpu.millisPer(deliveredInPhase);
      settle();

      double halfRate = Math.max(1, maximumRate / 2);
      openLoop(senders, halfRate, phase);
      boolean drained = await(this::drained, Duration.ofSeconds(60));
      await(this::allReceipted, Duration.ofSeconds(30));
      // The senders ack the last receipts a moment after they arrive.
      awaitQuiet();
      DynamoDbMeter.Reading dynamoDb = DynamoDbMeter.read().since(dynamoDbBefore);
      Traffic.Snapshot traffic = stack.traffic().since(trafficBefore);
      long deliveredMeasured = delivered.size() - deliveredBefore;
      double requestsPerMessage = dynamoDb.requests() / (double) Math.max(1, deliveredMeasured);
      double ceilingRate = ceiling / requestsPerMessage;

      long lost =
          sentAt.keySet().stream().filter(id -> !delivered.contains(id)).count() - failed.sum();
      report.section("3. End to end through the local stack");
      report.line(
          "%d pairs (%d WebSockets, client SDK), each sender up to %d messages in flight; phases of %d s."
              + " All in one JVM on this machine: clients, gateway, functions and DynamoDB Local share its cores.",
          pairs, 2 * pairs, inFlightPerSender, phase.toSeconds());
      report.line("");
      report.line(
          "- DynamoDB Local alone, for scale: %.0f small `PutItem`s/s from 8 threads with nothing else"
              + " running, measured warm between the phases; at %.2f DynamoDB requests per delivered"
              + " message (section 4) that is a ceiling of %.0f messages/s",
          ceiling, requestsPerMessage, ceilingRate);
      report.line(
          "- sustained: **%.0f delivered messages/s** (closed loop), **%.0f %%** of that ceiling",
          maximumRate, 100 * maximumRate / ceilingRate);
      report.line(
          "- at half that rate (%.0f msg/s, open loop, paced): send → deliver p50 **%.1f ms**, p90 %.1f ms,"
              + " p99 **%.1f ms**, max %.1f ms (%,d messages)",
          halfRate,
          WarmLatencyBenchmark.millis(latency, 50),
          WarmLatencyBenchmark.millis(latency, 90),
          WarmLatencyBenchmark.millis(latency, 99),
          latency.getMaxValue() / 1e6,
          latency.getTotalCount());
      report.line(
          "- sent %,d, accepted %,d, failed sends %,d, delivered %,d, lost %,d, duplicated %,d,"
              + " delivered receipts %,d of %,d accepted%s",
          sent.sum(),
          accepted.sum(),
          failed.sum(),
          delivered.size(),
          lost,
          duplicates.sum(),
          acceptedMessageIds.stream().filter(receipted::contains).count(),
          acceptedMessageIds.size(),
          drained ? "" : " (NOT DRAINED within 60 s)");
      report.line("");
      report.target(
          "sustained rate over DynamoDB Local's ceiling (its puts/s ÷ requests per message)",
          100 * maximumRate / ceilingRate,
          60,
          true,
          "%");
      report.target(
          "send → deliver p99 at half load",
          WarmLatencyBenchmark.millis(latency, 99),
          25,
          false,
          "ms");
      report.target("lost messages", lost, 0, false, "");
      report.target("duplicated messages", duplicates.sum(), 0, false, "");
      report.line(
          "CPU per message delivered in the closed loop: **%.1f ms** (the process; %d cores give"
              + " %.0f ms of CPU a second), by thread pool:",
          cpuPerMessage,
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().availableProcessors() * 1000.0);
      report.line("");
      report.line("| threads | CPU ms per delivered message |");
      report.line("|---|---|");
      cpuByPool.entrySet().stream()
          .filter(pool -> pool.getValue() >= 0.25)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(pool -> report.line("| `%s` | %.2f |", pool.getKey(), pool.getValue()));
      report.line("");
      if (profiler != null) {
        report.section("Profile of the end-to-end run");
        profiler.summarize(report, 15);
        profiler.close();
      }
      return new Outcome(deliveredMeasured, dynamoDb, traffic, latency.copy());
    } finally {
      clients.forEach(CheckmarkClient::close);
    }
  }

  private CheckmarkClient client(Devices.Device device, Listener listener) {
    return CheckmarkClient.builder(stack.webSocketUrl())
        .credentials(device.phone(), device.deviceKey())
        .listener(listener)
        .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
        .build();
  }

  private void delivered(String clientId) {
    long now = System.nanoTime();
    if (!delivered.add(clientId)) {
      duplicates.increment();
      return;
    }
    if (now >= windowStart && now < windowEnd) {
      deliveredInWindow.incrementAndGet();
    }
    Long start = sentAt.get(clientId);
    if (start != null && halfLoadIds.contains(clientId)) {
      latency.recordValue(now - start);
    }
  }

  /** Each sender keeps up to {@code inFlight} messages unanswered until the phase ends. */
  private void closedLoop(List<Pair> senders, String phaseName, Duration length, int inFlight)
      throws InterruptedException {
    long end = System.nanoTime() + length.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < senders.size(); s++) {
      Pair pair = senders.get(s);
      String prefix = phaseName + "-" + s + "-";
      Thread thread =
          new Thread(
              () -> {
                Semaphore window = new Semaphore(inFlight);
                for (long seq = 0; System.nanoTime() < end; seq++) {
                  try {
                    if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                      seq--;
                      continue;
                    }
                  } catch (InterruptedException e) {
                    return;
                  }
                  send(pair, prefix + seq, false).whenComplete((ok, error) -> window.release());
                }
              },
              "sender-" + s);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  /** Sends at a fixed total rate, spread over the senders in turn, whatever the replies do. */
  private void openLoop(List<Pair> senders, double perSecond, Duration length)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = start + length.toNanos();
    long issued = 0;
    while (System.nanoTime() < end) {
      long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
      for (; issued < due; issued++) {
        Pair pair = senders.get((int) (issued % senders.size()));
        send(pair, "half-" + issued, true);
      }
      Thread.sleep(2);
    }
  }

  private CompletableFuture<Accepted> send(Pair pair, String clientId, boolean halfLoad) {
    if (halfLoad) {
      halfLoadIds.add(clientId);
    }
    sentAt.put(clientId, System.nanoTime());
    sent.increment();
    // The SDK picks each message's client id; the benchmark's own id for it travels as the body.
    return pair.sender()
        .send(pair.recipientPhone(), clientId)
        .whenComplete(
            (reply, error) -> {
              if (error == null) {
                accepted.increment();
                acceptedMessageIds.add(reply.messageId());
              } else {
                failed.increment();
              }
            });
  }

  /**
   * Lets the previous phase finish entirely (deliveries, then the acks and receipts they set off)
   * so that the next one does not start behind its queue.
   */
  private void settle() throws InterruptedException {
    await(this::drained, Duration.ofSeconds(60));
    await(this::allReceipted, Duration.ofSeconds(60));
    awaitQuiet();
  }

  private void awaitQuiet() {
    awaitQuiet(stack);
  }

  /** Waits until no frame has crossed the gateway, either way, for half a second. */
  static void awaitQuiet(LocalStack stack) {
    Traffic.Snapshot[] last = {stack.traffic()};
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              Traffic.Snapshot now = stack.traffic();
              boolean quiet =
                  now.messagesIn() == last[0].messagesIn()
                      && now.messagesOut() == last[0].messagesOut();
              last[0] = now;
              return quiet;
            });
  }

  /** Every send answered and every accepted message delivered. */
  private boolean drained() {
    return sent.sum() == accepted.sum() + failed.sum() && delivered.size() >= accepted.sum();
  }

  private boolean allReceipted() {
    return receipted.containsAll(acceptedMessageIds);
  }

  /** Waits until {@code done} holds or {@code limit} passes; says whether it held. */
  private static boolean await(BooleanSupplier done, Duration limit) {
    try {
      Awaitility.await()
          .atMost(limit)
          .pollInterval(Duration.ofMillis(20))
          .until(done::getAsBoolean);
      return true;
    } catch (ConditionTimeoutException notInTime) {
      return false;
    }
  }
}
