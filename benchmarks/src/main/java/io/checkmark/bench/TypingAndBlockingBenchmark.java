package io.checkmark.bench;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.LastSeenPrivacy;
import io.checkmark.client.Listener;
import io.checkmark.core.BlockList;
import io.checkmark.core.MessagingService;
import io.checkmark.core.PresenceService;
import io.checkmark.core.Sessions;
import io.checkmark.local.LocalStack;
import io.checkmark.local.Traffic;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import io.checkmark.protocol.TypingFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Section 10: what typing, presence and blocking cost. Blocking: the DynamoDB work of {@code send}
 * (the send function's own requests, per send) and of a delivered message (every function's), with
 * the recipient blocking nobody, 100 other phones, 1,000 (the limit) or the sender; the block list
 * is a set on the account item that {@code send} reads anyway, so it should add no request, only
 * read units once the item passes 4 KB, and write units to every write of that item. Typing: per
 * {@code typing} frame on the local stack, the gateway's messages in and out, the invocations and
 * the typing function's DynamoDB work, one-to-one to a phone with 1 and with 3 live devices and in
 * a group; and the warm handler's own time, from {@link WarmLatencyBenchmark#typing}. The cost
 * model prices it. Presence: the same per query. Every device is a client SDK on its own WebSocket;
 * a copy that should arrive and does not, or one that should not and does, fails the run.
 */
final class TypingAndBlockingBenchmark {

  /**
   * One message per pair this often: slower than the send path's account reuse, so that every send
   * reads both accounts, where a larger account item would show.
   */
  private static final Duration PACE = Duration.ofMillis(1500);

  /**
   * From a typing frame to the next in a chat: {@code typing} as a message is begun, {@code paused}
   * as it goes 1.5 s later, the next begun 1.5 s after that.
   */
  private static final Duration TYPING_GAP = Duration.ofMillis(1500);

  private static final int OTHERS_BLOCKED = 100;
  private static final int GROUP_MEMBERS = 10;
  private static final int LIVE_GROUP_MEMBERS = 5;
  private static final int PRESENCE_QUERIES = 3;
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  /** Whom the recipient blocks. */
  enum Blocking {
    NOBODY("blocks nobody"),
    HUNDRED("blocks 100 other phones"),
    LIMIT("blocks 1,000 other phones (the limit)"),
    SENDER("blocks the sender");

    private final String text;

    Blocking(String text) {
      this.text = text;
    }
  }

  /** One cadence of sends: the send function's DynamoDB work and every function's. */
  record SendPhase(
      long sends, long delivered, DynamoDbMeter.Reading send, DynamoDbMeter.Reading all) {}

  /** One blocking case. */
  record BlockResult(
      Blocking blocking,
      double accountBytes,
      SendPhase paced,
      SendPhase burst,
      double accountWriteUnits) {}

  /**
   * One typing case: frames sent, frames received, the gateway's traffic and the function's work.
   */
  record TypingResult(
      String name,
      long events,
      long received,
      Traffic.Snapshot traffic,
      DynamoDbMeter.Reading dynamoDb) {

    CostModel.TypingEvent perEvent(double workMillis) {
      double invocations = traffic.invocationsByRoute().getOrDefault("typing", 0L);
      return new CostModel.TypingEvent(
          invocations / events,
          (double) received / events,
          invocations / events,
          (double) received / events,
          (double) dynamoDb.requests() / events,
          dynamoDb.readUnits() / events,
          dynamoDb.writeUnits() / events,
          workMillis);
    }
  }

  /** A presence probe: queries made, the gateway's traffic and the function's work. */
  record PresenceResult(long queries, Traffic.Snapshot traffic, DynamoDbMeter.Reading dynamoDb) {}

  /** A sender, its recipient, and both clients. */
  private record Conversation(
      String senderPhone,
      CheckmarkClient sender,
      String recipientPhone,
      CheckmarkClient recipient) {}

  private final LocalStack stack;
  private final DynamoDbClient dynamoDb;
  private final Path template;

