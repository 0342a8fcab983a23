package io.checkmark.bench;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Listener;
import io.checkmark.core.MessagingService;
import io.checkmark.local.LocalStack;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.awaitility.Awaitility;

/**
 * What a delivered message costs in DynamoDB work when every phone has one device and when every
 * phone has three (a primary and two linked devices, each a client SDK over its own WebSocket that
 * acks its own copies). The same messages go from each sender to its recipient, a few in flight;
 * the run waits until every device holds every copy (messages, sent transcripts) and every sender
 * device every {@code delivered} receipt, and until the gateway is quiet, so that every ack is
 * counted. A copy missing or seen twice fails the run.
 */
final class DeviceFanOutBenchmark {

  /** The DynamoDB work per delivered message with so many devices per phone. */
  record Result(int devicesPerPhone, long delivered, DynamoDbMeter.Reading dynamoDb) {

    double perMessage(double total) {
      return total / delivered;
    }

    double dollarsPerMillion() {
      return 1e6
          * perMessage(
              dynamoDb.readUnits() * CostModel.DYNAMODB_READ_UNIT
                  + dynamoDb.writeUnits() * CostModel.DYNAMODB_WRITE_UNIT);
    }
  }

  private static final int IN_FLIGHT = 4;
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  private final LocalStack stack;

  DeviceFanOutBenchmark(LocalStack stack) {
    this.stack = stack;
  }

  List<Result> run(Report report, int pairs, int messagesPerPair) throws Exception {
    List<Result> results = new ArrayList<>();
    for (int devicesPerPhone : new int[] {1, 3}) {
      results.add(measure(devicesPerPhone, pairs, messagesPerPair));
    }
    report.section(
        "6. Linked devices: DynamoDB work per delivered message, 1 and 3 devices per phone");
    report.line(
        "%d sender/recipient pairs, %d messages each, up to %d in flight per sender; with 3 devices"
            + " every phone, sender and recipient, has a primary and two linked devices, each a"
            + " client SDK on its own WebSocket that acks its own copies (messages, sent transcripts,"
            + " receipts). A message is delivered when the recipient's primary acks it.",
        pairs, messagesPerPair, IN_FLIGHT);
    report.line("");
    report.line("| per delivered message | 1 device per phone | 3 devices per phone |");
    report.line("|---|---|---|");
    Set<String> operations = new TreeSet<>();
    results.forEach(result -> operations.addAll(result.dynamoDb().requestsByOperation().keySet()));
    for (String operation : operations) {
      report.line(
          "| %s requests | %s | %s |",
          operation, perMessage(results.get(0), operation), perMessage(results.get(1), operation));
    }
    report.line(
        "| **DynamoDB requests** | **%.2f** | **%.2f** |",
        results.get(0).perMessage(results.get(0).dynamoDb().requests()),
        results.get(1).perMessage(results.get(1).dynamoDb().requests()));
    report.line(
        "| capacity units (read + write) | %.2f + %.2f | %.2f + %.2f |",
        results.get(0).perMessage(results.get(0).dynamoDb().readUnits()),
        results.get(0).perMessage(results.get(0).dynamoDb().writeUnits()),
        results.get(1).perMessage(results.get(1).dynamoDb().readUnits()),
        results.get(1).perMessage(results.get(1).dynamoDb().writeUnits()));
    report.line(
        "| **DynamoDB $ per million delivered messages** | **$%.2f** | **$%.2f** |",
        results.get(0).dollarsPerMillion(), results.get(1).dollarsPerMillion());
    report.line("");
    report.line(
        "With 3 devices the send transaction carries a put per copy (3 for the recipient's devices,"
            + " 2 sent transcripts), each device acks its own copy in a transaction of its own, and"
            + " the `delivered` receipt is put in, pushed to and acked by each of the sender's 3"
            + " devices: writes grow with the copies, while reads stay few: an account batch when"
            + " a function's last read of the two accounts is over %s old, and one connection"
            + " query per phone pushed to.",
        TypingAndBlockingBenchmark.asText(MessagingService.ACCOUNT_REUSE));
    return results;
  }

  private static String perMessage(Result result, String operation) {
    Long count = result.dynamoDb().requestsByOperation().get(operation);
    return count == null ? "0" : String.format(Locale.ROOT, "%.2f", result.perMessage(count));
  }

