package io.checkmark.bench;

import io.checkmark.aws.AccountsTable;
import io.checkmark.aws.MessagesTable;
import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Listener;
import io.checkmark.local.LocalStack;
import io.checkmark.local.Traffic;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.testsupport.Phones;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A group message to groups of 10, 100 and 1,024 members: how long {@code accepted} takes (it must
 * not grow with the group), how long until the last member device has its copy (queued, from the
 * fan-out's progress marker, and pushed, on a few members connected live), what DynamoDB does per
 * delivered copy, and how many function invocations a group message takes. Members other than the
 * live ones are accounts without connections, as most members of a large group are at any moment.
 */
final class GroupFanOutBenchmark {

  /** Members connected live, whose devices are pushed to and ack. */
  private static final int LIVE_MEMBERS = 5;

  private static final Duration DEADLINE = Duration.ofSeconds(120);

  /** The figures for one group size. */
  record Result(
      int members,
      int messages,
      Latencies accepted,
      Latencies lastStored,
      Latencies lastPushed,
      DynamoDbMeter.Reading dynamoDb,
      long copies,
      long sendInvocations,
      long fanOutInvocations,
      double receiptWriteUnits) {

    double dollarsPerMillionCopies() {
      return 1e6
          * (dynamoDb.readUnits() * CostModel.DYNAMODB_READ_UNIT
              + dynamoDb.writeUnits() * CostModel.DYNAMODB_WRITE_UNIT)
          / copies;
    }
  }

  /** Milliseconds, sorted. */
  record Latencies(List<Double> millis) {
    double percentile(double p) {
      List<Double> sorted = millis.stream().sorted().toList();
      return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1));
    }
  }

  private final LocalStack stack;
  private final DynamoDbClient dynamoDb;

  GroupFanOutBenchmark(LocalStack stack, DynamoDbClient dynamoDb) {
    this.stack = stack;
    this.dynamoDb = dynamoDb;
  }

  List<Result> run(Report report, int[] groupSizes, int messagesPerGroup) throws Exception {
    List<Result> results = new ArrayList<>();
    for (int members : groupSizes) {
      results.add(measure(members, messagesPerGroup));
    }
    report.section("7. Groups: a message to 10, 100 and 1,024 members");
    report.line(
        "Per group size, %d messages sent one after the other by a member; %d other members are"
            + " connected (client SDK, acking), the rest are accounts without connections. A copy"
            + " is one queued item for one member device. DynamoDB work counts the send, the"
            + " fan-out and the live members' acks; the stream reads of the event source mapping"
            + " are not billed by AWS and not counted.",
        messagesPerGroup, LIVE_MEMBERS);
    report.line("");
    report.line(
        "| members | accepted p50 | accepted p99 | last copy stored p50 / max | last live push p50 / max"
            + " | DynamoDB requests per copy | units per copy (read + write) | DynamoDB $ per million"
            + " copies | invocations per message (send + fan-out) |");
    report.line("|---|---|---|---|---|---|---|---|---|");
    for (Result result : results) {
      report.line(
          "| %,d | %.1f ms | %.1f ms | %.0f / %.0f ms | %.0f / %.0f ms | %.3f | %.3f + %.2f | $%.2f |"
              + " %.2f + %.2f |",
          result.members(),
          result.accepted().percentile(50),
          result.accepted().percentile(99),
          result.lastStored().percentile(50),
          result.lastStored().percentile(100),
          result.lastPushed().percentile(50),
          result.lastPushed().percentile(100),
          (double) result.dynamoDb().requests() / result.copies(),
          result.dynamoDb().readUnits() / result.copies(),
          result.dynamoDb().writeUnits() / result.copies(),
          result.dollarsPerMillionCopies(),
          (double) result.sendInvocations() / result.messages(),
          (double) result.fanOutInvocations() / result.messages());
    }
    Result largest = results.get(results.size() - 1);
    double perMessage = largest.receiptWriteUnits() * (largest.members() - 1);
    report.line("");
    report.line(
        "Receipts: a member's `delivered` receipt costs the sender's queue partition %.1f write"
            + " units (measured on the live members' acks), so one message to %,d members brings"
            + " %,.0f write units to that one partition as its members ack. DynamoDB takes at most"
            + " 1,000 write units per second per partition: if every member acked within the same"
            + " second, that partition would be throttled for about %.1f seconds, which the acks'"
            + " SDK retries ride out (the receipts are queued in the acks' own transactions, so none"
            + " is lost; a retried ack is the only delay).",
        largest.receiptWriteUnits(), largest.members(), perMessage, perMessage / 1000);
    report.target(
        "group accepted p99 with " + largest.members() + " members, over the smallest group's",
        largest.accepted().percentile(99) / results.get(0).accepted().percentile(99),
        2,
        false,
        "×");
    report.target(
        "last copy of a " + largest.members() + "-member group stored (p50)",
        largest.lastStored().percentile(50),
        5000,
        false,
        "ms");
    return results;
  }

  private Result measure(int members, int messages) throws Exception {
    Devices devices = new Devices(stack);
    AccountsTable accounts =
        new AccountsTable(dynamoDb, stack.environmentOf("SendFunction").get("ACCOUNTS_TABLE"));
    List<CheckmarkClient> clients = new ArrayList<>();
    Map<String, Map<String, Instant>> pushedAt = new ConcurrentHashMap<>();
    try {
      Devices.Device sender = devices.register(false);
      // Receipts stay queued, unacked: their stored size gives a receipt's write units below.
      CheckmarkClient senderClient =
          CheckmarkClient.builder(stack.webSocketUrl())
              .credentials(sender.phone(), sender.deviceKey())
              .withoutMessages()
              .build();
      senderClient.connect().get(30, TimeUnit.SECONDS);
      clients.add(senderClient);
      List<String> phones = new ArrayList<>();
      for (int i = 0; i < LIVE_MEMBERS && phones.size() < members - 1; i++) {
        Devices.Device live = devices.register(false);
        Map<String, Instant> arrivals = new ConcurrentHashMap<>();
        pushedAt.put(live.phone(), arrivals);
        clients.add(
            connect(
                live,
                new Listener() {
                  @Override
                  public void onMessage(MessageFrame message) {
                    arrivals.putIfAbsent(message.messageId(), Instant.now());
                  }
                }));
        phones.add(live.phone());
      }
      while (phones.size() < members - 1) {
        // Members that are accounts only: registered straight into the table, as fast as it takes.
        String phone = Phones.next();
        accounts.replacePrimary(phone, "benchmark member", Instant.now());
        phones.add(phone);
      }
      String groupId =
          senderClient
              .createGroup("benchmark " + members, phones)
              .get(60, TimeUnit.SECONDS)
              .groupId();
      awaitFanOutsDone();

      DynamoDbMeter.Reading before = DynamoDbMeter.read();
      Traffic.Snapshot trafficBefore = stack.traffic();
      long fanOutsBefore = stack.streamInvocations();
      List<Double> accepted = new ArrayList<>();
      List<Double> lastStored = new ArrayList<>();
      List<Double> lastPushed = new ArrayList<>();
      for (int i = 0; i < messages; i++) {
        // The last message's fan-out has returned: on AWS it runs on a machine of its own, here it
        // would take the send's CPU.
        Awaitility.await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(5))
            .until(() -> stack.streamInvocationsRunning() == 0);
        Instant sent = Instant.now();
        String messageId =
            senderClient.sendToGroup(groupId, "group " + i).get(30, TimeUnit.SECONDS).messageId();
        accepted.add(millisSince(sent));
        Awaitility.await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(5))
            .until(() -> fanOutProgress(messageId) == members);
        lastStored.add(millisSince(sent));
        Awaitility.await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(5))
            .until(
                () ->
                    pushedAt.values().stream()
                        .allMatch(arrivals -> arrivals.containsKey(messageId)));
        lastPushed.add(
            pushedAt.values().stream()
                .mapToDouble(
                    arrivals -> Duration.between(sent, arrivals.get(messageId)).toNanos() / 1e6)
                .max()
                .orElse(0));
      }
      EndToEndBenchmark.awaitQuiet(stack);
      DynamoDbMeter.Reading used = DynamoDbMeter.read().since(before);
      Traffic.Snapshot traffic = stack.traffic().since(trafficBefore);
      long copies = (long) messages * (members - 1);
      return new Result(
          members,
          messages,
          new Latencies(accepted),
          new Latencies(lastStored),
          new Latencies(lastPushed),
          used,
          copies,
          traffic.invocationsByRoute().getOrDefault("send", 0L),
          stack.streamInvocations() - fanOutsBefore,
          receiptWriteUnits(sender.phone()));
    } finally {
      clients.forEach(CheckmarkClient::close);
    }
  }

  /** The group's creation fanned out: the stream's invocations stop for a while. */
  private void awaitFanOutsDone() {
    long[] last = {-1};
    Awaitility.await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long now = stack.streamInvocations();
              boolean quiet = now == last[0];
              last[0] = now;
              return quiet;
            });
    EndToEndBenchmark.awaitQuiet(stack);
  }

  /**
   * The write units of one member's {@code delivered} receipt in the sender's queue, from the
   * receipts stored there (the sender's client leaves them queued): each is a put in the member's
   * ack transaction, 2 units per started KB, as DynamoDB bills transactional writes.
   */
  private double receiptWriteUnits(String sender) {
    return dynamoDb
        .query(
            r ->
                r.tableName(stack.environmentOf("SendFunction").get("MESSAGES_TABLE"))
                    .keyConditionExpression("#q = :q")
                    .expressionAttributeNames(Map.of("#q", "queue"))
                    .expressionAttributeValues(Map.of(":q", AttributeValue.fromS(sender)))
                    .consistentRead(true))
        .items()
        .stream()
        .filter(item -> item.containsKey("ids"))
        .mapToDouble(item -> 2 * Math.ceil(DynamoDbMeter.itemBytes(item) / 1024.0))
        .max()
        .orElseThrow(() -> new IllegalStateException("no delivered receipt reached the sender"));
  }

  private CheckmarkClient connect(Devices.Device device, Listener listener) throws Exception {
    CheckmarkClient client =
        CheckmarkClient.builder(stack.webSocketUrl())
            .credentials(device.phone(), device.deviceKey())
            .listener(listener)
            .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .build();
    client.connect().get(30, TimeUnit.SECONDS);
    return client;
  }

  /** How many recipients of a group event have their copies, from its fan-out's marker. */
  private int fanOutProgress(String eventId) {
    return MessagesTable.fanOutProgress(
        dynamoDb, stack.environmentOf("SendFunction").get("MESSAGES_TABLE"), eventId);
  }

  private static double millisSince(Instant start) {
    return Duration.between(start, Instant.now()).toNanos() / 1e6;
  }
}