  TypingAndBlockingBenchmark(LocalStack stack, DynamoDbClient dynamoDb, Path template) {
    this.stack = stack;
    this.dynamoDb = dynamoDb;
    this.template = template;
  }

  void run(Report report, BenchmarkSuite.Size size, CostModel.PerMillion messageCost)
      throws Exception {
    List<BlockResult> blocking = new ArrayList<>();
    for (Blocking who : Blocking.values()) {
      blocking.add(measureBlocking(who, size.blockingPairs(), size.blockingMessages()));
    }
    List<TypingResult> typing = new ArrayList<>();
    List<PresenceResult> presence = new ArrayList<>();
    typing.add(measureTyping(1, size.typingPairs(), size.typingRounds(), presence));
    typing.add(measureTyping(3, size.typingPairs(), size.typingRounds(), null));
    typing.add(measureGroupTyping(size.typingRounds()));
    Histogram warmTyping = new WarmLatencyBenchmark(stack, template).typing(size.warmTypingCalls());

    report.section("10. Typing, presence and blocking");
    reportBlocking(report, blocking, size);
    reportTyping(report, typing, warmTyping, size, messageCost);
    reportPresence(report, presence.get(0));
  }

  // ---- Blocking -----------------------------------------------------------------------------

  private BlockResult measureBlocking(Blocking blocking, int pairs, int messages) throws Exception {
    Devices devices = new Devices(stack);
    List<CheckmarkClient> clients = new ArrayList<>();
    Set<String> received = ConcurrentHashMap.newKeySet();
    Set<String> receipted = ConcurrentHashMap.newKeySet();
    List<Conversation> conversations = new ArrayList<>();
    try {
      for (int i = 0; i < pairs; i++) {
        Devices.Device sender = devices.register(false);
        Devices.Device recipient = devices.register(false);
        CheckmarkClient recipientClient =
            client(
                recipient,
                new Listener() {
                  @Override
                  public void onMessage(MessageFrame message) {
                    received.add(message.messageId());
                  }
                });
        clients.add(recipientClient);
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
        clients.add(senderClient);
        conversations.add(
            new Conversation(sender.phone(), senderClient, recipient.phone(), recipientClient));
      }
      for (CheckmarkClient client : clients) {
        client.connect().get(30, TimeUnit.SECONDS);
      }
      block(blocking, conversations);
      EndToEndBenchmark.awaitQuiet(stack);
      double accountBytes =
          conversations.stream()
              .mapToLong(conversation -> accountBytes(conversation.recipientPhone()))
              .average()
              .orElse(0);
      SendPhase paced =
          sendPhase(blocking, conversations, messages, PACE, "paced", received, receipted);
      SendPhase burst =
          sendPhase(blocking, conversations, messages, Duration.ZERO, "burst", received, receipted);
      return new BlockResult(
          blocking, accountBytes, paced, burst, accountWriteUnits(conversations));
    } finally {
      clients.forEach(CheckmarkClient::close);
    }
  }