  private Result measure(int devicesPerPhone, int pairs, int messagesPerPair) throws Exception {
    Devices devices = new Devices(stack);
    Map<String, Set<String>> copiesByDevice = new ConcurrentHashMap<>();
    LongAdder duplicates = new LongAdder();
    List<CheckmarkClient> clients = new ArrayList<>();
    List<Phone> senders = new ArrayList<>();
    List<Phone> recipients = new ArrayList<>();
    try {
      for (int i = 0; i < pairs; i++) {
        senders.add(phone(devices, devicesPerPhone, copiesByDevice, duplicates, clients));
        recipients.add(phone(devices, devicesPerPhone, copiesByDevice, duplicates, clients));
      }
      EndToEndBenchmark.awaitQuiet(stack);
      DynamoDbMeter.Reading before = DynamoDbMeter.read();
      List<Thread> threads = new ArrayList<>();
      Set<String> accepted = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < pairs; i++) {
        Phone sender = senders.get(i);
        Phone recipient = recipients.get(i);
        Thread thread =
            new Thread(
                () -> sendAll(sender, recipient.number(), messagesPerPair, accepted),
                "fan-out-sender-" + i);
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      long expected = (long) pairs * messagesPerPair;
      if (accepted.size() != expected) {
        throw new IllegalStateException(accepted.size() + " of " + expected + " sends accepted");
      }
      Awaitility.await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> everyCopyArrived(copiesByDevice, accepted, devicesPerPhone));
      EndToEndBenchmark.awaitQuiet(stack);
      if (duplicates.sum() > 0) {
        throw new IllegalStateException(duplicates.sum() + " copies arrived twice");
      }
      return new Result(devicesPerPhone, expected, DynamoDbMeter.read().since(before));
    } finally {
      clients.forEach(CheckmarkClient::close);
    }
  }

  /** A phone's number and its primary's client (the sending device). */
  private record Phone(String number, CheckmarkClient primary) {}

  /**
   * A registered phone with its primary and {@code devicesPerPhone - 1} linked devices, each
   * recording under its own key what it receives: messages and transcripts by body, {@code
   * delivered} receipts by message id.
   */
  private Phone phone(
      Devices devices,
      int devicesPerPhone,
      Map<String, Set<String>> copiesByDevice,
      LongAdder duplicates,
      List<CheckmarkClient> clients)
      throws Exception {
    Devices.Device registered = devices.register(false);
    CheckmarkClient primary =
        CheckmarkClient.builder(stack.webSocketUrl())
            .credentials(registered.phone(), registered.deviceKey())
            .listener(recorder(registered.phone() + "#1", copiesByDevice, duplicates))
            .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .build();
    clients.add(primary);
    primary.connect().get(30, TimeUnit.SECONDS);
    for (int device = 2; device <= devicesPerPhone; device++) {
      clients.add(
          Devices.link(
              stack,
              primary,
              recorder(registered.phone() + "#" + device, copiesByDevice, duplicates),
              device));
    }
    return new Phone(registered.phone(), primary);
  }

  private static Listener recorder(
      String device, Map<String, Set<String>> copiesByDevice, LongAdder duplicates) {
    Set<String> copies =
        copiesByDevice.computeIfAbsent(device, key -> ConcurrentHashMap.newKeySet());
    return new Listener() {
      @Override
      public void onMessage(MessageFrame message) {
        record(message.messageId());
      }

      @Override
      public void onSentTranscript(MessageFrame transcript) {
        record(transcript.messageId());
      }

      @Override
      public void onReceipt(ReceiptFrame receipt) {
        if (receipt.status().equals("delivered")) {
          receipt.messageIds().forEach(id -> record("delivered:" + id));
        }
      }

      private void record(String copy) {
        if (!copies.add(copy)) {
          duplicates.increment();
        }
      }
    };
  }

  private static void sendAll(Phone sender, String to, int messages, Set<String> accepted) {
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      if (inFlight.size() == IN_FLIGHT) {
        inFlight.remove(0).join();
      }
      inFlight.add(
          sender
              .primary()
              .send(to, "fan-out " + i)
              .thenAccept(reply -> accepted.add(reply.messageId())));
    }
    inFlight.forEach(CompletableFuture::join);
  }

  /**
   * Every device of every recipient holds every message, every other device of every sender its
   * transcript, and every device of every sender each message's {@code delivered} receipt.
   */
  private static boolean everyCopyArrived(
      Map<String, Set<String>> copiesByDevice, Set<String> accepted, int devicesPerPhone) {
    long copies = copiesByDevice.values().stream().mapToLong(Set::size).sum();
    // Per message: the recipient's devices, the sender's other devices, and a receipt for each
    // of the sender's devices.
    long perMessage = devicesPerPhone + (devicesPerPhone - 1) + devicesPerPhone;
    return copies == accepted.size() * perMessage;
  }
}
