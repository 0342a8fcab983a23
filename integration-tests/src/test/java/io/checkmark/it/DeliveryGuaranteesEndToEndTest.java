package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.local.LocalStack;
import io.checkmark.local.TestSocket;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Protocol v2's clarifications of v1 over real WebSockets on the local stack: concurrent acks, an
 * identity switch on a logged-in connection, and an item too large to push in a queue.
 */
class DeliveryGuaranteesEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static LocalStack stack;
  private static DynamoDbClient dynamoDb;
  private static String messagesTable;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(Map.of("PinRequestsPerAddressPerHour", "100000"))
                .build());
    dynamoDb = ProjectStack.dynamoDb(stack);
    messagesTable = stack.environmentOf("SendFunction").get("MESSAGES_TABLE");
  }

  @AfterAll
  static void stopStack() {
    dynamoDb.close();
    stack.close();
  }

  @Test
  void twoConnectionsOfOneDeviceAckingTheSameIdsAtOnceQueueOneDeliveredReceiptPerMessage()
      throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    String bobKey = Devices.register(stack, bob);
    List<String> sent = new ArrayList<>();
    try (TestSocket aliceSocket =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey));
        TestSocket first =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(bob, bobKey));
        TestSocket second =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(bob, bobKey))) {
      for (int round = 0; round < 10; round++) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          ids.add(
              untilType(
                      aliceSocket.send(
                          "{\"action\":\"send\",\"to\":\""
                              + bob
                              + "\",\"id\":\"r"
                              + round
                              + "-"
                              + i
                              + "\",\"body\":\"m\"}"),
                      "accepted")
                  .get("messageId")
                  .asText());
        }
        sent.addAll(ids);
        String ack = "{\"action\":\"ack\",\"messageIds\":" + JSON.writeValueAsString(ids) + "}";
        CountDownLatch start = new CountDownLatch(1);
        CompletableFuture<Integer> one =
            CompletableFuture.supplyAsync(() -> ackedCount(first, ack, start));
        CompletableFuture<Integer> other =
            CompletableFuture.supplyAsync(() -> ackedCount(second, ack, start));
        start.countDown();

        assertThat(one.get() + other.get())
            .as("items removed in round %d by both acks", round)
            .isEqualTo(ids.size());
      }
    }

    List<String> receipted = new ArrayList<>();
    queue(alice).forEach(item -> item.get("ids").l().forEach(id -> receipted.add(id.s())));
    assertThat(receipted)
        .as("message ids in alice's delivered receipts")
        .containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void loginAsAnotherPhoneSwitchesTheConnectionsNextSendAndSync() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String carol = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    String bobKey = Devices.register(stack, bob);
    String carolKey = Devices.register(stack, carol);
    try (TestSocket shared =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey));
        TestSocket carolSocket =
            TestSocket.connect(
                stack.webSocketUrl(), MessagingEndToEndTest.basic(carol, carolKey))) {
      untilType(shared.send(send(carol, "a-1", "as alice")), "accepted");
      assertThat(untilType(carolSocket, "message").get("from").asText()).isEqualTo(alice);
      String forBob =
          untilType(carolSocket.send(send(bob, "c-1", "for bob")), "accepted")
              .get("messageId")
              .asText();

      untilType(
          shared.send(
              "{\"action\":\"login\",\"phone\":\"" + bob + "\",\"deviceKey\":\"" + bobKey + "\"}"),
          "loggedIn");
      untilType(shared.send(send(carol, "b-1", "as bob")), "accepted");

      JsonNode next = untilType(carolSocket, "message");
      assertThat(next.get("body").asText()).isEqualTo("as bob");
      assertThat(next.get("from").asText()).isEqualTo(bob);
      shared.send("{\"action\":\"sync\"}");
      List<String> synced = new ArrayList<>();
      for (JsonNode frame = frame(shared);
          !frame.path("type").asText().equals("synced");
          frame = frame(shared)) {
        if (frame.path("type").asText().equals("message")) {
          synced.add(frame.get("messageId").asText());
        }
      }
      assertThat(synced).as("sync returns bob's queue").contains(forBob);
    }
  }

  @Test
  void itemStoredTooLargeToPushIsSetAsideAndTheItemsAfterItAreSynced() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    String bobKey = Devices.register(stack, bob);
    // As a send before the size check counted escapes could store it: 30,000 bytes, 180,000 once
    // escaped.
    long now = System.currentTimeMillis();
    dynamoDb.putItem(
        r ->
            r.tableName(messagesTable)
                .item(
                    Map.of(
                        "queue",
                        AttributeValue.fromS(bob),
                        "id",
                        AttributeValue.fromS("00000000000000000"),
                        "k",
                        AttributeValue.fromS("m"),
                        "from",
                        AttributeValue.fromS(alice),
                        "cid",
                        AttributeValue.fromS("old"),
                        "body",
                        AttributeValue.fromS("\u0001".repeat(30_000)),
                        "at",
                        AttributeValue.fromN(Long.toString(now)),
                        "expiresAt",
                        AttributeValue.fromN(Long.toString(now / 1000 + 86_400)))));
    List<String> after = new ArrayList<>();
    try (TestSocket aliceSocket =
        TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey))) {
      for (int i = 0; i < 3; i++) {
        after.add(
            untilType(aliceSocket.send(send(bob, "n-" + i, "normal " + i)), "accepted")
                .get("messageId")
                .asText());
      }
    }

    try (TestSocket bobSocket =
        TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(bob, bobKey))) {
      bobSocket.send("{\"action\":\"sync\"}");
      List<String> synced = new ArrayList<>();
      JsonNode frame = frame(bobSocket);
      for (; !frame.path("type").asText().equals("synced"); frame = frame(bobSocket)) {
        synced.add(frame.get("messageId").asText());
      }

      assertThat(synced).containsExactlyElementsOf(after);
      assertThat(frame.get("more").asBoolean()).isFalse();
    }
    assertThat(queue(bob)).extracting(item -> item.get("id").s()).containsExactlyElementsOf(after);
    assertThat(queue("undeliverable#" + bob))
        .extracting(item -> item.get("id").s())
        .containsExactly("00000000000000000");
  }

  private static String send(String to, String id, String body) {
    return "{\"action\":\"send\",\"to\":\""
        + to
        + "\",\"id\":\""
        + id
        + "\",\"body\":\""
        + body
        + "\"}";
  }

  private static int ackedCount(TestSocket socket, String ack, CountDownLatch start) {
    try {
      start.await();
      return untilType(socket.send(ack), "acked").get("count").asInt();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next frame of that type, skipping pushes of other types in between. */
  private static JsonNode untilType(TestSocket socket, String type) {
    for (JsonNode frame = frame(socket); ; frame = frame(socket)) {
      if (frame.path("type").asText().equals(type)) {
        return frame;
      }
      assertThat(frame.path("type").asText()).as("frame %s", frame).isNotEqualTo("error");
    }
  }

  private static JsonNode frame(TestSocket socket) {
    try {
      return JSON.readTree(socket.next(WAIT));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Map<String, AttributeValue>> queue(String owner) {
    return dynamoDb
        .query(
            r ->
                r.tableName(messagesTable)
                    .keyConditionExpression("#q = :owner")
                    .expressionAttributeNames(Map.of("#q", "queue"))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner)))
                    .consistentRead(true))
        .items();
  }
}