  /**
   * Blocks as the case says: 100 phones through the {@code block} action, the limit written
   * straight into the account item (1,000 actions per recipient would only make the run longer),
   * the sender through the action. Each recipient's list is then read back through {@code
   * listBlocked}.
   */
  private void block(Blocking blocking, List<Conversation> conversations) throws Exception {
    List<CompletableFuture<?>> blocks = new ArrayList<>();
    for (Conversation conversation : conversations) {
      switch (blocking) {
        case NOBODY -> {}
        case HUNDRED -> {
          // One after the other per recipient, as a user blocks; the recipients at once.
          CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
          for (int i = 0; i < OTHERS_BLOCKED; i++) {
            String phone = otherPhone(i);
            chain = chain.thenCompose(done -> conversation.recipient().block(phone));
          }
          blocks.add(chain);
        }
        case LIMIT -> {
          List<String> phones = new ArrayList<>();
          for (int i = 0; i < BlockList.MAX_BLOCKED; i++) {
            phones.add(otherPhone(i));
          }
          dynamoDb.updateItem(
              r ->
                  r.tableName(accountsTable())
                      .key(Map.of("phone", AttributeValue.fromS(conversation.recipientPhone())))
                      .updateExpression("ADD blocked :phones")
                      .expressionAttributeValues(Map.of(":phones", AttributeValue.fromSs(phones))));
        }
        case SENDER -> blocks.add(conversation.recipient().block(conversation.senderPhone()));
      }
    }
    CompletableFuture.allOf(blocks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    int expected =
        switch (blocking) {
          case NOBODY -> 0;
          case HUNDRED -> OTHERS_BLOCKED;
          case LIMIT -> BlockList.MAX_BLOCKED;
          case SENDER -> 1;
        };
    for (Conversation conversation : conversations) {
      int listed = conversation.recipient().blocked().get(30, TimeUnit.SECONDS).size();
      if (listed != expected) {
        throw new IllegalStateException(listed + " phones blocked, expected " + expected);
      }
    }
  }

  /**
   * Each sender sends {@code messages} to its recipient, one at a time, a send starting {@code
   * pace} after the one before (at once with zero). Done when every message not blocked has been
   * received and its {@code delivered} receipt has come back, and the gateway is quiet; a blocked
   * message received fails the run.
   */
  private SendPhase sendPhase(
      Blocking blocking,
      List<Conversation> conversations,
      int messages,
      Duration pace,
      String name,
      Set<String> received,
      Set<String> receipted)
      throws Exception {
    DynamoDbMeter.Reading allBefore = DynamoDbMeter.read();
    DynamoDbMeter.Reading sendBefore = DynamoDbMeter.readOf("SendFunction");
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (Conversation conversation : conversations) {
      senders.add(
          CompletableFuture.runAsync(
              () -> sendPaced(conversation, messages, pace, name, accepted)));
    }
    CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    if (blocking == Blocking.SENDER) {
      EndToEndBenchmark.awaitQuiet(stack);
    } else {
      Awaitility.await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> received.containsAll(accepted) && receipted.containsAll(accepted));
      EndToEndBenchmark.awaitQuiet(stack);
    }
    long delivered = accepted.stream().filter(received::contains).count();
    long expected = blocking == Blocking.SENDER ? 0 : accepted.size();
    if (accepted.size() != (long) messages * conversations.size() || delivered != expected) {
      throw new IllegalStateException(
          blocking.text
              + ", "
              + name
              + ": "
              + accepted.size()
              + " accepted, "
              + delivered
              + " delivered, expected "
              + expected);
    }
    return new SendPhase(
        accepted.size(),
        delivered,
        DynamoDbMeter.readOf("SendFunction").since(sendBefore),
        DynamoDbMeter.read().since(allBefore));
  }

  private static void sendPaced(
      Conversation conversation, int messages, Duration pace, String name, Set<String> accepted) {
    try {
      for (int i = 0; i < messages; i++) {
        long start = System.nanoTime();
        accepted.add(
            conversation
                .sender()
                .send(conversation.recipientPhone(), name + " " + i)
                .get(30, TimeUnit.SECONDS)
                .messageId());
        long left = pace.toNanos() - (System.nanoTime() - start);
        if (left > 0) {
          TimeUnit.NANOSECONDS.sleep(left);
        }
      }
    } catch (Exception failed) {
      throw new IllegalStateException("a send failed", failed);
    }
  }

  /**
   * Write units per write of the recipient's (the blocker's) account item, from the writes of
   * {@code setPrivacy}: the setting, and the first last-seen record of that function's session.
   * Every write of the item costs as much: the last-seen records above all, at most one per device
   * per minute for each warm function the device uses.
   */
  private double accountWriteUnits(List<Conversation> conversations) throws Exception {
    DynamoDbMeter.Reading before = DynamoDbMeter.readOf("SetPrivacyFunction");
    for (Conversation conversation : conversations) {
      conversation
          .recipient()
          .setLastSeenPrivacy(LastSeenPrivacy.EVERYONE)
          .get(30, TimeUnit.SECONDS);
    }
    DynamoDbMeter.Reading writes = DynamoDbMeter.readOf("SetPrivacyFunction").since(before);
    long updates = writes.requestsByOperation().getOrDefault("UpdateItem", 0L);
    return updates == 0 ? 0 : writes.unitsByOperation().getOrDefault("UpdateItem", 0.0) / updates;
  }

