package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Listener;
import io.checkmark.local.LocalStack;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A 1,000-message run through the local stack: first 100 messages one at a time (latency without
 * load), then 900 from 10 senders to their own recipients with up to 10 in flight each
 * (throughput). Every message must arrive exactly once; the figures it prints are this machine's,
 * not targets.
 */
class DeliveryRunTest {

  private static final int PAIRS = 10;
  private static final int SEQUENTIAL_MESSAGES = 100;
  private static final int MESSAGES_PER_PAIR = 90;
  private static final int IN_FLIGHT_PER_SENDER = 10;

  @Test
  void thousandMessagesAreAllDeliveredExactlyOnce() throws Exception {
    try (LocalStack stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(
                    Map.of(
                        "PinRequestsPerAddressPerHour",
                        "100000",
                        // Hundreds of sends from one account within a minute: explicitly more than
                        // the default limit.
                        "SendsPerAccountPer10Seconds",
                        "100000"))
                .build())) {
      int total = SEQUENTIAL_MESSAGES + PAIRS * MESSAGES_PER_PAIR;
      CountDownLatch delivered = new CountDownLatch(total);
      Set<String> seen = ConcurrentHashMap.newKeySet();
      AtomicInteger duplicates = new AtomicInteger();
      long[] latencies = new long[total];
      AtomicInteger latencyCount = new AtomicInteger();
      List<CheckmarkClient> clients = new ArrayList<>();
      List<CheckmarkClient> senders = new ArrayList<>();
      List<String> recipients = new ArrayList<>();
      try {
        for (int pair = 0; pair < PAIRS; pair++) {
          String recipient = Phones.next();
          String sender = Phones.next();
          Listener counting =
              new Listener() {
                @Override
                public void onMessage(MessageFrame message) {
                  long sentAt =
                      Long.parseLong(message.body().substring(message.body().indexOf('@') + 1));
                  if (seen.add(message.messageId())) {
                    latencies[latencyCount.getAndIncrement()] = System.nanoTime() - sentAt;
                    delivered.countDown();
                  } else {
                    duplicates.incrementAndGet();
                  }
                }
              };
          CheckmarkClient recipientClient =
              CheckmarkClient.builder(stack.webSocketUrl())
                  .credentials(recipient, Devices.register(stack, recipient))
                  .listener(counting)
                  .build();
          CheckmarkClient senderClient =
              Devices.client(stack, sender, Devices.register(stack, sender), new Devices.Inbox());
          recipientClient.connect().join();
          senderClient.connect().join();
          clients.add(recipientClient);
          clients.add(senderClient);
          senders.add(senderClient);
          recipients.add(recipient);
        }

        for (int i = 0; i < SEQUENTIAL_MESSAGES; i++) {
          long awaited = delivered.getCount() - 1;
          senders
              .get(0)
              .send(recipients.get(0), "s" + i + "@" + System.nanoTime())
              .get(10, TimeUnit.SECONDS);
          while (delivered.getCount() > awaited) {
            Thread.onSpinWait();
          }
        }
        long[] unloaded = Arrays.copyOf(latencies, SEQUENTIAL_MESSAGES);
        Arrays.sort(unloaded);

        long requestsBefore = AwsCallRecorder.FUNCTION_DYNAMODB_REQUESTS.get();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (int pair = 0; pair < PAIRS; pair++) {
          CheckmarkClient sender = senders.get(pair);
          String recipient = recipients.get(pair);
          sending.add(
              CompletableFuture.runAsync(
                  () -> {
                    List<CompletableFuture<?>> window = new ArrayList<>();
                    for (int i = 0; i < MESSAGES_PER_PAIR; i++) {
                      window.add(sender.send(recipient, i + "@" + System.nanoTime()));
                      if (window.size() == IN_FLIGHT_PER_SENDER) {
                        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
                        window.clear();
                      }
                    }
                    CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
                  }));
        }
        CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new))
            .get(120, TimeUnit.SECONDS);
        assertThat(delivered.await(60, TimeUnit.SECONDS)).as("all %d delivered", total).isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;
        // The senders ack the last receipts a moment after they arrive: wait until no request is
        // made for 300 ms.
        long[] lastSeen = {-1};
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> {
                  long now = AwsCallRecorder.FUNCTION_DYNAMODB_REQUESTS.get();
                  boolean settled = now == lastSeen[0];
                  lastSeen[0] = now;
                  return settled;
                });
        // Send, push, the recipient's ack, the receipt, the sender's ack of it: all the requests a
        // delivery costs.
        double requestsPerMessage =
            (AwsCallRecorder.FUNCTION_DYNAMODB_REQUESTS.get() - requestsBefore)
                / (double) (total - SEQUENTIAL_MESSAGES);

        assertThat(seen).hasSize(total);
        assertThat(duplicates.get()).as("duplicates handed to listeners").isZero();
        long[] loaded = Arrays.copyOfRange(latencies, SEQUENTIAL_MESSAGES, latencyCount.get());
        Arrays.sort(loaded);
        int concurrent = total - SEQUENTIAL_MESSAGES;
        System.out.printf(
            "DELIVERY RUN: one at a time: send->deliver p50 %.1f ms, p99 %.1f ms (%d messages);"
                + " %d in flight: %d messages in %.2f s = %.0f msg/s, send->deliver p50 %.1f ms, p99 %.1f ms;"
                + " %.1f DynamoDB requests per delivered message; lost 0, duplicated %d%n",
            unloaded[unloaded.length / 2] / 1e6,
            unloaded[(int) (unloaded.length * 0.99)] / 1e6,
            SEQUENTIAL_MESSAGES,
            PAIRS * IN_FLIGHT_PER_SENDER,
            concurrent,
            seconds,
            concurrent / seconds,
            loaded[loaded.length / 2] / 1e6,
            loaded[(int) (loaded.length * 0.99)] / 1e6,
            requestsPerMessage,
            duplicates.get());
      } finally {
        clients.forEach(CheckmarkClient::close);
      }
    }
  }
}
