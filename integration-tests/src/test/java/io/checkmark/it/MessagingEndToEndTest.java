package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.client.CheckmarkClient;
import io.checkmark.core.ConnectionStore;
import io.checkmark.local.LocalStack;
import io.checkmark.local.TestSocket;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** One-to-one delivery over real WebSockets on the local stack, through the client SDK. */
class MessagingEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEST_NUMBER = "+14155550199";
  private static final String TEST_PIN = "135790";

  /** What one WebSocket frame may carry (32 KB); longer messages go in several. */
  private static final int FRAME_CHARS = 32_000;

  private static LocalStack stack;
  private static DynamoDbClient dynamoDb;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(
                    Map.of(
                        "PinRequestsPerAddressPerHour",
                        "100000",
                        // Hundreds of sends from one account within a minute: explicitly more than
                        // the default limit.
                        "SendsPerAccountPer10Seconds",
                        "100000",
                        "TestNumbersParameterName",
                        "/checkmark/test-numbers"))
                .ssmParameters(Map.of("/checkmark/test-numbers", TEST_NUMBER + "=" + TEST_PIN))
                .build());
    dynamoDb = ProjectStack.dynamoDb(stack);
  }

  @AfterAll
  static void stopStack() {
    dynamoDb.close();
    stack.close();
  }

  @Test
  void liveMessageIsDeliveredAndTheSenderGetsAcceptedThenDelivered() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    Devices.Inbox aliceInbox = new Devices.Inbox();
    Devices.Inbox bobInbox = new Devices.Inbox();
    try (CheckmarkClient aliceClient =
            Devices.client(stack, alice, Devices.register(stack, alice), aliceInbox);
        CheckmarkClient bobClient =
            Devices.client(stack, bob, Devices.register(stack, bob), bobInbox)) {
      aliceClient.connect().join();
      bobClient.connect().join();

      Accepted accepted = aliceClient.send(bob, "hello bob").get(10, TimeUnit.SECONDS);
      long acceptedAt = System.nanoTime();

      MessageFrame message = bobInbox.nextMessage();
      assertThat(message.messageId()).isEqualTo(accepted.messageId());
      assertThat(message.from()).isEqualTo(alice);
      assertThat(message.body()).isEqualTo("hello bob");
      ReceiptFrame delivered = aliceInbox.nextReceipt();
      assertThat(System.nanoTime()).isGreaterThan(acceptedAt);
      assertThat(delivered.status()).isEqualTo("delivered");
      assertThat(delivered.by()).isEqualTo(bob);
      assertThat(delivered.messageIds()).containsExactly(accepted.messageId());
    }
  }

  @Test
  void clientThatLogsInWithTheLoginActionReceivesToo() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String bobKey = Devices.register(stack, bob);
    Devices.Inbox bobInbox = new Devices.Inbox();
    try (CheckmarkClient aliceClient =
            Devices.client(stack, alice, Devices.register(stack, alice), new Devices.Inbox());
        CheckmarkClient bobClient =
            CheckmarkClient.builder(stack.webSocketUrl())
                .credentials(bob, bobKey)
                .loginWithAction()
                .listener(bobInbox)
                .build()) {
      aliceClient.connect().join();
      bobClient.connect().get(10, TimeUnit.SECONDS);

      String messageId = aliceClient.send(bob, "via login").get(10, TimeUnit.SECONDS).messageId();

      assertThat(bobInbox.nextMessage().messageId()).isEqualTo(messageId);
    }
  }

  @Test
  void messagesQueuedForANumberWaitThroughItsReregistrationForTheNewDevice() throws Exception {
    String alice = Phones.next();
    registerTestNumber();
    String messageId;
    try (CheckmarkClient aliceClient =
        Devices.client(stack, alice, Devices.register(stack, alice), new Devices.Inbox())) {
      aliceClient.connect().join();
      messageId =
          aliceClient
              .send(TEST_NUMBER, "for whoever holds this number")
              .get(10, TimeUnit.SECONDS)
              .messageId();
    }

    String newKey = registerTestNumber();

    assertThat(queued(TEST_NUMBER)).as("not acked by the registering client").contains(messageId);
    Devices.Inbox newDevice = new Devices.Inbox();
    try (CheckmarkClient client = Devices.client(stack, TEST_NUMBER, newKey, newDevice)) {
      client.connect().get(10, TimeUnit.SECONDS);
      assertThat(newDevice.nextMessage().messageId()).isEqualTo(messageId);
    }
  }

  private static String registerTestNumber() {
    return Devices.register(stack.webSocketUrl(), TEST_NUMBER, () -> TEST_PIN);
  }

  @Test
  void twoHundredMessagesToAnOfflinePhoneSyncInOrderAndTheOfflineSenderGetsItsReceiptsLater()
      throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    String bobKey = Devices.register(stack, bob);
    List<String> sent = new ArrayList<>();
    try (CheckmarkClient aliceClient =
        Devices.client(stack, alice, aliceKey, new Devices.Inbox())) {
      aliceClient.connect().join();
      for (int i = 0; i < 200; i++) {
        sent.add(
            aliceClient
                .send(bob, String.format("m-%03d", i))
                .get(10, TimeUnit.SECONDS)
                .messageId());
      }
    }

    Devices.Inbox bobInbox = new Devices.Inbox();
    try (CheckmarkClient bobClient = Devices.client(stack, bob, bobKey, bobInbox)) {
      bobClient.connect().get(30, TimeUnit.SECONDS);
      List<MessageFrame> received = new ArrayList<>();
      bobInbox.messages.drainTo(received);

      assertThat(received)
          .extracting(MessageFrame::body)
          .containsExactlyElementsOf(
              sent.stream().map(id -> String.format("m-%03d", sent.indexOf(id))).toList());
      assertThat(received).extracting(MessageFrame::messageId).containsExactlyElementsOf(sent);
      assertThat(queued(bob)).as("bob's queue after his acks").isEmpty();
    }

    Devices.Inbox aliceInbox = new Devices.Inbox();
    try (CheckmarkClient aliceAgain = Devices.client(stack, alice, aliceKey, aliceInbox)) {
      aliceAgain.connect().get(30, TimeUnit.SECONDS);
      Set<String> deliveredIds = new HashSet<>();
      List<ReceiptFrame> receipts = new ArrayList<>();
      aliceInbox.receipts.drainTo(receipts);
      receipts.forEach(
          receipt -> {
            assertThat(receipt.status()).isEqualTo("delivered");
            deliveredIds.addAll(receipt.messageIds());
          });
      assertThat(deliveredIds).containsExactlyInAnyOrderElementsOf(sent);
    }
  }

  @Test
  void theSameIdSentThreeTimesTwiceConcurrentlyStoresOneMessage() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    Devices.register(stack, bob);
    String frame =
        "{\"action\":\"send\",\"to\":\"" + bob + "\",\"id\":\"dup-1\",\"body\":\"once\"}";
    try (TestSocket first = TestSocket.connect(stack.webSocketUrl(), basic(alice, aliceKey));
        TestSocket second = TestSocket.connect(stack.webSocketUrl(), basic(alice, aliceKey))) {
      CompletableFuture<String> one = CompletableFuture.supplyAsync(() -> first.send(frame).next());
      CompletableFuture<String> two =
          CompletableFuture.supplyAsync(() -> second.send(frame).next());
      List<JsonNode> replies =
          new ArrayList<>(List.of(JSON.readTree(one.get()), JSON.readTree(two.get())));
      replies.add(JSON.readTree(first.send(frame).next()));

      assertThat(replies).extracting(reply -> reply.get("type").asText()).containsOnly("accepted");
      assertThat(replies)
          .extracting(reply -> reply.get("messageId").asText())
          .containsOnly(replies.get(0).get("messageId").asText());
      assertThat(queued(bob)).containsExactly(replies.get(0).get("messageId").asText());
    }
  }

  @Test
  void tenSendersFiftyMessagesEachAllDeliveredOnceAndInEachSendersOrder() throws Exception {
    String bob = Phones.next();
    Devices.Inbox bobInbox = new Devices.Inbox();
    List<String> senders = new ArrayList<>();
    List<CheckmarkClient> senderClients = new ArrayList<>();
    try (CheckmarkClient bobClient =
        Devices.client(stack, bob, Devices.register(stack, bob), bobInbox)) {
      bobClient.connect().join();
      for (int s = 0; s < 10; s++) {
        String sender = Phones.next();
        senders.add(sender);
        CheckmarkClient client =
            Devices.client(stack, sender, Devices.register(stack, sender), new Devices.Inbox());
        client.connect().join();
        senderClients.add(client);
      }
      List<CompletableFuture<Void>> sending = new ArrayList<>();
      for (int s = 0; s < 10; s++) {
        CheckmarkClient client = senderClients.get(s);
        int senderIndex = s;
        sending.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    client.send(bob, senderIndex + ":" + i).join();
                  }
                }));
      }
      CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      Map<String, List<Integer>> bySender = new LinkedHashMap<>();
      Set<String> messageIds = new HashSet<>();
      for (int n = 0; n < 500; n++) {
        MessageFrame message = bobInbox.nextMessage();
        assertThat(messageIds.add(message.messageId())).as("delivered once: %s", message).isTrue();
        String[] parts = message.body().split(":");
        bySender
            .computeIfAbsent(message.from(), from -> new ArrayList<>())
            .add(Integer.parseInt(parts[1]));
      }
      assertThat(bobInbox.messages.poll(300, TimeUnit.MILLISECONDS)).as("a 501st message").isNull();
      assertThat(bySender.keySet()).containsExactlyInAnyOrderElementsOf(senders);
      List<Integer> inOrder = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        inOrder.add(i);
      }
      bySender.values().forEach(order -> assertThat(order).isEqualTo(inOrder));
    } finally {
      senderClients.forEach(CheckmarkClient::close);
    }
  }

  @Test
  void staleConnectionIsRemovedOnPushAndTheMessageWaitsForSync() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    String bobKey = Devices.register(stack, bob);
    try (TestSocket bobSocket = TestSocket.connect(stack.webSocketUrl(), basic(bob, bobKey))) {
      bobSocket.send("{\"action\":\"ping\"}").next();
      List<String> bobsConnections = connectionsOf(bob);
      assertThat(bobsConnections).hasSize(1);
      assertThat(stack.dropWithoutDisconnect(bobsConnections.get(0))).isTrue();
      openedBeforeTheHandshakeGrace(bobsConnections.get(0));
    }
    assertThat(connectionsOf(bob)).as("the stale row, with no $disconnect to remove it").hasSize(1);

    String messageId;
    try (TestSocket aliceSocket =
        TestSocket.connect(stack.webSocketUrl(), basic(alice, aliceKey))) {
      JsonNode accepted =
          JSON.readTree(
              aliceSocket
                  .send(
                      "{\"action\":\"send\",\"to\":\""
                          + bob
                          + "\",\"id\":\"s-1\",\"body\":\"are you there?\"}")
                  .next());
      assertThat(accepted.get("type").asText()).isEqualTo("accepted");
      messageId = accepted.get("messageId").asText();
    }

    assertThat(connectionsOf(bob)).as("the stale row, removed by the 410 on push").isEmpty();
    assertThat(queued(bob)).containsExactly(messageId);
    try (TestSocket bobAgain = TestSocket.connect(stack.webSocketUrl(), basic(bob, bobKey))) {
      JsonNode message = JSON.readTree(bobAgain.send("{\"action\":\"sync\"}").next());
      assertThat(message.get("messageId").asText()).isEqualTo(messageId);
      assertThat(JSON.readTree(bobAgain.next()).get("type").asText()).isEqualTo("synced");
    }
  }

  @Test
  void foreignAndRepeatedAcksChangeNothingAndReadSendsOneReadReceipt() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String carol = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    String bobKey = Devices.register(stack, bob);
    String carolKey = Devices.register(stack, carol);
    try (TestSocket aliceSocket = TestSocket.connect(stack.webSocketUrl(), basic(alice, aliceKey));
        TestSocket bobSocket = TestSocket.connect(stack.webSocketUrl(), basic(bob, bobKey));
        TestSocket carolSocket = TestSocket.connect(stack.webSocketUrl(), basic(carol, carolKey))) {
      String messageId =
          JSON.readTree(
                  aliceSocket
                      .send(
                          "{\"action\":\"send\",\"to\":\""
                              + bob
                              + "\",\"id\":\"a-1\",\"body\":\"hi\"}")
                      .next())
              .get("messageId")
              .asText();
      assertThat(JSON.readTree(bobSocket.next()).get("messageId").asText()).isEqualTo(messageId);

      assertThat(
              reply(carolSocket, "{\"action\":\"ack\",\"messageIds\":[\"" + messageId + "\"]}")
                  .get("count")
                  .asInt())
          .isZero();
      assertThat(queued(bob)).containsExactly(messageId);
      assertThat(
              reply(bobSocket, "{\"action\":\"ack\",\"messageIds\":[\"" + messageId + "\"]}")
                  .get("count")
                  .asInt())
          .isEqualTo(1);
      assertThat(
              reply(bobSocket, "{\"action\":\"ack\",\"messageIds\":[\"" + messageId + "\"]}")
                  .get("count")
                  .asInt())
          .isZero();

      JsonNode delivered = JSON.readTree(aliceSocket.next());
      assertThat(delivered.get("status").asText()).isEqualTo("delivered");
      JsonNode receiptSent =
          reply(
              bobSocket,
              "{\"action\":\"read\",\"to\":\""
                  + alice
                  + "\",\"messageIds\":[\""
                  + messageId
                  + "\"]}");
      assertThat(receiptSent.get("type").asText()).isEqualTo("receiptSent");
      JsonNode read = JSON.readTree(aliceSocket.next());
      assertThat(read.get("status").asText()).isEqualTo("read");
      assertThat(read.get("by").asText()).isEqualTo(bob);
      assertThat(aliceSocket.poll(Duration.ofMillis(500))).as("a second receipt").isNull();
      assertThat(queued(alice)).hasSize(2);
    }
  }

  @Test
  void badSendsGetTheRightErrorAndStoreNothing() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    Devices.register(stack, bob);
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{\"action\":\"send\",\"to\":\"" + bob + "\",\"body\":\"no id\"}", "BAD_REQUEST");
    cases.put("{\"action\":\"send\",\"id\":\"x\",\"body\":\"no to\"}", "BAD_REQUEST");
    cases.put(
        "{\"action\":\"send\",\"to\":14155550123,\"id\":\"x\",\"body\":\"number\"}", "BAD_REQUEST");
    cases.put(
        "{\"action\":\"send\",\"to\":\"" + bob + "\",\"id\":[1],\"body\":\"array id\"}",
        "BAD_REQUEST");
    // A client message just under 128 KB whose message frame, with the fields the server adds, is
    // just over.
    cases.put(
        "{\"action\":\"send\",\"to\":\""
            + bob
            + "\",\"id\":\"x\",\"body\":\""
            + "b".repeat(131_000)
            + "\"}",
        "MESSAGE_TOO_LARGE");
    cases.put(
        "{\"action\":\"send\",\"to\":\"" + Phones.next() + "\",\"id\":\"x\",\"body\":\"who?\"}",
        "UNKNOWN_RECIPIENT");
    cases.put("{\"action\":\"ack\",\"messageIds\":\"not a list\"}", "BAD_REQUEST");
    cases.put("{\"action\":\"sync\",\"limit\":1000}", "BAD_REQUEST");
    try (TestSocket aliceSocket =
        TestSocket.connect(stack.webSocketUrl(), basic(alice, aliceKey))) {
      for (Map.Entry<String, String> badFrame : cases.entrySet()) {
        String frame = badFrame.getKey();
        for (int start = 0; start < frame.length(); start += FRAME_CHARS) {
          aliceSocket.sendFragment(
              frame.substring(start, Math.min(frame.length(), start + FRAME_CHARS)),
              start + FRAME_CHARS >= frame.length());
        }
        JsonNode error = JSON.readTree(aliceSocket.next());
        assertThat(error.get("code").asText())
            .as(badFrame.getKey().substring(0, Math.min(80, badFrame.getKey().length())))
            .isEqualTo(badFrame.getValue());
      }
    }
    try (TestSocket anonymous = TestSocket.connect(stack.webSocketUrl())) {
      for (String action : List.of("send", "sync", "ack", "read")) {
        JsonNode error =
            reply(
                anonymous,
                "{\"action\":\""
                    + action
                    + "\",\"to\":\""
                    + bob
                    + "\",\"id\":\"x\",\"body\":\"hi\",\"messageIds\":[\"x\"]}");
        assertThat(error.get("code").asText()).as(action).isEqualTo("UNAUTHORIZED");
      }
    }
    assertThat(queued(bob)).isEmpty();
  }

  private static JsonNode reply(TestSocket socket, String frame) throws Exception {
    return JSON.readTree(socket.send(frame).next());
  }

  private static List<String> queued(String owner) {
    return dynamoDb
        .query(
            r ->
                r.tableName("MessagesTable")
                    .keyConditionExpression("#q = :owner")
                    .expressionAttributeNames(Map.of("#q", "queue"))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner)))
                    .consistentRead(true))
        .items()
        .stream()
        .map(item -> item.get("id").s())
        .toList();
  }

  /** Dates the row's connect back past the grace in which a 410 may mean "not open yet". */
  private static void openedBeforeTheHandshakeGrace(String connectionId) {
    long then = Instant.now().minus(ConnectionStore.HANDSHAKE_GRACE).minusSeconds(1).toEpochMilli();
    dynamoDb.updateItem(
        r ->
            r.tableName("ConnectionsTable")
                .key(Map.of("id", AttributeValue.fromS(connectionId)))
                .updateExpression("SET connectedAt = :then")
                .expressionAttributeValues(
                    Map.of(":then", AttributeValue.fromN(Long.toString(then)))));
  }

  private static List<String> connectionsOf(String phone) {
    return dynamoDb.scan(r -> r.tableName("ConnectionsTable").consistentRead(true)).items().stream()
        .filter(item -> item.containsKey("phone") && item.get("phone").s().equals(phone))
        .map(item -> item.get("id").s())
        .toList();
  }

  static Map<String, String> basic(String phone, String key) {
    return Map.of(
        "Authorization",
        "Basic "
            + Base64.getEncoder()
                .encodeToString((phone + ":" + key).getBytes(StandardCharsets.UTF_8)));
  }
}