  private long accountBytes(String phone) {
    return DynamoDbMeter.itemBytes(
        dynamoDb
            .getItem(
                r ->
                    r.tableName(accountsTable())
                        .key(Map.of("phone", AttributeValue.fromS(phone)))
                        .consistentRead(true))
            .item());
  }

  private String accountsTable() {
    return stack.environmentOf("SendFunction").get("ACCOUNTS_TABLE");
  }

  /** Phones that are never registered, outside the range {@code Phones} gives out. */
  private static String otherPhone(int i) {
    return "+1212555" + (1000 + i);
  }

  private void reportBlocking(Report report, List<BlockResult> results, BenchmarkSuite.Size size) {
    report.line(
        "**Blocking.** For each case, %d fresh sender/recipient pairs (client SDKs on their own"
            + " WebSockets; the recipient acks, the sender acks its receipts); the recipient blocks"
            + " as the row says (100 phones through `block`, 1,000 written into its account item,"
            + " the sender through `block`). Each sender then sends %d messages paced one every %s"
            + " (longer than the send path's account reuse of %s, so every send reads both"
            + " accounts), then %d back to back. Per send: the send function's own DynamoDB"
            + " requests and units; per delivered message: every function's (send, ack, the"
            + " receipt's ack). A blocked sender's messages are accepted and never arrive (checked).",
        size.blockingPairs(),
        size.blockingMessages(),
        asText(PACE),
        asText(MessagingService.ACCOUNT_REUSE),
        size.blockingMessages());
    report.line("");
    report.line(
        "| recipient | account item | cadence | send: requests per send (by operation) | send: units"
            + " per send (read + write) | all functions: requests per delivered message | units per"
            + " delivered message (read + write) | write units per write of the recipient's account |");
    report.line("|---|---|---|---|---|---|---|---|");
    for (BlockResult result : results) {
      for (SendPhase phase : List.of(result.paced(), result.burst())) {
        boolean paced = phase == result.paced();
        report.line(
            "| %s | %s | %s | **%.2f** (%s) | %.2f + %.2f | %s | %s | %s |",
            result.blocking().text,
            paced ? String.format(Locale.ROOT, "%,.0f bytes", result.accountBytes()) : "",
            paced ? "one every " + asText(PACE) : "back to back",
            (double) phase.send().requests() / phase.sends(),
            byOperation(phase.send(), phase.sends()),
            phase.send().readUnits() / phase.sends(),
            phase.send().writeUnits() / phase.sends(),
            phase.delivered() == 0
                ? String.format(
                    Locale.ROOT,
                    "none delivered; %.2f per send",
                    (double) phase.all().requests() / phase.sends())
                : String.format(
                    Locale.ROOT, "%.2f", (double) phase.all().requests() / phase.delivered()),
            phase.delivered() == 0
                ? String.format(
                    Locale.ROOT,
                    "%.2f + %.2f per send",
                    phase.all().readUnits() / phase.sends(),
                    phase.all().writeUnits() / phase.sends())
                : String.format(
                    Locale.ROOT,
                    "%.2f + %.2f",
                    phase.all().readUnits() / phase.delivered(),
                    phase.all().writeUnits() / phase.delivered()),
            paced ? Report.format(result.accountWriteUnits()) : "");
      }
    }
    report.line("");
    report.line(
        "The account item's size is measured as DynamoDB counts it (names and values in bytes);"
            + " the last column is the write units of `setPrivacy`'s writes to the recipient's"
            + " account (the setting and its first last-seen record): every write of that item,"
            + " above all the last-seen records (at most one per device per minute for each warm"
            + " function it uses, and one at each login), costs as much.");
    report.line("");
    BlockResult nobody = results.get(Blocking.NOBODY.ordinal());
    double base = (double) nobody.paced().send().requests() / nobody.paced().sends();
    for (Blocking other : List.of(Blocking.HUNDRED, Blocking.LIMIT)) {
      SendPhase paced = results.get(other.ordinal()).paced();
      report.target(
          "DynamoDB requests per send, recipient " + other.text + ", over blocking nobody",
          ((double) paced.send().requests() / paced.sends()) / base,
          1,
          false,
          "×");
    }
  }

