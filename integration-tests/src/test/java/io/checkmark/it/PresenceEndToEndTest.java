package io.checkmark.it;

import static io.checkmark.it.SocketRequests.frame;
import static io.checkmark.it.SocketRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.local.LocalStack;
import io.checkmark.local.TestSocket;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Typing, presence, last-seen privacy and blocking over real WebSockets on the local stack, frame
 * by frame as protocol v2 writes them.
 */
class PresenceEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a socket stays silent before a test concludes nothing more comes. */
  private static final Duration QUIET = Duration.ofSeconds(1);

  private static final Duration DISCONNECTED = Duration.ofSeconds(10);

  private static LocalStack stack;
  private static DynamoDbClient dynamoDb;
  private final List<TestSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(
                    Map.of(
                        "PinRequestsPerAddressPerHour", "100000",
                        "LinkRequestsPerAddressPerHour", "100000",
                        "PresenceQueriesPerAccountPer10Seconds", "100000"))
                .build());
    dynamoDb = ProjectStack.dynamoDb(stack);
  }

  @AfterAll
  static void stopStack() {
    dynamoDb.close();
    stack.close();
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(TestSocket::close);
  }

  @Test
  void typingReachesEveryLiveDeviceOfTheRecipientAndIsNeitherStoredNorPushed() throws Exception {
    Phone alice = register();
    Phone bob = register();
    TestSocket bobsLaptop = link(bob, "laptop");
    String tablet = linkedKey(bob, "tablet");
    String token = "token-" + UUID.randomUUID();
    try (TestSocket tabletSocket = connect(bob.phone + ".3", tablet)) {
      request(
          tabletSocket,
          JSON.createObjectNode()
              .put("action", "registerPush")
              .put("platform", "fcm")
              .put("token", token)
              .toString());
    }
    String endpoint = stack.pushEndpointsOfToken(token).get(0);
    await().atMost(DISCONNECTED).until(() -> connectionRows(bob) == 2);

    alice.socket.send(typing("to", bob.phone, "typing"));

    for (TestSocket device : List.of(bob.socket, bobsLaptop)) {
      JsonNode typing = frame(device.next());
      assertThat(typing.path("type").asText()).isEqualTo("typing");
      assertThat(typing.path("from").asText()).isEqualTo(alice.phone);
      assertThat(typing.path("state").asText()).isEqualTo("typing");
      assertThat(typing.has("group")).isFalse();
    }
    assertThat(alice.socket.poll(QUIET)).as("no reply to the typist").isNull();
    assertThat(stack.pushNotificationsTo(endpoint)).as("no push to the offline tablet").isEmpty();
    try (TestSocket tabletSocket = connect(bob.phone + ".3", tablet)) {
      assertThat(request(tabletSocket, "{\"action\":\"sync\"}").path("count").asInt())
          .as("nothing stored for the offline tablet")
          .isZero();
    }
  }

  @Test
  void aFloodOfTypingIsCutToAFewPerSecond() throws Exception {
    Phone alice = register();
    Phone bob = register();

    for (int i = 0; i < 40; i++) {
      alice.socket.send(typing("to", bob.phone, "typing"));
    }

    int received = 0;
    while (bob.socket.poll(QUIET) != null) {
      received++;
    }
    // 5 a second per connection; the flood may straddle two windows, never more on one function.
    assertThat(received).isBetween(1, 10);
  }

  @Test
  void presenceFollowsBothDevicesOnlineThenOfflineWithLastSeenToTheMinute() throws Exception {
    Phone alice = register();
    Phone bob = register();
    TestSocket bobsLaptop = link(bob, "laptop");

    JsonNode online = presence(alice, bob);
    assertThat(online.path("online").asBoolean()).isTrue();
    assertThat(online.path("lastSeen").asLong() % 60_000).isZero();

    bob.socket.close();
    await().atMost(DISCONNECTED).until(() -> connectionRows(bob) == 1);
    assertThat(presence(alice, bob).path("online").asBoolean())
        .as("the laptop is still connected")
        .isTrue();

    long beforeLeaving = System.currentTimeMillis();
    bobsLaptop.close();
    await().atMost(DISCONNECTED).until(() -> !presence(alice, bob).path("online").asBoolean());
    long lastSeen = presence(alice, bob).path("lastSeen").asLong();
    assertThat(lastSeen % 60_000).isZero();
    assertThat(lastSeen).isBetween(beforeLeaving / 60_000 * 60_000, System.currentTimeMillis());
  }

  @Test
  void lastSeenIsHiddenByThePhoneThatHidesItAndFromIt() {
    Phone alice = register();
    Phone bob = register();
    Phone carol = register();

    assertThat(
            request(bob.socket, "{\"action\":\"setPrivacy\",\"lastSeen\":\"nobody\"}")
                .path("type")
                .asText())
        .isEqualTo("privacySet");
    JsonNode hidden = presence(alice, bob);
    assertThat(hidden.path("online").asBoolean()).isTrue();
    assertThat(hidden.has("lastSeen")).isTrue();
    assertThat(hidden.path("lastSeen").isNull()).isTrue();
    assertThat(presence(bob, carol).path("lastSeen").isNull())
        .as("hiding one's own hides everyone else's")
        .isTrue();
    assertThat(presence(alice, carol).path("lastSeen").isNumber()).isTrue();

    request(bob.socket, "{\"action\":\"setPrivacy\",\"lastSeen\":\"everyone\"}");
    assertThat(presence(alice, bob).path("lastSeen").isNumber()).isTrue();
    assertThat(
            request(bob.socket, "{\"action\":\"setPrivacy\",\"lastSeen\":\"friends\"}")
                .path("code")
                .asText())
        .isEqualTo("BAD_REQUEST");
  }

  @Test
  void aBlockedPhonesSendsAreAcceptedButNeverArriveAndItsTypingAndPresenceShowNothing()
      throws Exception {
    Phone alice = register();
    Phone bob = register();
    JsonNode blocked = request(bob.socket, block("block", alice.phone));
    assertThat(blocked.path("type").asText()).isEqualTo("blocked");
    assertThat(blocked.path("phone").asText()).isEqualTo(alice.phone);

    JsonNode accepted = request(alice.socket, send(bob.phone, "c-1", "let me in"));
    assertThat(accepted.path("type").asText()).isEqualTo("accepted");
    assertThat(request(alice.socket, send(bob.phone, "c-1", "let me in")).path("messageId"))
        .as("a retry gets the same answer")
        .isEqualTo(accepted.path("messageId"));
    alice.socket.send(typing("to", bob.phone, "typing"));
    JsonNode seen = presence(alice, bob);

    assertThat(seen.path("online").asBoolean()).isFalse();
    assertThat(seen.path("lastSeen").isNull()).isTrue();
    assertThat(presence(bob, alice).path("online").asBoolean())
        .as("the blocker still sees the blocked phone")
        .isTrue();
    assertThat(bob.socket.poll(QUIET)).as("no message, no typing").isNull();
    assertThat(request(bob.socket, "{\"action\":\"sync\"}").path("count").asInt()).isZero();
    assertThat(alice.socket.poll(QUIET)).as("no delivered receipt").isNull();
    assertThat(request(bob.socket, "{\"action\":\"listBlocked\"}").path("phones"))
        .extracting(JsonNode::asText)
        .containsExactly(alice.phone);
  }

  @Test
  void aBlockHoldsASecondLaterEvenOnAFunctionThatHadJustReadTheBlockersAccount() throws Exception {
    Phone alice = register();
    Phone bob = register();
    // Alice's send has the send function read bob's account, which it may reuse for a second.
    assertThat(
            request(alice.socket, send(bob.phone, "before", "before the block"))
                .path("type")
                .asText())
        .isEqualTo("accepted");
    JsonNode first = frame(bob.socket.next());
    assertThat(first.path("body").asText()).isEqualTo("before the block");
    ack(bob, first);

    assertThat(request(bob.socket, block("block", alice.phone)).path("type").asText())
        .isEqualTo("blocked");
    Instant blocked = Instant.now();
    Devices.awaitBlockChangeEffective(blocked);
    assertThat(
            request(alice.socket, send(bob.phone, "after", "after the block"))
                .path("type")
                .asText())
        .isEqualTo("accepted");

    assertThat(bob.socket.poll(QUIET)).as("nothing reaches the blocker").isNull();
    assertThat(request(bob.socket, "{\"action\":\"sync\"}").path("count").asInt()).isZero();
  }

  @Test
  void afterUnblockMessagesArriveWithinASecondOrSoButNeverThoseSentWhileBlocked() {
    Phone alice = register();
    Phone bob = register();
    request(bob.socket, block("block", alice.phone));
    request(alice.socket, send(bob.phone, "while", "while blocked"));

    assertThat(request(bob.socket, block("unblock", alice.phone)).path("type").asText())
        .isEqualTo("unblocked");
    AtomicInteger tries = new AtomicInteger();
    AtomicReference<JsonNode> arrived = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              request(alice.socket, send(bob.phone, "after-" + tries.incrementAndGet(), "after"));
              String pushed = bob.socket.poll(Duration.ofMillis(200));
              arrived.set(pushed == null ? null : frame(pushed));
              return pushed != null;
            });

    assertThat(arrived.get().path("body").asText()).isEqualTo("after");
    assertThat(request(bob.socket, "{\"action\":\"listBlocked\"}").path("phones")).isEmpty();
  }

  @Test
  void aBlockedMembersGroupMessagesAndTypingStillReachTheGroupButOneToOneDoesNot()
      throws Exception {
    Phone alice = register();
    Phone bob = register();
    Phone carol = register();
    ObjectNode create = JSON.createObjectNode().put("action", "createGroup").put("name", "Team");
    create.putArray("members").add(bob.phone).add(carol.phone);
    String group = request(alice.socket, create.toString()).path("groupId").asText();
    drainGroupUpdates(bob, carol);
    request(bob.socket, block("block", alice.phone));

    ObjectNode toGroup =
        JSON.createObjectNode()
            .put("action", "send")
            .put("group", group)
            .put("id", "g-1")
            .put("body", "to all");
    request(alice.socket, toGroup.toString());
    alice.socket.send(typing("group", group, "typing"));
    request(alice.socket, send(bob.phone, "c-1", "just you"));

    List<String> bobGot = new ArrayList<>();
    String next;
    while ((next = bob.socket.poll(QUIET)) != null) {
      JsonNode got = frame(next);
      bobGot.add(got.path("type").asText() + ":" + got.path("body").asText(""));
    }
    assertThat(bobGot).containsExactlyInAnyOrder("message:to all", "typing:");
  }

  /** A registered phone with a socket logged in as its primary. */
  private record Phone(String phone, String key, TestSocket socket) {}

  private Phone register() {
    String phone = Phones.next();
    String key = Devices.register(stack, phone);
    return new Phone(phone, key, connect(phone, key));
  }

  private TestSocket link(Phone primary, String name) {
    String key = linkedKey(primary, name);
    JsonNode devices = request(primary.socket, "{\"action\":\"listDevices\"}").path("devices");
    int id = devices.get(devices.size() - 1).path("deviceId").asInt();
    return connect(primary.phone + "." + id, key);
  }

  /** Links a device by code and returns its key; its waiting socket is closed. */
  private String linkedKey(Phone primary, String name) {
    try (TestSocket waiting = TestSocket.connect(stack.webSocketUrl())) {
      String code =
          request(
                  waiting,
                  JSON.createObjectNode().put("action", "requestLink").put("name", name).toString())
              .path("code")
              .asText();
      request(
          primary.socket,
          JSON.createObjectNode().put("action", "approveLink").put("code", code).toString());
      return frame(waiting.next()).path("deviceKey").asText();
    }
  }

  private TestSocket connect(String user, String key) {
    TestSocket socket =
        TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(user, key));
    sockets.add(socket);
    return socket;
  }

  private static JsonNode presence(Phone asker, Phone of) {
    JsonNode reply =
        request(
            asker.socket,
            JSON.createObjectNode().put("action", "presence").put("phone", of.phone).toString());
    assertThat(reply.path("type").asText()).isEqualTo("presence");
    assertThat(reply.path("phone").asText()).isEqualTo(of.phone);
    return reply;
  }

  /** The phone's rows in the Connections table: its devices' open connections. */
  private static int connectionRows(Phone phone) {
    return dynamoDb
        .query(
            r ->
                r.tableName(stack.environmentOf("ConnectFunction").get("CONNECTIONS_TABLE"))
                    .indexName("devicesByPhone")
                    .keyConditionExpression("phone = :phone")
                    .expressionAttributeValues(Map.of(":phone", AttributeValue.fromS(phone.phone))))
        .count();
  }

  private static void drainGroupUpdates(Phone... members) throws InterruptedException {
    for (Phone member : members) {
      JsonNode update = frame(member.socket.next());
      assertThat(update.path("type").asText()).isEqualTo("groupUpdate");
      ack(member, update);
    }
  }

  /** Acks one queued item on the phone's socket and waits for the reply. */
  private static void ack(Phone phone, JsonNode item) {
    request(
        phone.socket,
        JSON.createObjectNode()
            .put("action", "ack")
            .set("messageIds", JSON.createArrayNode().add(item.path("messageId").asText()))
            .toString());
  }

  private static String typing(String field, String value, String state) {
    return JSON.createObjectNode()
        .put("action", "typing")
        .put(field, value)
        .put("state", state)
        .toString();
  }

  private static String block(String action, String phone) {
    return JSON.createObjectNode().put("action", action).put("phone", phone).toString();
  }

  private static String send(String to, String id, String body) {
    return JSON.createObjectNode()
        .put("action", "send")
        .put("to", to)
        .put("id", id)
        .put("body", body)
        .toString();
  }
}
