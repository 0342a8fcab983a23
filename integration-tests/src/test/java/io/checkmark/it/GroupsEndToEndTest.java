package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.aws.AccountsTable;
import io.checkmark.aws.MessagesTable;
import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.GroupReceipts;
import io.checkmark.core.Group;
import io.checkmark.local.LocalStack;
import io.checkmark.local.TestSocket;
import io.checkmark.protocol.GroupCreated;
import io.checkmark.protocol.GroupUpdateFrame;
import io.checkmark.protocol.MessageFrame;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Groups over real WebSockets on the local stack, frame by frame as protocol v2 writes them: the
 * group message stored once and fanned out from the GroupEvents table's stream to every device of
 * every member, per-member receipts, and membership changes racing sends.
 */
class GroupsEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration FAN_OUT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(700);

  /** Frames each socket got that a test has not looked at yet. */
  private static final Map<TestSocket, List<JsonNode>> PASSED_OVER = new ConcurrentHashMap<>();

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
                        "LinkRequestsPerAddressPerHour", "100000"))
                .console(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8))
                .build());
    dynamoDb = ProjectStack.dynamoDb(stack);
  }

  @AfterAll
  static void stopStack() {
    dynamoDb.close();
    stack.close();
  }

  @Test
  void aFanOutThatFailsHalfWayIsRunAgainByTheEventSourceAndEveryDeviceGetsExactlyOneCopy() {
    Account alice = register();
    // 120 members: the fan-out's first transaction takes 99 copies, the second the other 21.
    // Registered straight into the Accounts table: they need accounts, not connections.
    AccountsTable accounts =
        new AccountsTable(dynamoDb, stack.environmentOf("SendFunction").get("ACCOUNTS_TABLE"));
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      String phone = Phones.next();
      accounts.replacePrimary(phone, "a key hash it never needs", Instant.now());
      members.add(phone);
    }
    JsonNode created = request(alice.socket, createGroup("Crowd", members.toArray(String[]::new)));
    assertThat(created.path("type").asText()).as(created.toString()).isEqualTo("groupCreated");
    String group = created.path("groupId").asText();
    String last = members.get(members.size() - 1);
    await().atMost(FAN_OUT).until(() -> queued(last).size() == 1);

    // The second transaction of the next fan-out fails on every SDK attempt: the run dies there.
    stack.failDynamoDbCalls("FanOutFunction", "TransactWriteItems", 1, 3);
    String id =
        request(alice.socket, sendToGroup(group, "c-1", "still here")).path("messageId").asText();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> members.stream().allMatch(member -> queued(member).contains(id)));
    for (String member : members) {
      assertThat(queued(member)).as("queue of %s", member).filteredOn(id::equals).hasSize(1);
    }
    assertThat(queued(alice.phone)).as("the sending device").doesNotContain(id);
    assertThat(CONSOLE.toString(StandardCharsets.UTF_8))
        .as("the first run failed and the event source ran the record again")
        .contains("1 records → item failure from record 1");
    assertThat(stack.deadLetters()).isEmpty();
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(TestSocket::close);
    PASSED_OVER.clear();
  }

  @Test
  void aGroupMessageReachesEveryDeviceOfEveryMemberOnceAndEachMemberReceiptsIt() {
    Account alice = register();
    Account bob = register();
    Account carol = register();
    TestSocket alicesLaptop = link(alice, "laptop");
    TestSocket bobsLaptop = link(bob, "laptop");

    JsonNode created = request(alice.socket, createGroup("Friends", bob.phone, carol.phone));
    assertThat(created.path("type").asText()).isEqualTo("groupCreated");
    String group = created.path("groupId").asText();
    assertThat(created.path("admins")).extracting(JsonNode::asText).containsExactly(alice.phone);
    for (TestSocket device :
        List.of(alice.socket, alicesLaptop, bob.socket, bobsLaptop, carol.socket)) {
      JsonNode update = nextOfType(device, "groupUpdate");
      assertThat(update.path("change").asText()).isEqualTo("created");
      assertThat(update.path("groupId").asText()).isEqualTo(group);
      ack(device, update.path("messageId").asText());
    }

    JsonNode accepted = request(alice.socket, sendToGroup(group, "c-1", "hello all"));
    assertThat(accepted.path("type").asText()).isEqualTo("accepted");
    assertThat(accepted.path("group").asText()).isEqualTo(group);
    String messageId = accepted.path("messageId").asText();

    for (TestSocket device : List.of(alicesLaptop, bob.socket, bobsLaptop, carol.socket)) {
      JsonNode message = nextOfType(device, "message");
      assertThat(message.path("messageId").asText()).isEqualTo(messageId);
      assertThat(message.path("group").asText()).isEqualTo(group);
      assertThat(message.path("from").asText()).isEqualTo(alice.phone);
      assertThat(message.path("body").asText()).isEqualTo("hello all");
    }
    ack(bobsLaptop, messageId);
    ack(bob.socket, messageId);
    ack(carol.socket, messageId);
    for (TestSocket device : List.of(alice.socket, alicesLaptop)) {
      List<String> receipts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        JsonNode receipt = nextOfType(device, "receipt");
        assertThat(receipt.path("group").asText()).isEqualTo(group);
        assertThat(receipt.path("messageIds"))
            .extracting(JsonNode::asText)
            .containsExactly(messageId);
        receipts.add(receipt.path("status").asText() + " " + receipt.path("by").asText());
      }
      assertThat(receipts)
          .containsExactlyInAnyOrder("delivered " + bob.phone, "delivered " + carol.phone);
    }
    assertThat(pollOfType(bob.socket, "message"))
        .as("no second copy, and none for the sending device")
        .isNull();
    assertThat(pollOfType(alice.socket, "message")).isNull();
    assertThat(stack.deadLetters()).isEmpty();
  }

  @Test
  void aRemovedMemberHearsOfItAndGetsNoLaterMessageAndOnlyMembersMaySend() {
    Account alice = register();
    Account bob = register();
    Account carol = register();
    String group =
        request(alice.socket, createGroup("Friends", bob.phone, carol.phone))
            .path("groupId")
            .asText();
    nextOfType(carol.socket, "groupUpdate");

    ObjectNode remove = JSON.createObjectNode().put("action", "updateGroup").put("groupId", group);
    remove.putArray("remove").add(carol.phone);
    JsonNode updated = request(alice.socket, remove.toString());
    assertThat(updated.path("type").asText()).isEqualTo("groupUpdated");
    assertThat(updated.path("members"))
        .extracting(JsonNode::asText)
        .containsExactly(alice.phone, bob.phone);
    JsonNode removal = nextOfType(carol.socket, "groupUpdate");
    assertThat(removal.path("change").asText()).isEqualTo("updated");
    assertThat(removal.path("by").asText()).isEqualTo(alice.phone);

    String id =
        request(alice.socket, sendToGroup(group, "c-1", "carol left")).path("messageId").asText();

    assertThat(nextOfType(bob.socket, "message").path("messageId").asText()).isEqualTo(id);
    assertThat(pollOfType(carol.socket, "message")).isNull();
    assertThat(
            request(carol.socket, sendToGroup(group, "c-2", "let me back")).path("code").asText())
        .isEqualTo("NOT_A_MEMBER");
    assertThat(
            request(bob.socket, "{\"action\":\"getGroup\",\"groupId\":\"" + group + "\"}")
                .path("members"))
        .hasSize(2);
    assertThat(
            request(bob.socket, "{\"action\":\"getGroup\",\"groupId\":\"no-such-group\"}")
                .path("code")
                .asText())
        .isEqualTo("UNKNOWN_GROUP");
    JsonNode left =
        request(bob.socket, "{\"action\":\"leaveGroup\",\"groupId\":\"" + group + "\"}");
    assertThat(left.path("type").asText()).isEqualTo("groupLeft");
  }

  @Test
  void theClientSdkCreatesSendsHearsAndCountsReceiptsPerMember() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String carol = Phones.next();
    Devices.Inbox alicesInbox = new Devices.Inbox();
    Devices.Inbox bobsInbox = new Devices.Inbox();
    Devices.Inbox carolsInbox = new Devices.Inbox();
    GroupReceipts perMember = new GroupReceipts();
    List<String> heardByBob = new ArrayList<>();
    try (CheckmarkClient aliceClient =
            Devices.client(stack, alice, Devices.register(stack, alice), alicesInbox);
        CheckmarkClient bobClient =
            Devices.client(stack, bob, Devices.register(stack, bob), bobsInbox);
        CheckmarkClient carolClient =
            Devices.client(stack, carol, Devices.register(stack, carol), carolsInbox)) {
      for (CheckmarkClient client : List.of(aliceClient, bobClient, carolClient)) {
        client.connect().join();
      }

      GroupCreated group = aliceClient.createGroup("Friends", List.of(bob, carol)).join();
      GroupUpdateFrame createdAtBob = bobsInbox.nextGroupUpdate();
      assertThat(createdAtBob.name()).isEqualTo("Friends");
      heardByBob.add(createdAtBob.messageId());
      assertThat(carolsInbox.nextGroupUpdate().change()).isEqualTo("created");
      String id = aliceClient.sendToGroup(group.groupId(), "hi both").join().messageId();
      MessageFrame atBob = bobsInbox.nextMessage();
      heardByBob.add(atBob.messageId());
      MessageFrame atCarol = carolsInbox.nextMessage();
      for (int i = 0; i < 2; i++) {
        perMember.record(alicesInbox.nextReceipt());
      }
      bobClient.markRead(alice, group.groupId(), List.of(id)).join();
      perMember.record(alicesInbox.nextReceipt());

      assertThat(atBob.group()).isEqualTo(group.groupId());
      assertThat(atCarol.messageId()).isEqualTo(id);
      assertThat(perMember.summary(id, 2)).isEqualTo("delivered to 2 of 2, read by 1");
      assertThat(aliceClient.getGroup(group.groupId()).join().members())
          .containsExactly(alice, bob, carol);
      carolClient.leaveGroup(group.groupId()).join();
      GroupUpdateFrame leftAtBob = bobsInbox.nextGroupUpdate();
      assertThat(leftAtBob.change()).isEqualTo("left");
      heardByBob.add(leftAtBob.messageId());
      // Acked by the SDK once the listener returned (while the client is still connected).
      await()
          .atMost(FAN_OUT)
          .untilAsserted(
              () ->
                  assertThat(queued(bob))
                      .as("what bob's listener heard, acked by the SDK")
                      .doesNotContainAnyElementsOf(heardByBob));
      assertThat(
              aliceClient
                  .updateGroup(group.groupId(), "Pair", null, null, List.of(alice, bob))
                  .join()
                  .admins())
          .containsExactly(alice, bob);
    }
  }

  @Test
  void aGroupOf1024MembersIsStoredOnceAndEveryMemberHasTheMessage() {
    Account alice = register();
    AccountsTable accounts =
        new AccountsTable(dynamoDb, stack.environmentOf("SendFunction").get("ACCOUNTS_TABLE"));
    List<String> members = new ArrayList<>();
    for (int i = 0; i < Group.MAX_MEMBERS - 1; i++) {
      String phone = "+1202555" + String.format("%04d", i);
      accounts.replacePrimary(phone, "a key hash it never needs", Instant.now());
      members.add(phone);
    }
    ObjectNode create = JSON.createObjectNode().put("action", "createGroup").put("name", "All");
    members.forEach(create.putArray("members")::add);
    JsonNode created = request(alice.socket, create.toString());
    assertThat(created.path("members")).hasSize(Group.MAX_MEMBERS);
    String group = created.path("groupId").asText();
    ObjectNode oneMore = JSON.createObjectNode().put("action", "updateGroup").put("groupId", group);
    oneMore.putArray("add").add(Phones.next());
    assertThat(request(alice.socket, oneMore.toString()).path("code").asText())
        .isEqualTo("GROUP_FULL");

    String id =
        request(alice.socket, sendToGroup(group, "c-1", "to all")).path("messageId").asText();

    await().atMost(Duration.ofSeconds(60)).until(() -> fanOutProgress(id) == Group.MAX_MEMBERS);
    assertThat(members).allSatisfy(member -> assertThat(queued(member)).containsOnlyOnce(id));
    assertThat(stack.deadLetters()).isEmpty();
  }

  @Test
  void aFanOutThatKeepsFailingIsDeadLetteredAfterItsRetriesAndTheStreamGoesOn() {
    Account alice = register();
    Account bob = register();
    String group =
        request(alice.socket, createGroup("Friends", bob.phone)).path("groupId").asText();
    nextOfType(bob.socket, "groupUpdate");
    // Every SDK attempt of the first run and of its 10 retries fails: 11 runs of 3 attempts.
    stack.failDynamoDbCalls("FanOutFunction", "TransactWriteItems", 0, 33);
    int before = stack.deadLetters().size();

    String lost =
        request(alice.socket, sendToGroup(group, "c-1", "given up")).path("messageId").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> stack.deadLetters().size() > before);
    String after =
        request(alice.socket, sendToGroup(group, "c-2", "goes on")).path("messageId").asText();

    assertThat(stack.deadLetters().get(before))
        .contains("\"condition\":\"RetryAttemptsExhausted\"")
        .contains("\"batchSize\":1")
        .contains("startSequenceNumber");
    assertThat(nextOfType(bob.socket, "message").path("messageId").asText()).isEqualTo(after);
    assertThat(queued(bob.phone))
        .as("the given-up event left nothing half-stored")
        .doesNotContain(lost);
  }

  @Test
  void sendsRacingARemovalReachTheRemovedMemberOnlyIfAcceptedBeforeIt() throws Exception {
    Account alice = register();
    Account bob = register();
    Account carol = register();
    String group =
        request(alice.socket, createGroup("Race", bob.phone, carol.phone)).path("groupId").asText();
    nextOfType(carol.socket, "groupUpdate");
    TestSocket admin = loggedIn(alice.phone, alice.key);
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    List<String> during = new ArrayList<>();
    java.util.concurrent.CompletableFuture<Void> removal =
        new java.util.concurrent.CompletableFuture<>();
    Thread remover =
        new Thread(
            () -> {
              ObjectNode remove =
                  JSON.createObjectNode().put("action", "updateGroup").put("groupId", group);
              remove.putArray("remove").add(carol.phone);
              request(admin, remove.toString());
              removal.complete(null);
            });
    for (int i = 0; i < 30; i++) {
      if (i == 10) {
        remover.start();
      }
      boolean removedAlready = removal.isDone();
      boolean removalStarted = i >= 10;
      String id =
          request(alice.socket, sendToGroup(group, "r-" + i, "race " + i))
              .path("messageId")
              .asText();
      (removedAlready ? after : removalStarted ? during : before).add(id);
    }
    remover.join();
    String last =
        request(alice.socket, sendToGroup(group, "r-last", "after all")).path("messageId").asText();
    after.add(last);
    await().atMost(FAN_OUT).until(() -> queued(bob.phone).contains(last));

    List<String> carols = queued(carol.phone);
    assertThat(carols).as("accepted before the removal was asked for").containsAll(before);
    assertThat(carols).as("sent once the removal was done").doesNotContainAnyElementsOf(after);
    assertThat(queued(bob.phone)).containsAll(before).containsAll(during).containsAll(after);
  }

  @Test
  void badGroupRequestsGetOneShortErrorAndStoreNothing() {
    Account alice = register();
    Account bob = register();
    String group =
        request(alice.socket, createGroup("Friends", bob.phone)).path("groupId").asText();
    nextOfType(bob.socket, "groupUpdate");
    Map<String, String> refusals = new java.util.LinkedHashMap<>();
    refusals.put(
        "{\"action\":\"createGroup\",\"name\":\"x\",\"members\":\"" + bob.phone + "\"}",
        "BAD_REQUEST");
    refusals.put(createGroup("x".repeat(101), bob.phone), "BAD_REQUEST");
    refusals.put(createGroup("", bob.phone), "BAD_REQUEST");
    refusals.put(createGroup("Bad", "12345"), "BAD_REQUEST");
    refusals.put("{\"action\":\"createGroup\",\"name\":\"No members\"}", "BAD_REQUEST");
    refusals.put("{\"action\":\"updateGroup\",\"groupId\":\"" + group + "\"}", "BAD_REQUEST");
    refusals.put("{\"action\":\"updateGroup\",\"groupId\":42,\"name\":\"x\"}", "BAD_REQUEST");
    refusals.put(
        "{\"action\":\"updateGroup\",\"groupId\":\"../42\",\"name\":\"x\"}", "UNKNOWN_GROUP");
    refusals.put("{\"action\":\"getGroup\",\"groupId\":{\"$ne\":1}}", "BAD_REQUEST");
    refusals.put("{\"action\":\"leaveGroup\"}", "UNKNOWN_GROUP");
    refusals.put(
        "{\"action\":\"send\",\"group\":\""
            + group
            + "\",\"to\":\""
            + bob.phone
            + "\",\"id\":\"b\",\"body\":\"x\"}",
        "BAD_REQUEST");
    refusals.put("{\"action\":\"send\",\"group\":\"" + group + "\",\"id\":\"c\"}", "BAD_REQUEST");

    refusals.forEach(
        (frame, code) -> {
          JsonNode reply = request(alice.socket, frame);
          assertThat(reply.path("code").asText()).as(frame).isEqualTo(code);
          assertThat(reply.path("message").asText().length()).as(frame).isLessThanOrEqualTo(200);
        });

    assertThat(pollOfType(bob.socket, "groupUpdate")).as("no change reached a member").isNull();
    assertThat(pollOfType(bob.socket, "message")).isNull();
    JsonNode unchanged =
        request(bob.socket, "{\"action\":\"getGroup\",\"groupId\":\"" + group + "\"}");
    assertThat(unchanged.path("name").asText()).isEqualTo("Friends");
    assertThat(unchanged.path("members")).hasSize(2);
  }

  /** How many recipients of a group event have their copies, from its fan-out's marker. */
  private static int fanOutProgress(String eventId) {
    return MessagesTable.fanOutProgress(
        dynamoDb, stack.environmentOf("SendFunction").get("MESSAGES_TABLE"), eventId);
  }

  /** The ids in a phone's primary queue, read from the Messages table. */
  private static List<String> queued(String phone) {
    String table = stack.environmentOf("SendFunction").get("MESSAGES_TABLE");
    return dynamoDb
        .query(
            r ->
                r.tableName(table)
                    .keyConditionExpression("#q = :q")
                    .expressionAttributeNames(Map.of("#q", "queue"))
                    .expressionAttributeValues(Map.of(":q", AttributeValue.fromS(phone)))
                    .consistentRead(true))
        .items()
        .stream()
        .map(item -> item.get("id").s())
        .toList();
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
    TestSocket waiting = connect(Map.of());
    String code =
        request(
                waiting,
                JSON.createObjectNode().put("action", "requestLink").put("name", name).toString())
            .path("code")
            .asText();
    assertThat(
            request(
                    primary.socket,
                    JSON.createObjectNode()
                        .put("action", "approveLink")
                        .put("code", code)
                        .toString())
                .path("type")
                .asText())
        .isEqualTo("deviceLinked");
    assertThat(nextOfType(waiting, "linked").path("deviceId").asInt()).isPositive();
    return waiting;
  }

  private TestSocket loggedIn(String phone, String key) {
    return connect(
        Map.of(
            "Authorization",
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((phone + ":" + key).getBytes(StandardCharsets.UTF_8))));
  }

  private TestSocket connect(Map<String, String> headers) {
    TestSocket socket = TestSocket.connect(stack.webSocketUrl(), headers);
    sockets.add(socket);
    return socket;
  }

  private static String createGroup(String name, String... members) {
    ObjectNode frame = JSON.createObjectNode().put("action", "createGroup").put("name", name);
    ArrayNode list = frame.putArray("members");
    for (String member : members) {
      list.add(member);
    }
    return frame.toString();
  }

  private static String sendToGroup(String group, String id, String body) {
    return JSON.createObjectNode()
        .put("action", "send")
        .put("group", group)
        .put("id", id)
        .put("body", body)
        .toString();
  }

  private static void ack(TestSocket socket, String messageId) {
    ObjectNode frame = JSON.createObjectNode().put("action", "ack");
    frame.putArray("messageIds").add(messageId);
    assertThat(request(socket, frame.toString()).path("type").asText()).isEqualTo("acked");
  }

  /** The next frame of that type the socket gets within the fan-out's promise, skipping others. */
  private static JsonNode nextOfType(TestSocket socket, String type) {
    return next(socket, frame -> type.equals(frame.path("type").asText()), FAN_OUT);
  }

  /** A frame of that type if one comes soon, else null. */
  private static JsonNode pollOfType(TestSocket socket, String type) {
    try {
      return next(socket, frame -> type.equals(frame.path("type").asText()), QUIET);
    } catch (AssertionError none) {
      return null;
    }
  }

  /**
   * The first frame the socket has, or gets within {@code wait}, that is {@code wanted}; frames
   * passed over are kept, in order, for later calls.
   */
  private static JsonNode next(TestSocket socket, Predicate<JsonNode> wanted, Duration wait) {
    List<JsonNode> kept = PASSED_OVER.computeIfAbsent(socket, s -> new ArrayList<>());
    for (JsonNode frame : kept) {
      if (wanted.test(frame)) {
        kept.remove(frame);
        return frame;
      }
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String text;
      try {
        text = left <= 0 ? null : socket.poll(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      if (text == null) {
        throw new AssertionError("no such frame within " + wait);
      }
      JsonNode frame = frame(text);
      if (wanted.test(frame)) {
        return frame;
      }
      kept.add(frame);
    }
  }

  /** Sends a request with a fresh ref and returns the reply with that ref, keeping pushes. */
  private static JsonNode request(TestSocket socket, String frame) {
    String ref = "r-" + System.nanoTime();
    ObjectNode withRef = (ObjectNode) frame(frame);
    withRef.put("ref", ref);
    socket.send(withRef.toString());
    return next(socket, reply -> ref.equals(reply.path("ref").asText()), Duration.ofSeconds(15));
  }

  private static JsonNode frame(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
