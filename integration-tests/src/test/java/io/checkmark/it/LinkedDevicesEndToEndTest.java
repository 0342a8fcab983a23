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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Linked devices over real WebSockets on the local stack, frame by frame as protocol v2 writes
 * them: linking by code, a message fanned out to every device of a phone, sent transcripts,
 * delivered on the primary's ack only, unlinking and re-registration revoking devices, and the
 * refusals of codes and of a fifth linked device.
 */
class LinkedDevicesEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration QUIET = Duration.ofMillis(500);
  private static final Duration CLOSE = Duration.ofSeconds(10);

  /** Registers again at once: a test number gets no SMS, so no one-a-minute limit. */
  private static final String TEST_NUMBER = "+14155550177";

  private static final String TEST_PIN = "975310";
  private static final ByteArrayOutputStream CONSOLE = new ByteArrayOutputStream();

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
                        "TestNumbersParameterName", "/checkmark/test-numbers"))
                .ssmParameters(Map.of("/checkmark/test-numbers", TEST_NUMBER + "=" + TEST_PIN))
                .console(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8))
                .logFrames(true)
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
  void anApprovedCodeLogsTheWaitingConnectionInAsANewDeviceWithAKeyOfItsOwn() throws Exception {
    Account bob = register();
    TestSocket waiting = anonymous();

    JsonNode code = request(waiting, "{\"action\":\"requestLink\",\"name\":\"Firefox on Linux\"}");
    assertThat(code.path("type").asText()).isEqualTo("linkCode");
    assertThat(code.path("expiresInSeconds").asLong()).isEqualTo(300);
    assertThat(Base64.getUrlDecoder().decode(code.path("code").asText())).hasSize(16);

    JsonNode approved = request(bob.socket, approve(code.path("code").asText()));
    JsonNode linked = frame(waiting.next());
    assertThat(CONSOLE.toString(StandardCharsets.UTF_8))
        .as("the local stack's console, frames included, shows no link code or device key")
        .contains("requestLink")
        .doesNotContain(code.path("code").asText())
        .doesNotContain(linked.path("deviceKey").asText());

    assertThat(approved.path("type").asText()).isEqualTo("deviceLinked");
    assertThat(approved.path("deviceId").asInt()).isEqualTo(2);
    assertThat(approved.path("name").asText()).isEqualTo("Firefox on Linux");
    assertThat(linked.path("type").asText()).isEqualTo("linked");
    assertThat(linked.path("phone").asText()).isEqualTo(bob.phone);
    assertThat(linked.path("deviceId").asInt()).isEqualTo(2);
    JsonNode devices = request(waiting, "{\"action\":\"listDevices\"}");
    assertThat(devices.path("devices"))
        .extracting(device -> device.path("deviceId").asInt() + ":" + device.path("name").asText())
        .containsExactly("1:", "2:Firefox on Linux");
    assertThat(devices.path("devices").get(1).path("lastSeen").isNumber())
        .as("a connected device was seen now")
        .isTrue();

    String key = linked.path("deviceKey").asText();
    TestSocket reconnected = loggedIn(bob.phone + ".2", key);
    assertThat(request(reconnected, "{\"action\":\"sync\"}").path("type").asText())
        .isEqualTo("synced");
    TestSocket byLogin = anonymous();
    JsonNode loggedIn =
        request(
            byLogin,
            "{\"action\":\"login\",\"phone\":\""
                + bob.phone
                + "\",\"deviceId\":2,\"deviceKey\":\""
                + key
                + "\"}");
    assertThat(loggedIn.path("deviceId").asInt()).isEqualTo(2);
    assertThat(refusedStatus(bob.phone + ":" + key))
        .as("device 2's key is not the primary's")
        .isEqualTo(401);
  }

  @Test
  void aMessageToAPhoneWithThreeDevicesReachesEachOnceAndIsDeliveredOnlyOnThePrimarysAck()
      throws Exception {
    Account alice = register();
    TestSocket alicesLaptop = link(alice, "alice laptop");
    Account bob = register();
    TestSocket bobsLaptop = link(bob, "bob laptop");
    TestSocket bobsTablet = link(bob, "bob tablet");

    JsonNode accepted = request(alice.socket, send(bob.phone, "c-1", "hello, all of you"));
    String messageId = accepted.path("messageId").asText();

    for (TestSocket device : List.of(bob.socket, bobsLaptop, bobsTablet)) {
      JsonNode message = frame(device.next());
      assertThat(message.path("type").asText()).isEqualTo("message");
      assertThat(message.path("messageId").asText()).isEqualTo(messageId);
      assertThat(message.path("from").asText()).isEqualTo(alice.phone);
      assertThat(message.path("fromDevice").asInt()).isEqualTo(1);
      assertThat(message.has("to")).isFalse();
      assertThat(device.poll(QUIET)).as("pushed once").isNull();
    }
    JsonNode transcript = frame(alicesLaptop.next());
    assertThat(transcript.path("messageId").asText()).isEqualTo(messageId);
    assertThat(transcript.path("from").asText()).isEqualTo(alice.phone);
    assertThat(transcript.path("to").asText()).isEqualTo(bob.phone);
    assertThat(request(alicesLaptop, ack(messageId)).path("count").asInt()).isEqualTo(1);

    assertThat(request(bobsLaptop, ack(messageId)).path("count").asInt()).isEqualTo(1);
    assertThat(request(bobsTablet, ack(messageId)).path("count").asInt()).isEqualTo(1);
    assertThat(alice.socket.poll(QUIET)).as("no receipt for a linked device's ack").isNull();

    assertThat(request(bob.socket, ack(messageId)).path("count").asInt()).isEqualTo(1);
    for (TestSocket sender : List.of(alice.socket, alicesLaptop)) {
      JsonNode receipt = frame(sender.next());
      assertThat(receipt.path("type").asText()).isEqualTo("receipt");
      assertThat(receipt.path("status").asText()).isEqualTo("delivered");
      assertThat(receipt.path("byDevice").asInt()).isEqualTo(1);
      assertThat(receipt.path("messageIds"))
          .extracting(JsonNode::asText)
          .containsExactly(messageId);
    }
    for (TestSocket device : List.of(bob.socket, bobsLaptop, bobsTablet)) {
      assertThat(request(device, "{\"action\":\"sync\"}").path("count").asInt())
          .as("each copy was removed by its own device's ack")
          .isZero();
    }
  }

  @Test
  void unlinkingTellsAndClosesTheDeviceAndItsKeyStopsWorking() throws Exception {
    Account bob = register();
    TestSocket laptop = anonymous();
    String key = linkWaiting(bob, laptop, "laptop").path("deviceKey").asText();
    TestSocket laptopAgain = loggedIn(bob.phone + ".2", key);

    JsonNode unlinked = request(bob.socket, "{\"action\":\"unlinkDevice\",\"deviceId\":2}");

    assertThat(unlinked.path("type").asText()).isEqualTo("deviceUnlinked");
    assertThat(unlinked.path("deviceId").asInt()).isEqualTo(2);
    for (TestSocket socket : List.of(laptop, laptopAgain)) {
      assertThat(frame(socket.next()).path("code").asText()).isEqualTo("DEVICE_UNLINKED");
      socket.closeCode(CLOSE);
    }
    assertThat(refusedStatus(bob.phone + ".2:" + key)).isEqualTo(401);
    JsonNode login =
        request(
            anonymous(),
            "{\"action\":\"login\",\"phone\":\""
                + bob.phone
                + "\",\"deviceId\":2,\"deviceKey\":\""
                + key
                + "\"}");
    assertThat(login.path("code").asText()).isEqualTo("UNKNOWN_DEVICE");
    assertThat(
            request(bob.socket, "{\"action\":\"unlinkDevice\",\"deviceId\":2}")
                .path("code")
                .asText())
        .isEqualTo("UNKNOWN_DEVICE");
  }

  @Test
  void aLinkedDeviceMayUnlinkItselfButNoOtherAndMayNotApprove() throws Exception {
    Account bob = register();
    TestSocket laptop = link(bob, "laptop");
    TestSocket tablet = link(bob, "tablet");
    String code = requestCode(anonymous(), "phone");

    assertThat(request(laptop, approve(code)).path("code").asText()).isEqualTo("NOT_PRIMARY");
    assertThat(
            request(laptop, "{\"action\":\"unlinkDevice\",\"deviceId\":3}").path("code").asText())
        .isEqualTo("NOT_PRIMARY");
    assertThat(
            request(laptop, "{\"action\":\"unlinkDevice\",\"deviceId\":2}").path("type").asText())
        .isEqualTo("deviceUnlinked");
    assertThat(request(laptop, "{\"action\":\"sync\"}").path("code").asText())
        .as("the unlinked connection is logged out")
        .isEqualTo("UNAUTHORIZED");
    assertThat(request(tablet, "{\"action\":\"sync\"}").path("type").asText()).isEqualTo("synced");
  }

  @Test
  void aNewRegistrationRevokesEveryDevice() throws Exception {
    String firstKey = Devices.register(stack.webSocketUrl(), TEST_NUMBER, () -> TEST_PIN);
    Account bob = new Account(TEST_NUMBER, firstKey, loggedIn(TEST_NUMBER, firstKey));
    TestSocket laptop = anonymous();
    String key = linkWaiting(bob, laptop, "laptop").path("deviceKey").asText();

    TestSocket newPhone = anonymous();
    request(newPhone, "{\"action\":\"requestPin\",\"phone\":\"" + bob.phone + "\"}");
    JsonNode registered =
        request(
            newPhone,
            "{\"action\":\"verifyPin\",\"phone\":\""
                + bob.phone
                + "\",\"pin\":\""
                + TEST_PIN
                + "\"}");

    assertThat(registered.path("type").asText()).isEqualTo("registered");
    for (TestSocket revoked : List.of(bob.socket, laptop)) {
      assertThat(frame(revoked.next()).path("code").asText()).isEqualTo("DEVICE_REPLACED");
      revoked.closeCode(CLOSE);
    }
    assertThat(refusedStatus(bob.phone + ".2:" + key)).isEqualTo(401);
    assertThat(refusedStatus(bob.phone + ":" + bob.key)).isEqualTo(401);
    JsonNode devices = request(newPhone, "{\"action\":\"listDevices\"}");
    assertThat(devices.path("devices"))
        .extracting(device -> device.path("deviceId").asInt())
        .containsExactly(1);
  }

  @Test
  void concurrentApprovalsOfOneCodeLinkOneDevice() throws Exception {
    Account bob = register();
    List<TestSocket> primaries = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      primaries.add(loggedIn(bob.phone, bob.key));
    }
    TestSocket waiting = anonymous();
    String code = requestCode(waiting, "contested");
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<JsonNode>> approvals = new ArrayList<>();
    for (TestSocket primary : primaries) {
      approvals.add(
          CompletableFuture.supplyAsync(
              () -> {
                awaitStart(start);
                return request(primary, approve(code));
              }));
    }
    start.countDown();

    List<String> outcomes =
        approvals.stream()
            .map(CompletableFuture::join)
            .map(reply -> reply.path("type").asText() + ":" + reply.path("code").asText())
            .toList();
    assertThat(outcomes).filteredOn(outcome -> outcome.startsWith("deviceLinked")).hasSize(1);
    assertThat(outcomes).filteredOn(outcome -> outcome.equals("error:LINK_EXPIRED")).hasSize(5);
    assertThat(frame(waiting.next()).path("type").asText()).isEqualTo("linked");
    assertThat(waiting.poll(QUIET)).isNull();
    assertThat(request(bob.socket, "{\"action\":\"listDevices\"}").path("devices")).hasSize(2);
  }

  @Test
  void aFifthLinkedDeviceIsRefused() throws Exception {
    Account bob = register();
    for (int i = 0; i < 4; i++) {
      link(bob, "device " + i);
    }
    TestSocket fifth = anonymous();
    String code = requestCode(fifth, "fifth");

    assertThat(request(bob.socket, approve(code)).path("code").asText())
        .isEqualTo("TOO_MANY_DEVICES");
    assertThat(fifth.poll(QUIET)).isNull();
    request(bob.socket, "{\"action\":\"unlinkDevice\",\"deviceId\":4}");
    assertThat(request(bob.socket, approve(code)).path("deviceId").asInt())
        .as("the code was not used up, and ids are never reused")
        .isEqualTo(6);
  }

  @Test
  void expiredReusedAndAbandonedCodesAreRefused() throws Exception {
    Account bob = register();
    String name = "expiring " + Phones.next();
    String expired = requestCode(anonymous(), name);
    expireLinkCodeNamed(name);
    assertThat(request(bob.socket, approve(expired)).path("code").asText())
        .isEqualTo("LINK_EXPIRED");

    TestSocket waiting = anonymous();
    String used = requestCode(waiting, "once");
    request(bob.socket, approve(used));
    assertThat(request(bob.socket, approve(used)).path("code").asText()).isEqualTo("LINK_EXPIRED");

    TestSocket leaving = anonymous();
    String abandoned = requestCode(leaving, "gone");
    int open = stack.openConnectionIds().size();
    leaving.close();
    await().atMost(CLOSE).until(() -> stack.openConnectionIds().size() == open - 1);
    assertThat(request(bob.socket, approve(abandoned)).path("code").asText())
        .isEqualTo("LINK_EXPIRED");

    assertThat(request(bob.socket, "{\"action\":\"listDevices\"}").path("devices")).hasSize(2);
    assertThat(
            request(loggedIn(bob.phone, bob.key), "{\"action\":\"requestLink\",\"name\":\"x\"}")
                .path("code")
                .asText())
        .as("a logged-in connection cannot wait for a link")
        .isEqualTo("BAD_REQUEST");
  }

  /** A registered phone and a socket logged in as its primary. */
  private record Account(String phone, String key, TestSocket socket) {}

  private Account register() {
    String phone = Phones.next();
    String key = Devices.register(stack, phone);
    return new Account(phone, key, loggedIn(phone, key));
  }

  /** Links a new device on a new socket and returns that socket, logged in as the device. */
  private TestSocket link(Account primary, String name) {
    TestSocket waiting = anonymous();
    linkWaiting(primary, waiting, name);
    return waiting;
  }

  private JsonNode linkWaiting(Account primary, TestSocket waiting, String name) {
    String code = requestCode(waiting, name);
    assertThat(request(primary.socket, approve(code)).path("type").asText())
        .isEqualTo("deviceLinked");
    JsonNode linked = frame(waiting.next());
    assertThat(linked.path("type").asText()).isEqualTo("linked");
    return linked;
  }

  private String requestCode(TestSocket waiting, String name) {
    ObjectNode frame = JSON.createObjectNode().put("action", "requestLink").put("name", name);
    return request(waiting, frame.toString()).path("code").asText();
  }

  /** Makes the pending code of the device with this name look five minutes old. */
  private static void expireLinkCodeNamed(String name) {
    String table = stack.environmentOf("RequestLinkFunction").get("LINK_CODES_TABLE");
    Map<String, AttributeValue> item =
        dynamoDb.scan(r -> r.tableName(table)).items().stream()
            .filter(found -> found.get("name").s().equals(name))
            .findFirst()
            .orElseThrow();
    dynamoDb.updateItem(
        r ->
            r.tableName(table)
                .key(Map.of("codeHash", item.get("codeHash")))
                .updateExpression("SET expiresAt = :past")
                .expressionAttributeValues(
                    Map.of(
                        ":past",
                        AttributeValue.fromN(
                            Long.toString(Instant.now().minusSeconds(1).getEpochSecond())))));
  }

  private TestSocket anonymous() {
    TestSocket socket = TestSocket.connect(stack.webSocketUrl());
    sockets.add(socket);
    return socket;
  }

  private TestSocket loggedIn(String user, String key) {
    TestSocket socket =
        TestSocket.connect(stack.webSocketUrl(), Map.of("Authorization", basic(user, key)));
    sockets.add(socket);
    return socket;
  }

  private static int refusedStatus(String credentials) {
    try {
      TestSocket.connect(stack.webSocketUrl(), Map.of("Authorization", basic(credentials))).close();
      return 101;
    } catch (TestSocket.Refused refused) {
      return refused.status();
    }
  }

  private static String approve(String code) {
    return JSON.createObjectNode().put("action", "approveLink").put("code", code).toString();
  }

  private static String send(String to, String id, String body) {
    return JSON.createObjectNode()
        .put("action", "send")
        .put("to", to)
        .put("id", id)
        .put("body", body)
        .toString();
  }

  private static String ack(String messageId) {
    ObjectNode frame = JSON.createObjectNode().put("action", "ack");
    frame.putArray("messageIds").add(messageId);
    return frame.toString();
  }

  private static String basic(String user, String key) {
    return basic(user + ":" + key);
  }

  private static String basic(String credentials) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  private static void awaitStart(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
