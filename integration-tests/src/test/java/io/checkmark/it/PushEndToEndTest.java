package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.client.CheckmarkClient;
import io.checkmark.core.ConnectionStore;
import io.checkmark.local.LocalStack;
import io.checkmark.local.TestSocket;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Push notifications on the local stack: real WebSockets, the Messages stream running the notify
 * function, and SNS mobile push emulated and captured.
 */
class PushEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Long enough for the stream to have delivered everything stored before it. */
  private static final Duration QUIET = Duration.ofSeconds(2);

  private static LocalStack stack;
  private static DynamoDbClient dynamoDb;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(
                    Map.of(
                        "PinRequestsPerAddressPerHour", "100000",
                        "SendsPerAccountPer10Seconds", "100000"))
                .build());
    dynamoDb = ProjectStack.dynamoDb(stack);
  }

  @AfterAll
  static void stopStack() {
    dynamoDb.close();
    stack.close();
  }

  @Test
  void anOfflineDeviceGetsOnePushForABurstOfFiftyMessages() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint = bob.registerPushAndGoOffline("fcm");

    try (TestSocket socket = alice.connect()) {
      for (int i = 0; i < 50; i++) {
        assertThat(request(socket, send(bob, "m-" + i, "hello " + i)).path("type").asText())
            .isEqualTo("accepted");
      }
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 1);
    await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> pushesTo(endpoint).size() == 1);
    assertThat(queuedCount(bob)).isEqualTo(50);
  }

  @Test
  void aConnectedDeviceIsNotPushedAndReceiptsNeverPush() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String aliceEndpoint;
    String bobEndpoint;
    try (TestSocket bobSocket = bob.connect()) {
      bobEndpoint = bob.registerPush(bobSocket, "fcm");
      try (TestSocket aliceSocket = alice.connect()) {
        aliceEndpoint = alice.registerPush(aliceSocket, "apns");
        request(aliceSocket, send(bob, "m-1", "are you there?"));
      }
      JsonNode message = next(bobSocket, frame -> frame.path("type").asText().equals("message"));
      // Bob's ack queues a delivered receipt for alice, who is offline now: receipts never push.
      ack(bobSocket, message);
      await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> noPushes(bobEndpoint));
    }
    assertThat(pushesTo(aliceEndpoint)).isEmpty();
    assertThat(queuedCount(alice)).as("the receipt, queued for alice").isEqualTo(1);

    // The stream and the notify function are working: a message to offline alice does push.
    try (TestSocket bobSocket = bob.connect()) {
      request(bobSocket, send(alice, "m-2", "yes"));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(aliceEndpoint).size() == 1);
  }

  @Test
  void typingToAnOfflineDeviceNeverPushesButTheNextMessageDoes() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint = bob.registerPushAndGoOffline("fcm");

    try (TestSocket socket = alice.connect()) {
      for (String state : List.of("typing", "paused", "typing")) {
        socket.send(
            JSON.createObjectNode()
                .put("action", "typing")
                .put("to", bob.phone)
                .put("state", state)
                .toString());
      }
      await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> noPushes(endpoint));
      assertThat(queuedCount(bob)).as("typing is never stored").isZero();

      assertThat(request(socket, send(bob, "m-1", "hi")).path("type").asText())
          .isEqualTo("accepted");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 1);
  }

  @Test
  void beingAddedToAGroupWakesAnOfflineMemberWithNoMessageYet() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint = bob.registerPushAndGoOffline("apns");

    try (TestSocket socket = alice.connect()) {
      ObjectNode create =
          JSON.createObjectNode().put("action", "createGroup").put("name", "Book club");
      create.putArray("members").add(bob.phone);
      assertThat(request(socket, create.toString()).path("groupId").asText()).isNotEmpty();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 1);
    assertThat(queuedCount(bob)).as("the groupUpdate, queued for bob").isEqualTo(1);
  }

  @Test
  void aStaleConnectionThatGets410OnPushTriggersAPush() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint;
    try (TestSocket bobSocket = bob.connect()) {
      endpoint = bob.registerPush(bobSocket, "fcm");
      assertThat(connectionRows(bob)).hasSize(1);
      assertThat(stack.dropWithoutDisconnect(connectionRows(bob).get(0))).isTrue();
      openedBeforeTheHandshakeGrace(connectionRows(bob).get(0));
    }
    assertThat(connectionRows(bob)).as("the stale row, with no $disconnect").hasSize(1);

    alice.connectAndSend(bob, "m-1", "hello?");

    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 1);
    assertThat(connectionRows(bob)).isEmpty();
  }

  @Test
  void aPhoneThatFetchedIsPushedAtOnceForTheNextMessageEvenIfItsSocketThenWentStale() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint = bob.registerPushAndGoOffline("fcm");
    alice.connectAndSend(bob, "m-1", "first");
    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 1);

    // The app wakes, syncs and acks; then its network goes, so no $disconnect records it.
    try (TestSocket woken = bob.connect()) {
      woken.send("{\"action\":\"sync\"}");
      JsonNode message = next(woken, frame -> frame.path("type").asText().equals("message"));
      next(woken, frame -> frame.path("type").asText().equals("synced"));
      ack(woken, message);
      assertThat(stack.dropWithoutDisconnect(connectionRows(bob).get(0))).isTrue();
    }

    alice.connectAndSend(bob, "m-2", "second, within 30 s of the first push");
    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 2);
  }

  @Test
  void afterTheSdksBackgroundFetchTheNextMessagePushesAtOnce() throws Exception {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint = bob.registerPushAndGoOffline("fcm");
    alice.connectAndSend(bob, "m-1", "first");
    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 1);

    CheckmarkClient app =
        CheckmarkClient.builder(stack.webSocketUrl()).credentials(bob.phone, bob.key).build();
    assertThat(app.fetchOnPush(Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS)).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> connectionRows(bob).isEmpty());

    alice.connectAndSend(bob, "m-2", "second");
    await().atMost(Duration.ofSeconds(3)).until(() -> pushesTo(endpoint).size() == 2);
  }

  @Test
  void aMessageLeftUnackedAsTheAppClosesWakesItWhenItsConnectionCloses() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint;
    try (TestSocket bobSocket = bob.connect()) {
      endpoint = bob.registerPush(bobSocket, "fcm");
      alice.connectAndSend(bob, "m-1", "just as the app closes");
      next(bobSocket, frame -> frame.path("type").asText().equals("message"));
      // Connected: it came live, so no push while the connection is open.
      await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> noPushes(endpoint));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 1);
    assertThat(queuedCount(bob)).isEqualTo(1);
  }

  @Test
  void anInvalidTokenIsForgottenAndNeverPushedAgain() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint = bob.registerPushAndGoOffline("fcm");
    assertThat(stack.invalidatePushToken(bob.token)).containsExactly(endpoint);

    alice.connectAndSend(bob, "m-1", "first");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> pushTargetOf(bob) == null && stack.pushEndpointsOfToken(bob.token).isEmpty());

    alice.connectAndSend(bob, "m-2", "second");
    await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> noPushes(endpoint));
    assertThat(queuedCount(bob)).as("nothing is lost: both wait for sync").isEqualTo(2);
  }

  @Test
  void reRegisteringATokenThePlatformDisabledEnablesItsEndpointAgain() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint = bob.registerPushAndGoOffline("apns");
    stack.invalidatePushToken(bob.token);

    try (TestSocket bobSocket = bob.connect()) {
      assertThat(bob.registerPush(bobSocket, "apns")).isEqualTo(endpoint);
    }
    alice.connectAndSend(bob, "m-1", "back?");
    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 1);
  }

  @Test
  void aTokenMovedToAnotherAccountIsDetachedFromTheOldDevice() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    Phone carol = Phone.registered();
    String endpoint = alice.registerPushAndGoOffline("fcm");
    bob.token = alice.token;
    assertThat(bob.registerPushAndGoOffline("fcm")).isEqualTo(endpoint);
    assertThat(pushTargetOf(alice)).as("alice's target, detached").isNull();

    carol.connectAndSend(alice, "m-1", "to alice");
    await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> noPushes(endpoint));

    carol.connectAndSend(bob, "m-2", "to bob");
    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(endpoint).size() == 1);
  }

  @Test
  void unregisteringDeletesTheEndpointAndStopsPushes() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    String endpoint;
    try (TestSocket bobSocket = bob.connect()) {
      endpoint = bob.registerPush(bobSocket, "fcm");
      assertThat(request(bobSocket, "{\"action\":\"unregisterPush\"}").path("type").asText())
          .isEqualTo("pushUnregistered");
    }
    assertThat(stack.pushEndpointsOfToken(bob.token)).isEmpty();
    alice.connectAndSend(bob, "m-1", "hello");
    await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> noPushes(endpoint));
  }

  @Test
  void thePushHoldsNoTextSenderGroupNameOrIdsOnlySyncNow() {
    Phone alice = Phone.registered();
    Phone bob = Phone.registered();
    Phone carol = Phone.registered();
    String apnsEndpoint = bob.registerPushAndGoOffline("apns");
    String fcmEndpoint = carol.registerPushAndGoOffline("fcm");
    String groupName = "Secret Club " + UUID.randomUUID();
    String groupId;
    String messageId;
    try (TestSocket socket = alice.connect()) {
      ObjectNode create =
          JSON.createObjectNode().put("action", "createGroup").put("name", groupName);
      create.putArray("members").add(bob.phone).add(carol.phone);
      groupId = request(socket, create.toString()).path("groupId").asText();
      messageId =
          request(
                  socket,
                  JSON.createObjectNode()
                      .put("action", "send")
                      .put("group", groupId)
                      .put("id", "g-1")
                      .put("body", "the secret plan")
                      .toString())
              .path("messageId")
              .asText();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(apnsEndpoint).size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(fcmEndpoint).size() == 1);
    for (String endpoint : List.of(apnsEndpoint, fcmEndpoint)) {
      String captured = JSON.valueToTree(pushesTo(endpoint).get(0)).toString();
      assertThat(captured)
          .doesNotContain("secret plan", groupName, groupId, messageId, alice.phone)
          .doesNotContain(alice.phone.substring(1));
    }

    JsonNode apns = JSON.valueToTree(pushesTo(apnsEndpoint).get(0));
    assertThat(apns.path("MessageStructure").asText()).isEqualTo("json");
    JsonNode apnsPayload = parse(parse(apns.path("Message").asText()).path("APNS").asText());
    assertThat(apnsPayload.path("aps").path("alert").path("loc-key").asText())
        .isEqualTo("CHECKMARK_NEW_MESSAGES");
    assertThat(apnsPayload.path("aps").path("content-available").asInt()).isEqualTo(1);
    assertThat(apns.path("MessageAttributes").toString())
        .contains("AWS.SNS.MOBILE.APNS.PUSH_TYPE", "AWS.SNS.MOBILE.APNS.COLLAPSE_ID");

    JsonNode fcm = JSON.valueToTree(pushesTo(fcmEndpoint).get(0));
    JsonNode fcmMessage =
        parse(parse(fcm.path("Message").asText()).path("GCM").asText())
            .path("fcmV1Message")
            .path("message");
    assertThat(fcmMessage.path("android").path("collapse_key").asText()).isNotEmpty();
    assertThat(fcmMessage.path("android").path("priority").asText()).isEqualTo("high");
    assertThat(fcmMessage.has("notification")).as("a data message").isFalse();
  }

  @Test
  void badRegistrationsGetOneClearErrorAndStoreNothing() {
    Phone bob = Phone.registered();
    try (TestSocket socket = bob.connect()) {
      JsonNode unknown =
          request(socket, "{\"action\":\"registerPush\",\"platform\":\"webpush\",\"token\":\"t\"}");
      assertThat(unknown.path("code").asText()).isEqualTo("BAD_REQUEST");
      assertThat(unknown.path("message").asText()).contains("apns, apns_sandbox or fcm");
      JsonNode empty =
          request(socket, "{\"action\":\"registerPush\",\"platform\":\"fcm\",\"token\":\"\"}");
      assertThat(empty.path("code").asText()).isEqualTo("BAD_REQUEST");
    }
    try (TestSocket anonymous = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode refused =
          request(anonymous, "{\"action\":\"registerPush\",\"platform\":\"fcm\",\"token\":\"t\"}");
      assertThat(refused.path("code").asText()).isEqualTo("UNAUTHORIZED");
    }
    assertThat(pushTargetOf(bob)).isNull();
  }

  /** A registered phone, with the push token its app would have. */
  private static final class Phone {
    final String phone = Phones.next();
    final String key = Devices.register(stack, phone);
    String token = "token-" + UUID.randomUUID();

    static Phone registered() {
      return new Phone();
    }

    TestSocket connect() {
      return TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(phone, key));
    }

    /** Registers the token on this open connection; returns the endpoint it got. */
    String registerPush(TestSocket socket, String platform) {
      JsonNode reply =
          request(
              socket,
              JSON.createObjectNode()
                  .put("action", "registerPush")
                  .put("platform", platform)
                  .put("token", token)
                  .toString());
      assertThat(reply.path("type").asText()).isEqualTo("pushRegistered");
      return pushTargetOf(this).get("endpoint").s();
    }

    /** Connects, sends one message and closes once it is accepted. */
    void connectAndSend(Phone to, String clientId, String body) {
      try (TestSocket socket = connect()) {
        assertThat(request(socket, send(to, clientId, body)).path("type").asText())
            .isEqualTo("accepted");
      }
    }

    /** Registers the token, then closes the connection (an app going to the background). */
    String registerPushAndGoOffline(String platform) {
      String endpoint;
      try (TestSocket socket = connect()) {
        endpoint = registerPush(socket, platform);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> connectionRows(this).isEmpty());
      return endpoint;
    }
  }

  private static String send(Phone to, String clientId, String body) {
    return JSON.createObjectNode()
        .put("action", "send")
        .put("to", to.phone)
        .put("id", clientId)
        .put("body", body)
        .toString();
  }

  /** Acks a message received on the socket, and waits for the reply. */
  private static void ack(TestSocket socket, JsonNode message) {
    request(
        socket,
        JSON.createObjectNode()
            .put("action", "ack")
            .set("messageIds", JSON.createArrayNode().add(message.path("messageId").asText()))
            .toString());
  }

  private static List<Map<String, Object>> pushesTo(String endpoint) {
    return stack.pushNotificationsTo(endpoint);
  }

  private static boolean noPushes(String endpoint) {
    return pushesTo(endpoint).isEmpty();
  }

  private static Map<String, AttributeValue> pushTargetOf(Phone phone) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                r ->
                    r.tableName(stack.environmentOf("NotifyFunction").get("PUSH_TARGETS_TABLE"))
                        .key(
                            Map.of(
                                "phone",
                                AttributeValue.fromS(phone.phone),
                                "device",
                                AttributeValue.fromN("1")))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? null : item;
  }

  /** Dates the row's connect back past the grace in which a 410 may mean "not open yet". */
  private static void openedBeforeTheHandshakeGrace(String connectionId) {
    long then = Instant.now().minus(ConnectionStore.HANDSHAKE_GRACE).minusSeconds(1).toEpochMilli();
    dynamoDb.updateItem(
        r ->
            r.tableName(stack.environmentOf("ConnectFunction").get("CONNECTIONS_TABLE"))
                .key(Map.of("id", AttributeValue.fromS(connectionId)))
                .updateExpression("SET connectedAt = :then")
                .expressionAttributeValues(
                    Map.of(":then", AttributeValue.fromN(Long.toString(then)))));
  }

  private static List<String> connectionRows(Phone phone) {
    return dynamoDb
        .scan(r -> r.tableName(stack.environmentOf("ConnectFunction").get("CONNECTIONS_TABLE")))
        .items()
        .stream()
        .filter(item -> item.containsKey("phone") && phone.phone.equals(item.get("phone").s()))
        .map(item -> item.get("id").s())
        .toList();
  }

  private static int queuedCount(Phone phone) {
    return dynamoDb
        .query(
            r ->
                r.tableName(stack.environmentOf("SendFunction").get("MESSAGES_TABLE"))
                    .keyConditionExpression("#queue = :queue")
                    .expressionAttributeNames(Map.of("#queue", "queue"))
                    .expressionAttributeValues(Map.of(":queue", AttributeValue.fromS(phone.phone))))
        .count();
  }

  /** Sends the frame with a ref and returns the reply to it, passing over pushed frames. */
  private static JsonNode request(TestSocket socket, String frame) {
    String ref = "r-" + UUID.randomUUID();
    ObjectNode withRef = (ObjectNode) parse(frame);
    withRef.put("ref", ref);
    socket.send(withRef.toString());
    return next(socket, reply -> ref.equals(reply.path("ref").asText()));
  }

  private static JsonNode next(TestSocket socket, Predicate<JsonNode> wanted) {
    while (true) {
      JsonNode frame = parse(socket.next(Duration.ofSeconds(15)));
      if (wanted.test(frame)) {
        return frame;
      }
    }
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