  private static String byOperation(DynamoDbMeter.Reading reading, long sends) {
    List<String> parts = new ArrayList<>();
    reading
        .requestsByOperation()
        .forEach(
            (operation, count) ->
                parts.add(
                    String.format(Locale.ROOT, "%s %.2f", operation, (double) count / sends)));
    return String.join(", ", parts);
  }

  // ---- Typing ------------------------------------------------------------------------------

  /**
   * Pairs, each a typist and a recipient with {@code devicesPerRecipient} live devices; each typist
   * types {@code rounds} messages' worth ({@code typing}, then {@code paused}, {@link #TYPING_GAP}
   * apart), all at once. With {@code presence} given, each typist then asks its recipient's
   * presence a few times, measured apart.
   */
  private TypingResult measureTyping(
      int devicesPerRecipient, int pairs, int rounds, List<PresenceResult> presence)
      throws Exception {
    Devices devices = new Devices(stack);
    List<CheckmarkClient> clients = new ArrayList<>();
    LongAdder received = new LongAdder();
    List<Conversation> conversations = new ArrayList<>();
    try {
      for (int i = 0; i < pairs; i++) {
        Devices.Device typist = devices.register(false);
        Devices.Device recipient = devices.register(false);
        CheckmarkClient typistClient = client(typist, new Listener() {});
        CheckmarkClient recipientClient = client(recipient, typingCounter(received));
        clients.add(typistClient);
        clients.add(recipientClient);
        typistClient.connect().get(30, TimeUnit.SECONDS);
        recipientClient.connect().get(30, TimeUnit.SECONDS);
        for (int device = 2; device <= devicesPerRecipient; device++) {
          clients.add(Devices.link(stack, recipientClient, typingCounter(received), device));
        }
        conversations.add(
            new Conversation(typist.phone(), typistClient, recipient.phone(), recipientClient));
      }
      EndToEndBenchmark.awaitQuiet(stack);
      Traffic.Snapshot trafficBefore = stack.traffic();
      DynamoDbMeter.Reading before = DynamoDbMeter.readOf("TypingFunction");
      List<CompletableFuture<Void>> typists = new ArrayList<>();
      for (int i = 0; i < conversations.size(); i++) {
        CheckmarkClient typist = conversations.get(i).sender();
        String to = conversations.get(i).recipientPhone();
        Duration start = startOf(i, conversations.size());
        typists.add(
            CompletableFuture.runAsync(
                () ->
                    typeRounds(
                        start, rounds, () -> typist.typing(to), () -> typist.stoppedTyping(to))));
      }
      CompletableFuture.allOf(typists.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
      long events = 2L * rounds * pairs;
      long expected = events * devicesPerRecipient;
      awaitTyping(received, expected);
      TypingResult result =
          new TypingResult(
              "one-to-one, " + devicesPerRecipient + " live device" + plural(devicesPerRecipient),
              events,
              received.sum(),
              stack.traffic().since(trafficBefore),
              DynamoDbMeter.readOf("TypingFunction").since(before));
      if (presence != null) {
        presence.add(measurePresence(conversations));
      }
      return result;
    } finally {
      clients.forEach(CheckmarkClient::close);
    }
  }

  /**
   * A group of {@link #GROUP_MEMBERS}, {@link #LIVE_GROUP_MEMBERS} of them connected: each live
   * member types {@code rounds} messages' worth in the group, all at once; each frame goes to the
   * other live members.
   */
  private TypingResult measureGroupTyping(int rounds) throws Exception {
    Devices devices = new Devices(stack);
    List<CheckmarkClient> clients = new ArrayList<>();
    LongAdder received = new LongAdder();
    try {
      List<String> phones = new ArrayList<>();
      List<CheckmarkClient> live = new ArrayList<>();
      for (int i = 0; i < GROUP_MEMBERS; i++) {
        Devices.Device member = devices.register(false);
        phones.add(member.phone());
        if (i < LIVE_GROUP_MEMBERS) {
          CheckmarkClient client = client(member, typingCounter(received));
          clients.add(client);
          live.add(client);
          client.connect().get(30, TimeUnit.SECONDS);
        }
      }
      String groupId =
          live.get(0)
              .createGroup("typing benchmark", phones.subList(1, phones.size()))
              .get(30, TimeUnit.SECONDS)
              .groupId();
      // The group's creation reaches the live members through the fan-out: let it finish.
      EndToEndBenchmark.awaitQuiet(stack);
      Traffic.Snapshot trafficBefore = stack.traffic();
      DynamoDbMeter.Reading before = DynamoDbMeter.readOf("TypingFunction");
      List<CompletableFuture<Void>> typists = new ArrayList<>();
      for (int i = 0; i < live.size(); i++) {
        CheckmarkClient typist = live.get(i);
        Duration start = startOf(i, live.size());
        typists.add(
            CompletableFuture.runAsync(
                () ->
                    typeRounds(
                        start,
                        rounds,
                        () -> typist.typingInGroup(groupId),
                        () -> typist.stoppedTypingInGroup(groupId))));
      }
      CompletableFuture.allOf(typists.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
      long events = 2L * rounds * LIVE_GROUP_MEMBERS;
      awaitTyping(received, events * (LIVE_GROUP_MEMBERS - 1));
      return new TypingResult(
          String.format(
              Locale.ROOT,
              "group of %d, %d live (%d pushed)",
              GROUP_MEMBERS,
              LIVE_GROUP_MEMBERS,
              LIVE_GROUP_MEMBERS - 1),
          events,
          received.sum(),
          stack.traffic().since(trafficBefore),
          DynamoDbMeter.readOf("TypingFunction").since(before));
    } finally {
      clients.forEach(CheckmarkClient::close);
    }
  }

  /**
   * When typist {@code i} of {@code typists} begins: spread over one round, as people do not type
   * in step (in step, every event that finds a cached copy expired reads it again).
   */
  private static Duration startOf(int i, int typists) {
    return TYPING_GAP.multipliedBy(2L * i).dividedBy(typists);
  }

  private static void typeRounds(Duration start, int rounds, Runnable keystroke, Runnable stopped) {
    try {
      TimeUnit.NANOSECONDS.sleep(start.toNanos());
      for (int i = 0; i < rounds; i++) {
        keystroke.run();
        TimeUnit.NANOSECONDS.sleep(TYPING_GAP.toNanos());
        stopped.run();
        TimeUnit.NANOSECONDS.sleep(TYPING_GAP.toNanos());
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while typing", interrupted);
    }
  }

  /** Every typing frame reached every live device it was for, and none twice. */
  private void awaitTyping(LongAdder received, long expected) {
    Awaitility.await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> received.sum() >= expected);
    EndToEndBenchmark.awaitQuiet(stack);
    if (received.sum() != expected) {
      throw new IllegalStateException(
          received.sum() + " typing frames received, expected " + expected);
    }
  }

  private static Listener typingCounter(LongAdder received) {
    return new Listener() {
      @Override
      public void onTyping(TypingFrame typing) {
        received.increment();
      }
    };
  }

  private void reportTyping(
      Report report,
      List<TypingResult> results,
      Histogram warm,
      BenchmarkSuite.Size size,
      CostModel.PerMillion messageCost) {
    double workMillis = warm.getMean() / 1e6;
    report.line("");
    report.line(
        "**Typing.** One-to-one: %d pairs; the recipient has 1, then 3 live devices (a primary and"
            + " two linked, each a client SDK). Group: %d members, %d connected, each connected"
            + " member typing. Each typist types %d messages' worth through the SDK (`typing` at"
            + " the first keystroke, `paused` %s later as the message would go, the next message"
            + " %s after that), the typists' starts spread over one such round. Counted over the typing only: the gateway's"
            + " invocations of the `typing` route, the typing frames the recipients' clients got"
            + " (each a `postToConnection`, an outgoing WebSocket message) and the typing"
            + " function's DynamoDB requests.",
        size.typingPairs(),
        GROUP_MEMBERS,
        LIVE_GROUP_MEMBERS,
        size.typingRounds(),
        asText(TYPING_GAP),
        asText(TYPING_GAP));
    report.line("");
    report.line(
        "| per typing event | events | messages in | messages out | invocations | DynamoDB requests"
            + " (by operation) | units (read + write) |");
    report.line("|---|---|---|---|---|---|---|");
    for (TypingResult result : results) {
      CostModel.TypingEvent event = result.perEvent(workMillis);
      report.line(
          "| %s | %,d | %.2f | %.2f | %.2f | %.2f (%s) | %.2f + %.2f |",
          result.name(),
          result.events(),
          event.messagesIn(),
          event.messagesOut(),
          event.invocations(),
          event.requests(),
          byOperation(result.dynamoDb(), result.events()),
          event.readUnits(),
          event.writeUnits());
    }
    report.line("");
    report.line(
        "The gateway's own counts over the same intervals (every frame either way, whatever its"
            + " route): %s.",
        String.join(
            "; ",
            results.stream()
                .map(
                    result ->
                        String.format(
                            Locale.ROOT,
                            "%s %,d in, %,d out",
                            result.name(),
                            result.traffic().messagesIn(),
                            result.traffic().messagesOut()))
                .toList()));
    report.line("");
    report.line(
        "Warm `typing` handler, in-process on embedded DynamoDB Local (the harness of section 2;"
            + " one typist, one live recipient device, the push serialized in memory): %,d calls,"
            + " p50 %.3f ms, p99 %.3f ms, mean %.3f ms. What a warm function reads: the recipient's"
            + " connections when its copy is over %s old, its account when over %s old (for the"
            + " block list), and the typist's last seen is written at most once per %s.",
        warm.getTotalCount(),
        WarmLatencyBenchmark.millis(warm, 50),
        WarmLatencyBenchmark.millis(warm, 99),
        workMillis,
        asText(PresenceService.REUSE),
        asText(MessagingService.ACCOUNT_REUSE),
        asText(Sessions.LAST_SEEN_RESOLUTION));
    report.line("");
    report.line(
        "Cost (the prices of section 5): API Gateway for the messages in and out, a Lambda request"
            + " per invocation, Lambda time modelled as the warm handler's mean (%.3f ms) plus %.0f ms"
            + " per DynamoDB request and %.0f ms per `postToConnection` at %.0f GB, DynamoDB at the"
            + " units measured. Per million messages at %.0f typing events per message (`typing`"
            + " and `paused` for a message written within the SDK's 3-second repeat; each further"
            + " 3 seconds of writing adds a `typing`).",
        workMillis,
        CostModel.DYNAMODB_ROUND_TRIP_MS,
        CostModel.POST_TO_CONNECTION_MS,
        CostModel.FUNCTION_MEMORY_GB,
        CostModel.TYPING_EVENTS_PER_MESSAGE);
    report.line("");
    report.line("| | API Gateway | Lambda requests | Lambda duration | DynamoDB | total |");
    report.line("|---|---|---|---|---|---|");
    for (TypingResult result : results) {
      CostModel.row(
          report,
          "per million typing events, " + result.name(),
          CostModel.priceTyping(result.perEvent(workMillis)));
    }
    CostModel.PerMillion oneToOne = CostModel.priceTyping(results.get(0).perEvent(workMillis));
    CostModel.PerMillion perMessage = times(oneToOne, CostModel.TYPING_EVENTS_PER_MESSAGE);
    CostModel.row(
        report,
        String.format(
            Locale.ROOT,
            "per million messages, %.0f typing events each, %s",
            CostModel.TYPING_EVENTS_PER_MESSAGE,
            results.get(0).name()),
        perMessage);
    report.line("");
    if (messageCost != null) {
      report.line(
          "Typing at that ratio adds $%.2f to the $%.2f per million delivered messages of section 5"
              + " (%.0f%%).",
          perMessage.total(), messageCost.total(), 100 * perMessage.total() / messageCost.total());
    }
  }

  private static CostModel.PerMillion times(CostModel.PerMillion cost, double factor) {
    return new CostModel.PerMillion(
        cost.apiGateway() * factor,
        cost.lambdaRequests() * factor,
        cost.lambdaDuration() * factor,
        cost.dynamoDb() * factor);
  }

  // ---- Presence ----------------------------------------------------------------------------

  private PresenceResult measurePresence(List<Conversation> conversations) throws Exception {
    EndToEndBenchmark.awaitQuiet(stack);
    Traffic.Snapshot trafficBefore = stack.traffic();
    DynamoDbMeter.Reading before = DynamoDbMeter.readOf("PresenceFunction");
    for (int i = 0; i < PRESENCE_QUERIES; i++) {
      List<CompletableFuture<?>> queries = new ArrayList<>();
      for (Conversation conversation : conversations) {
        queries.add(
            conversation
                .sender()
                .presence(conversation.recipientPhone())
                .thenAccept(
                    seen -> {
                      if (!seen.online()) {
                        throw new IllegalStateException("a connected recipient shows offline");
                      }
                    }));
      }
      CompletableFuture.allOf(queries.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }
    EndToEndBenchmark.awaitQuiet(stack);
    return new PresenceResult(
        (long) PRESENCE_QUERIES * conversations.size(),
        stack.traffic().since(trafficBefore),
        DynamoDbMeter.readOf("PresenceFunction").since(before));
  }

  private void reportPresence(Report report, PresenceResult result) {
    double queries = result.queries();
    report.line("");
    report.line(
        "**Presence.** %,d `presence` queries, each typist asking of its connected recipient"
            + " (1 device): per query %.2f messages in, %.2f out, %.2f invocations, %.2f DynamoDB"
            + " requests (%s), %.2f + %.2f units. Asked when a chat opens and every half minute"
            + " or so (the SDK's advice), not per message.",
        result.queries(),
        result.traffic().messagesIn() / queries,
        result.traffic().messagesOut() / queries,
        result.traffic().invocations() / queries,
        result.dynamoDb().requests() / queries,
        byOperation(result.dynamoDb(), result.queries()),
        result.dynamoDb().readUnits() / queries,
        result.dynamoDb().writeUnits() / queries);
  }

  // ---- Shared ------------------------------------------------------------------------------

  private CheckmarkClient client(Devices.Device device, Listener listener) {
    return CheckmarkClient.builder(stack.webSocketUrl())
        .credentials(device.phone(), device.deviceKey())
        .listener(listener)
        .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
        // No ping inside a measured interval.
        .pingInterval(Duration.ofMinutes(30))
        .build();
  }

  private static String plural(int count) {
    return count == 1 ? "" : "s";
  }

  /** A duration as a reader says it: "1.5 s", "1 s", "10 s", "1 min". */
  static String asText(Duration duration) {
    if (duration.toMillis() % 60_000 == 0) {
      return duration.toMinutes() + " min";
    }
    double seconds = duration.toMillis() / 1000.0;
    return seconds == Math.rint(seconds)
        ? String.format(Locale.ROOT, "%.0f s", seconds)
        : String.format(Locale.ROOT, "%.1f s", seconds);
  }
}
