package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.local.LocalStack;
import io.checkmark.local.LocalStackOptions;
import io.checkmark.local.TestSocket;
import io.checkmark.template.SamTemplate;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every AWS call the functions make, through every route and the paths that push, fail, replace,
 * link and unlink, is allowed by that function's own policy in template.yaml: the least-privilege
 * policies are exactly wide enough. (Each local function signs with its own key; {@link
 * AwsCallRecorder} tells the calls apart.)
 */
class LeastPrivilegeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TEMPLATE = ProjectStack.template();
  private static final String TEST_NUMBER = "+14155550188";
  private static final String TEST_PIN = "864200";
  private static final String TEST_NUMBERS_PARAMETER = "/checkmark/least-privilege/test-numbers";

  /** The platform applications the local stack serves, named as the local stack names them. */
  private static final String LOCAL_APPLICATIONS =
      "arn:aws:sns:us-east-1:" + SamTemplate.LOCAL_ACCOUNT_ID + ":app/";

  private static final Map<String, String> TEMPLATE_PARAMETERS =
      Map.of(
          "PinRequestsPerAddressPerHour",
          "1000",
          "TestNumbersParameterName",
          TEST_NUMBERS_PARAMETER,
          "ApnsPlatformApplicationArn",
          LOCAL_APPLICATIONS + "APNS/checkmark-local",
          "ApnsSandboxPlatformApplicationArn",
          LOCAL_APPLICATIONS + "APNS_SANDBOX/checkmark-local",
          "FcmPlatformApplicationArn",
          LOCAL_APPLICATIONS + "GCM/checkmark-local");

  @Test
  void everyCallOfEveryFunctionIsGrantedByItsPolicy() throws Exception {
    // Only this stack's calls: stacks of other tests in this JVM ran with other parameters.
    AwsCallRecorder.CALLS.clear();
    try (LocalStack stack =
        LocalStack.start(
            LocalStackOptions.builder()
                .port(0)
                .template(TEMPLATE)
                .parameterOverrides(TEMPLATE_PARAMETERS)
                .ssmParameters(Map.of(TEST_NUMBERS_PARAMETER, TEST_NUMBER + "=" + TEST_PIN))
                .build())) {
      exerciseEveryRoute(stack);
    }

    SamTemplate template =
        SamTemplate.load(TEMPLATE, TEMPLATE_PARAMETERS, "us-east-1", "checkmark-local");
    Set<String> functionIds = template.functions().keySet();
    List<String> denied = new ArrayList<>();
    Set<String> callers = new TreeSet<>();
    for (AwsCallRecorder.Call call : AwsCallRecorder.CALLS) {
      if (!functionIds.contains(call.signer())) {
        continue;
      }
      callers.add(call.signer());
      if (!allowed(template.policyStatements(call.signer()), call)) {
        denied.add(call.signer() + " needs " + call.action() + " on " + call.resource());
      }
    }

    assertThat(callers)
        .as("functions seen calling AWS")
        .containsAll(
            List.of(
                "ConnectFunction",
                "DisconnectFunction",
                "RequestPinFunction",
                "VerifyPinFunction",
                "LoginFunction",
                "SendFunction",
                "SyncFunction",
                "AckFunction",
                "ReadFunction",
                "RequestLinkFunction",
                "ApproveLinkFunction",
                "ListDevicesFunction",
                "UnlinkDeviceFunction",
                "CreateGroupFunction",
                "UpdateGroupFunction",
                "LeaveGroupFunction",
                "GetGroupFunction",
                "FanOutFunction",
                "RequestUploadFunction",
                "RequestDownloadFunction",
                "RegisterPushFunction",
                "UnregisterPushFunction",
                "NotifyFunction",
                "TypingFunction",
                "PresenceFunction",
                "SetPrivacyFunction",
                "BlockFunction",
                "UnblockFunction",
                "ListBlockedFunction"));
    assertThat(AwsCallRecorder.CALLS)
        .as("the push paths ran")
        .extracting(call -> call.signer() + " " + call.action())
        .contains(
            "RegisterPushFunction sns:CreatePlatformEndpoint",
            "RegisterPushFunction sns:SetEndpointAttributes",
            "RegisterPushFunction sns:DeleteEndpoint",
            "RegisterPushFunction dynamodb:Query",
            "UnregisterPushFunction sns:DeleteEndpoint",
            "NotifyFunction sns:Publish",
            "NotifyFunction sns:DeleteEndpoint",
            "NotifyFunction dynamodb:UpdateItem",
            "NotifyFunction execute-api:ManageConnections",
            "DisconnectFunction sns:Publish",
            "DisconnectFunction sns:DeleteEndpoint",
            "DisconnectFunction dynamodb:Query",
            "SyncFunction dynamodb:UpdateItem");
    assertThat(AwsCallRecorder.CALLS)
        .as("the media paths ran, presigned URLs included")
        .extracting(call -> call.signer() + " " + call.action())
        .contains(
            "RequestUploadFunction s3:PutObject",
            "SendFunction s3:GetObject",
            "RequestDownloadFunction s3:GetObject");
    assertThat(AwsCallRecorder.CALLS)
        .as("the linked-device paths ran")
        .extracting(call -> call.signer() + " " + call.action() + " " + call.resource())
        .contains(
            "RequestLinkFunction dynamodb:PutItem table/LinkCodesTable",
            "ApproveLinkFunction dynamodb:DeleteItem table/LinkCodesTable",
            "ListDevicesFunction dynamodb:Query table/ConnectionsTable/index/devicesByPhone",
            "UnlinkDeviceFunction dynamodb:DeleteItem table/MessagesTable",
            "VerifyPinFunction dynamodb:DeleteItem table/MessagesTable",
            "DisconnectFunction dynamodb:UpdateItem table/AccountsTable",
            "SendFunction dynamodb:BatchGetItem table/AccountsTable");
    assertThat(AwsCallRecorder.CALLS)
        .as("the group paths ran")
        .extracting(call -> call.signer() + " " + call.action() + " " + call.resource())
        .contains(
            "CreateGroupFunction dynamodb:PutItem table/GroupEventsTable",
            "UpdateGroupFunction dynamodb:PutItem table/GroupsTable",
            "SendFunction dynamodb:ConditionCheckItem table/GroupsTable",
            "SendFunction dynamodb:PutItem table/GroupEventsTable",
            "FanOutFunction dynamodb:PutItem table/MessagesTable",
            "FanOutFunction dynamodb:BatchGetItem table/AccountsTable",
            "ReadFunction dynamodb:GetItem table/GroupsTable");
    assertThat(AwsCallRecorder.CALLS)
        .as("a replaced device's connection, told, closed and forgotten on its next group action")
        .extracting(
            call ->
                call.signer()
                    + " "
                    + call.action()
                    + " "
                    + (call.action().startsWith("execute-api:")
                        ? call.resource().split(" ", 2)[0]
                        : call.resource()))
        .containsAll(
            Stream.of("CreateGroup", "UpdateGroup", "LeaveGroup", "GetGroup")
                .flatMap(
                    function ->
                        Stream.of(
                            function + "Function dynamodb:DeleteItem table/ConnectionsTable",
                            function + "Function execute-api:ManageConnections POST",
                            function + "Function execute-api:ManageConnections DELETE"))
                .toList());
    assertThat(AwsCallRecorder.CALLS)
        .as("the typing, presence, privacy and blocking paths ran")
        .extracting(call -> call.signer() + " " + call.action() + " " + call.resource())
        .contains(
            "TypingFunction dynamodb:GetItem table/GroupsTable",
            "TypingFunction dynamodb:Query table/ConnectionsTable/index/devicesByPhone",
            "PresenceFunction dynamodb:Query table/ConnectionsTable/index/devicesByPhone",
            "PresenceFunction dynamodb:UpdateItem table/RateLimitsTable",
            "SetPrivacyFunction dynamodb:UpdateItem table/AccountsTable",
            "BlockFunction dynamodb:UpdateItem table/AccountsTable",
            "UnblockFunction dynamodb:UpdateItem table/AccountsTable");
    assertThat(AwsCallRecorder.CALLS)
        .as("last seen recorded at connect, at login and by every logged-in action's session")
        .extracting(call -> call.signer() + " " + call.action() + " " + call.resource())
        .containsAll(
            Stream.of(
                    "Connect",
                    "Login",
                    "Send",
                    "Sync",
                    "Ack",
                    "Read",
                    "ApproveLink",
                    "ListDevices",
                    "UnlinkDevice",
                    "CreateGroup",
                    "UpdateGroup",
                    "LeaveGroup",
                    "GetGroup",
                    "RequestUpload",
                    "RequestDownload",
                    "RegisterPush",
                    "UnregisterPush",
                    "Typing",
                    "Presence",
                    "SetPrivacy",
                    "Block",
                    "Unblock",
                    "ListBlocked")
                .map(function -> function + "Function dynamodb:UpdateItem table/AccountsTable")
                .toList());
    assertThat(AwsCallRecorder.CALLS)
        .as("typing posted to the recipient's connection")
        .extracting(call -> call.signer() + " " + call.action())
        .contains("TypingFunction execute-api:ManageConnections");
    assertThat(AwsCallRecorder.CALLS)
        .as("the test numbers, read by the only function that uses them")
        .filteredOn(call -> call.action().startsWith("ssm:"))
        .extracting(call -> call.signer() + " " + call.action())
        .containsOnly("RequestPinFunction ssm:GetParameter");
    assertThat(denied).as("calls their function's policy does not allow").isEmpty();
  }

  // Alice's socket is closed inside its try block on purpose: the push then meets a gone
  // connection.
  @SuppressWarnings("try")
  private static void exerciseEveryRoute(LocalStack stack) throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String carol = Phones.next();
    try (TestSocket anonymous = TestSocket.connect(stack.webSocketUrl())) {
      reply(anonymous, "{\"action\":\"requestPin\",\"phone\":\"" + carol + "\"}");
      reply(anonymous, "{\"action\":\"verifyPin\",\"phone\":\"" + carol + "\",\"pin\":\"000001\"}");
      reply(
          anonymous, "{\"action\":\"login\",\"phone\":\"" + carol + "\",\"deviceKey\":\"wrong\"}");
      reply(anonymous, "{\"action\":\"ping\"}");
      reply(anonymous, "{\"action\":\"nothing\"}");
    }
    String aliceKey = Devices.register(stack, alice);
    String bobKey = Devices.register(stack, bob);
    try (TestSocket aliceSocket =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey));
        TestSocket bobSocket = TestSocket.connect(stack.webSocketUrl())) {
      reply(
          bobSocket,
          "{\"action\":\"login\",\"phone\":\"" + bob + "\",\"deviceKey\":\"" + bobKey + "\"}");
      String messageId =
          reply(
                  aliceSocket,
                  "{\"action\":\"send\",\"to\":\"" + bob + "\",\"id\":\"p-1\",\"body\":\"hi\"}")
              .get("messageId")
              .asText();
      reply(
          aliceSocket,
          "{\"action\":\"send\",\"to\":\"" + bob + "\",\"id\":\"p-1\",\"body\":\"hi\"}");
      bobSocket.next();
      bobSocket.send("{\"action\":\"sync\"}");
      while (!JSON.readTree(bobSocket.next()).path("type").asText().equals("synced")) {
        // the queued message, then synced
      }
      reply(bobSocket, "{\"action\":\"ack\",\"messageIds\":[\"" + messageId + "\"]}");
      reply(
          bobSocket,
          "{\"action\":\"read\",\"to\":\"" + alice + "\",\"messageIds\":[\"" + messageId + "\"]}");
      // A stale connection, found gone on push.
      Set<String> beforeDrop = stack.openConnectionIds();
      aliceSocket.close();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> beforeDrop.stream().filter(stack.openConnectionIds()::contains).count() == 1);
      String bobsConnection =
          beforeDrop.stream().filter(stack.openConnectionIds()::contains).findFirst().orElseThrow();
      stack.dropWithoutDisconnect(bobsConnection);
    }
    try (TestSocket aliceSocket =
        TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey))) {
      reply(
          aliceSocket,
          "{\"action\":\"send\",\"to\":\"" + bob + "\",\"id\":\"p-2\",\"body\":\"gone?\"}");
    }
    // Re-registration closes the old device's connection.
    try (TestSocket first = TestSocket.connect(stack.webSocketUrl());
        TestSocket second = TestSocket.connect(stack.webSocketUrl())) {
      reply(first, "{\"action\":\"requestPin\",\"phone\":\"" + TEST_NUMBER + "\"}");
      reply(
          first,
          "{\"action\":\"verifyPin\",\"phone\":\""
              + TEST_NUMBER
              + "\",\"pin\":\""
              + TEST_PIN
              + "\"}");
      reply(second, "{\"action\":\"requestPin\",\"phone\":\"" + TEST_NUMBER + "\"}");
      reply(
          second,
          "{\"action\":\"verifyPin\",\"phone\":\""
              + TEST_NUMBER
              + "\",\"pin\":\""
              + TEST_PIN
              + "\"}");
      first.closeCode(java.time.Duration.ofSeconds(5));
    }
    exerciseLinkedDevices(stack, alice, aliceKey);
    exerciseGroups(stack);
    exerciseReplacedDeviceOnGroupRoutes(stack);
    exerciseMedia(stack, alice, aliceKey, bob);
    exercisePush(stack, alice, aliceKey, bob, bobKey);
    exerciseTypingPresenceAndBlocking(stack);
    // The last disconnects run their function before the stack stops.
    await().atMost(Duration.ofSeconds(5)).until(() -> stack.openConnectionIds().isEmpty());
  }

  /**
   * Alice registers a push token, replaces it with another, unregisters and registers again (apns);
   * bob registers alice's first token (it moves), then one of his own. A message to bob while he is
   * connected (his connection asked of the gateway), which he leaves unacked as he disconnects
   * after the platform refused his token (the disconnect's push fails, the token is forgotten);
   * then alice, offline with a token the platform refused, gets a message (the notify function's
   * push fails, the token is forgotten).
   */
  private static void exercisePush(
      LocalStack stack, String alice, String aliceKey, String bob, String bobKey) throws Exception {
    String aliceToken = "token-" + java.util.UUID.randomUUID();
    String bobToken = "token-" + java.util.UUID.randomUUID();
    try (TestSocket aliceSocket =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey));
        TestSocket bobSocket =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(bob, bobKey))) {
      reply(aliceSocket, registerPush("fcm", "token-" + java.util.UUID.randomUUID()));
      reply(aliceSocket, registerPush("fcm", aliceToken));
      reply(aliceSocket, "{\"action\":\"unregisterPush\"}");
      reply(aliceSocket, registerPush("apns", aliceToken));
      reply(bobSocket, registerPush("apns", aliceToken));
      reply(bobSocket, registerPush("fcm", bobToken));
      reply(aliceSocket, sendTo(bob, "n-1"));
      bobSocket.next();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  AwsCallRecorder.CALLS.stream()
                      .anyMatch(
                          call ->
                              call.signer().equals("NotifyFunction")
                                  && call.action().equals("execute-api:ManageConnections")));
      // The platform refuses bob's token before his connection closes with n-1 unacked: the
      // disconnect's push fails and forgets it.
      stack.invalidatePushToken(bobToken);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stack.pushEndpointsOfToken(bobToken).isEmpty());
    // Alice, offline with a token the platform then refuses, gets a message: the notify
    // function's push fails and forgets it.
    String aliceAgain = "token-" + java.util.UUID.randomUUID();
    try (TestSocket aliceSocket =
        TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey))) {
      reply(aliceSocket, registerPush("fcm", aliceAgain));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> stack.openConnectionIds().isEmpty());
    stack.invalidatePushToken(aliceAgain);
    try (TestSocket bobSocket =
        TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(bob, bobKey))) {
      reply(bobSocket, sendTo(alice, "n-2"));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stack.pushEndpointsOfToken(aliceAgain).isEmpty());
  }

  private static String sendTo(String phone, String clientId) {
    return "{\"action\":\"send\",\"to\":\""
        + phone
        + "\",\"id\":\""
        + clientId
        + "\",\"body\":\"hi\"}";
  }

  private static String registerPush(String platform, String token) {
    return "{\"action\":\"registerPush\",\"platform\":\""
        + platform
        + "\",\"token\":\""
        + token
        + "\"}";
  }

  /**
   * The test number's primary links a laptop, lists its devices and gets a message with the laptop;
   * the laptop logs in on a connection of its own, which closes (its last-seen time is recorded);
   * the primary unlinks it (its connection is closed, its queue dropped) and links a tablet; a
   * message to both, then a re-registration, which revokes the tablet and drops its queue.
   */
  private static void exerciseLinkedDevices(LocalStack stack, String alice, String aliceKey)
      throws Exception {
    try (TestSocket primary = TestSocket.connect(stack.webSocketUrl());
        TestSocket laptop = TestSocket.connect(stack.webSocketUrl());
        TestSocket tablet = TestSocket.connect(stack.webSocketUrl());
        TestSocket newPrimary = TestSocket.connect(stack.webSocketUrl());
        TestSocket aliceSocket =
            TestSocket.connect(
                stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey))) {
      registerTestNumber(primary);
      JsonNode laptopLinked = link(primary, laptop, "laptop");
      int laptopId = laptopLinked.get("deviceId").asInt();
      JsonNode devices = reply(primary, "{\"action\":\"listDevices\"}");
      assertThat(devices.path("type").asText()).isEqualTo("devices");
      assertThat(devices.path("devices").size()).isEqualTo(2);
      sendToTestNumber(aliceSocket, "linked-1", primary, laptop);

      Set<String> beforeLaptopLogin = stack.openConnectionIds();
      try (TestSocket laptopLogin =
          TestSocket.connect(
              stack.webSocketUrl(),
              MessagingEndToEndTest.basic(
                  TEST_NUMBER + "." + laptopId, laptopLinked.get("deviceKey").asText()))) {
        assertThat(reply(laptopLogin, "{\"action\":\"ping\"}").path("type").asText())
            .isEqualTo("pong");
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> stack.openConnectionIds().equals(beforeLaptopLogin));

      JsonNode unlinked =
          reply(primary, "{\"action\":\"unlinkDevice\",\"deviceId\":" + laptopId + "}");
      assertThat(unlinked.path("type").asText()).isEqualTo("deviceUnlinked");
      assertThat(JSON.readTree(laptop.next()).path("code").asText()).isEqualTo("DEVICE_UNLINKED");
      laptop.closeCode(Duration.ofSeconds(5));

      link(primary, tablet, "tablet");
      sendToTestNumber(aliceSocket, "linked-2", primary, tablet);
      registerTestNumber(newPrimary);
      assertThat(JSON.readTree(tablet.next()).path("code").asText()).isEqualTo("DEVICE_REPLACED");
      tablet.closeCode(Duration.ofSeconds(5));
      primary.closeCode(Duration.ofSeconds(5));
    }
  }

  /**
   * Two new accounts: one creates a group with the other (and is told once of an unregistered
   * number), renames it and adds a member, reads it, sends to it; the fan-out copies the message
   * and pushes it; the member acks it (a delivered receipt with the group), reads it, and leaves.
   */
  private static void exerciseGroups(LocalStack stack) throws Exception {
    String dave = Phones.next();
    String erin = Phones.next();
    String frank = Phones.next();
    String daveKey = Devices.register(stack, dave);
    String erinKey = Devices.register(stack, erin);
    Devices.register(stack, frank);
    try (TestSocket daveSocket =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(dave, daveKey));
        TestSocket erinSocket =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(erin, erinKey))) {
      String unregistered = Phones.next();
      assertThat(
              replyOfType(
                      daveSocket,
                      "{\"action\":\"createGroup\",\"name\":\"g\",\"members\":[\""
                          + unregistered
                          + "\"]}",
                      "error")
                  .path("code")
                  .asText())
          .isEqualTo("UNKNOWN_RECIPIENT");
      String group =
          replyOfType(
                  daveSocket,
                  "{\"action\":\"createGroup\",\"name\":\"g\",\"members\":[\"" + erin + "\"]}",
                  "groupCreated")
              .path("groupId")
              .asText();
      replyOfType(
          daveSocket,
          "{\"action\":\"updateGroup\",\"groupId\":\""
              + group
              + "\",\"name\":\"h\",\"add\":[\""
              + frank
              + "\"]}",
          "groupUpdated");
      replyOfType(daveSocket, "{\"action\":\"getGroup\",\"groupId\":\"" + group + "\"}", "group");
      String messageId =
          replyOfType(
                  daveSocket,
                  "{\"action\":\"send\",\"group\":\""
                      + group
                      + "\",\"id\":\"g-1\",\"body\":\"hi\"}",
                  "accepted")
              .path("messageId")
              .asText();
      nextOfType(erinSocket, "message");
      replyOfType(
          erinSocket, "{\"action\":\"ack\",\"messageIds\":[\"" + messageId + "\"]}", "acked");
      replyOfType(
          erinSocket,
          "{\"action\":\"read\",\"to\":\""
              + dave
              + "\",\"group\":\""
              + group
              + "\",\"messageIds\":[\""
              + messageId
              + "\"]}",
          "receiptSent");
      replyOfType(
          erinSocket, "{\"action\":\"leaveGroup\",\"groupId\":\"" + group + "\"}", "groupLeft");
    }
  }

  /**
   * The test number's device, logged in on four connections (one creates a group), is replaced by a
   * registration whose closing of the old connections fails (the registration itself is done): the
   * session check of the next group action on each old connection, one route each and none of them
   * checked it before, tells it so, closes it and deletes its row.
   */
  private static void exerciseReplacedDeviceOnGroupRoutes(LocalStack stack) throws Exception {
    String member = Phones.next();
    Devices.register(stack, member);
    String oldKey = Devices.register(stack.webSocketUrl(), TEST_NUMBER, () -> TEST_PIN);
    Map<String, String> oldDevice = MessagingEndToEndTest.basic(TEST_NUMBER, oldKey);
    try (TestSocket updating = TestSocket.connect(stack.webSocketUrl(), oldDevice);
        TestSocket creating = TestSocket.connect(stack.webSocketUrl(), oldDevice);
        TestSocket leaving = TestSocket.connect(stack.webSocketUrl(), oldDevice);
        TestSocket getting = TestSocket.connect(stack.webSocketUrl(), oldDevice);
        TestSocket newDevice = TestSocket.connect(stack.webSocketUrl())) {
      String group =
          replyOfType(
                  updating,
                  "{\"action\":\"createGroup\",\"name\":\"g\",\"members\":[\"" + member + "\"]}",
                  "groupCreated")
              .path("groupId")
              .asText();
      reply(newDevice, "{\"action\":\"requestPin\",\"phone\":\"" + TEST_NUMBER + "\"}");
      // Every attempt of the registration's query for the number's connections fails, after the
      // new device's key and login were written: the old device's connections stay open. (Logged
      // in before the failure, the new device may first be told of the group's creation.)
      stack.failDynamoDbCalls("VerifyPinFunction", "Query", 0, 3);
      assertThat(
              replyOfType(
                      newDevice,
                      "{\"action\":\"verifyPin\",\"phone\":\""
                          + TEST_NUMBER
                          + "\",\"pin\":\""
                          + TEST_PIN
                          + "\"}",
                      "error")
                  .path("code")
                  .asText())
          .isEqualTo("INTERNAL");
      Map<TestSocket, String> frames =
          Map.of(
              updating,
              "{\"action\":\"updateGroup\",\"groupId\":\"" + group + "\",\"name\":\"h\"}",
              creating,
              "{\"action\":\"createGroup\",\"name\":\"g\",\"members\":[\"" + member + "\"]}",
              leaving,
              "{\"action\":\"leaveGroup\",\"groupId\":\"" + group + "\"}",
              getting,
              "{\"action\":\"getGroup\",\"groupId\":\"" + group + "\"}");
      for (Map.Entry<TestSocket, String> frame : frames.entrySet()) {
        // Past the group's creation, pushed to the device's other connections.
        JsonNode refused = replyOfType(frame.getKey(), frame.getValue(), "error");
        assertThat(refused.path("code").asText()).as(frame.getValue()).isEqualTo("DEVICE_REPLACED");
        assertThat(frame.getKey().closeCode(Duration.ofSeconds(5)))
            .as(frame.getValue())
            .isEqualTo(1000);
      }
    }
  }

  /**
   * Two new accounts, both connected: one tells the other she is typing, then tells a group of the
   * two; asks the other's presence and an unregistered number's (told once it is unknown); hides
   * her last seen, blocks the other, lists her blocks and unblocks him.
   */
  private static void exerciseTypingPresenceAndBlocking(LocalStack stack) throws Exception {
    String gina = Phones.next();
    String hal = Phones.next();
    String ginaKey = Devices.register(stack, gina);
    String halKey = Devices.register(stack, hal);
    try (TestSocket ginaSocket =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(gina, ginaKey));
        TestSocket halSocket =
            TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(hal, halKey))) {
      ginaSocket.send("{\"action\":\"typing\",\"to\":\"" + hal + "\",\"state\":\"typing\"}");
      JsonNode typing = nextOfType(halSocket, "typing");
      assertThat(typing.path("from").asText()).isEqualTo(gina);
      assertThat(typing.path("state").asText()).isEqualTo("typing");
      String group =
          replyOfType(
                  ginaSocket,
                  "{\"action\":\"createGroup\",\"name\":\"g\",\"members\":[\"" + hal + "\"]}",
                  "groupCreated")
              .path("groupId")
              .asText();
      ginaSocket.send("{\"action\":\"typing\",\"group\":\"" + group + "\",\"state\":\"typing\"}");
      JsonNode groupTyping = nextOfType(halSocket, "typing");
      assertThat(groupTyping.path("from").asText()).isEqualTo(gina);
      assertThat(groupTyping.path("group").asText()).isEqualTo(group);

      assertThat(
              replyOfType(
                      ginaSocket, "{\"action\":\"presence\",\"phone\":\"" + hal + "\"}", "presence")
                  .path("phone")
                  .asText())
          .isEqualTo(hal);
      assertThat(
              replyOfType(
                      ginaSocket,
                      "{\"action\":\"presence\",\"phone\":\"" + Phones.next() + "\"}",
                      "error")
                  .path("code")
                  .asText())
          .isEqualTo("UNKNOWN_RECIPIENT");

      replyOfType(ginaSocket, "{\"action\":\"setPrivacy\",\"lastSeen\":\"nobody\"}", "privacySet");
      assertThat(
              replyOfType(ginaSocket, "{\"action\":\"block\",\"phone\":\"" + hal + "\"}", "blocked")
                  .path("phone")
                  .asText())
          .isEqualTo(hal);
      assertThat(
              replyOfType(ginaSocket, "{\"action\":\"listBlocked\"}", "blockList")
                  .path("phones")
                  .toString())
          .isEqualTo("[\"" + hal + "\"]");
      assertThat(
              replyOfType(
                      ginaSocket, "{\"action\":\"unblock\",\"phone\":\"" + hal + "\"}", "unblocked")
                  .path("phone")
                  .asText())
          .isEqualTo(hal);
    }
  }

  /** Sends a frame and returns the first frame of that type to come back, past pushes. */
  private static JsonNode replyOfType(TestSocket socket, String frame, String type)
      throws Exception {
    socket.send(frame);
    return nextOfType(socket, type);
  }

  private static JsonNode nextOfType(TestSocket socket, String type) throws Exception {
    while (true) {
      JsonNode next = JSON.readTree(socket.next());
      if (type.equals(next.path("type").asText())) {
        return next;
      }
    }
  }

  /** Registers the test number on {@code socket} with its fixed PIN. */
  private static void registerTestNumber(TestSocket socket) throws Exception {
    reply(socket, "{\"action\":\"requestPin\",\"phone\":\"" + TEST_NUMBER + "\"}");
    JsonNode registered =
        reply(
            socket,
            "{\"action\":\"verifyPin\",\"phone\":\""
                + TEST_NUMBER
                + "\",\"pin\":\""
                + TEST_PIN
                + "\"}");
    assertThat(registered.path("type").asText()).isEqualTo("registered");
  }

  /**
   * Links the anonymous {@code waiting} connection through the logged-in {@code primary}; returns
   * the {@code linked} frame pushed to it.
   */
  private static JsonNode link(TestSocket primary, TestSocket waiting, String name)
      throws Exception {
    JsonNode code = reply(waiting, "{\"action\":\"requestLink\",\"name\":\"" + name + "\"}");
    assertThat(code.path("type").asText()).isEqualTo("linkCode");
    JsonNode approved =
        reply(
            primary, "{\"action\":\"approveLink\",\"code\":\"" + code.get("code").asText() + "\"}");
    assertThat(approved.path("type").asText()).isEqualTo("deviceLinked");
    JsonNode linked = JSON.readTree(waiting.next());
    assertThat(linked.path("type").asText()).isEqualTo("linked");
    assertThat(linked.path("deviceId").asInt()).isEqualTo(approved.path("deviceId").asInt());
    return linked;
  }

  /** A message from {@code sender} to the test number, pushed to each of its devices' sockets. */
  private static void sendToTestNumber(TestSocket sender, String clientId, TestSocket... devices)
      throws Exception {
    JsonNode accepted =
        reply(
            sender,
            "{\"action\":\"send\",\"to\":\""
                + TEST_NUMBER
                + "\",\"id\":\""
                + clientId
                + "\",\"body\":\"hi\"}");
    assertThat(accepted.path("type").asText()).isEqualTo("accepted");
    for (TestSocket device : devices) {
      assertThat(JSON.readTree(device.next()).path("type").asText()).isEqualTo("message");
    }
  }

  private static JsonNode reply(TestSocket socket, String frame) throws Exception {
    return JSON.readTree(socket.send(frame).next());
  }

  /**
   * No function may list the media bucket (so S3 answers a missing key with 403) or touch anything
   * but media objects; only the upload function may put one, only send and download may read one.
   * Hosting the web client changes none of that: its bucket is CloudFront's alone.
   */
  @Test
  void onlyTheMediaFunctionsReachTheMediaBucketAndNoneMayListIt() {
    for (String webClient : List.of("false", "true")) {
      Map<String, String> parameters = new TreeMap<>(TEMPLATE_PARAMETERS);
      parameters.put("WebClient", webClient);
      SamTemplate template = SamTemplate.load(TEMPLATE, parameters, "us-east-1", "checkmark-local");
      Map<String, Set<String>> s3Actions = new TreeMap<>();
      for (String function : template.functions().keySet()) {
        for (Map<String, Object> statement : template.policyStatements(function)) {
          List<String> actions = values(statement.get("Action"));
          if (actions.stream().noneMatch(action -> action.startsWith("s3:"))) {
            continue;
          }
          assertThat(statement.get("Effect")).isEqualTo("Allow");
          assertThat(values(statement.get("Resource")))
              .as(function + "'s S3 resources with WebClient=" + webClient)
              .allMatch(resource -> resource.endsWith(":s3:::checkmark-local-mediabucket/media/*"));
          s3Actions.computeIfAbsent(function, f -> new TreeSet<>()).addAll(actions);
        }
      }
      assertThat(s3Actions)
          .as("S3 actions with WebClient=" + webClient)
          .isEqualTo(
              Map.of(
                  "RequestUploadFunction", Set.of("s3:PutObject"),
                  "SendFunction", Set.of("s3:GetObject"),
                  "RequestDownloadFunction", Set.of("s3:GetObject")));
    }
  }

  /**
   * Push endpoints and platform applications, function by function: only registration creates
   * endpoints, only the functions that wake devices publish to them (SMS's wildcard denied them),
   * and none may reach an application that was not given.
   */
  @Test
  void onlyTheWakingFunctionsPublishToPushEndpointsAndOnlyRegistrationCreatesThem() {
    SamTemplate template =
        SamTemplate.load(TEMPLATE, TEMPLATE_PARAMETERS, "us-east-1", "checkmark-local");
    String endpoint = LOCAL_APPLICATIONS.replace(":app/", ":endpoint/") + "GCM/checkmark-local/x";
    String elsewhere = "arn:aws:sns:us-east-1:" + SamTemplate.LOCAL_ACCOUNT_ID + ":app/GCM/other";
    Map<String, Set<String>> granted = new TreeMap<>();
    for (String function : template.functions().keySet()) {
      List<Map<String, Object>> statements = template.policyStatements(function);
      for (String action :
          List.of("sns:Publish", "sns:DeleteEndpoint", "sns:SetEndpointAttributes")) {
        if (allowed(statements, new AwsCallRecorder.Call(function, action, endpoint))) {
          granted.computeIfAbsent(function, f -> new TreeSet<>()).add(action);
        }
      }
      String application = LOCAL_APPLICATIONS + "GCM/checkmark-local";
      if (allowed(
          statements,
          new AwsCallRecorder.Call(function, "sns:CreatePlatformEndpoint", application))) {
        granted.computeIfAbsent(function, f -> new TreeSet<>()).add("sns:CreatePlatformEndpoint");
      }
      assertThat(
              allowed(
                  statements,
                  new AwsCallRecorder.Call(function, "sns:CreatePlatformEndpoint", elsewhere)))
          .as(function + " on an application not given")
          .isFalse();
    }
    assertThat(granted)
        .isEqualTo(
            Map.of(
                "RegisterPushFunction",
                Set.of(
                    "sns:CreatePlatformEndpoint",
                    "sns:SetEndpointAttributes",
                    "sns:DeleteEndpoint"),
                "UnregisterPushFunction",
                Set.of("sns:DeleteEndpoint"),
                "NotifyFunction",
                Set.of("sns:Publish", "sns:DeleteEndpoint"),
                "DisconnectFunction",
                Set.of("sns:Publish", "sns:DeleteEndpoint")));
  }

  /**
   * Alice asks for an upload, puts the file through the presigned URL, sends it to Bob (the send
   * checks the upload), and Bob asks for the download and fetches it.
   */
  private static void exerciseMedia(LocalStack stack, String alice, String aliceKey, String bob)
      throws Exception {
    byte[] blob =
        "an encrypted file, as far as the server can tell".getBytes(StandardCharsets.UTF_8);
    String sha256 =
        Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(blob));
    java.net.http.HttpClient http = HttpClient.newHttpClient();
    try (TestSocket aliceSocket =
        TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey))) {
      JsonNode upload =
          reply(
              aliceSocket,
              "{\"action\":\"requestUpload\",\"mimeType\":\"text/plain\",\"size\":"
                  + blob.length
                  + ",\"sha256\":\""
                  + sha256
                  + "\"}");
      String url = upload.get("url").asText();
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                  .header("content-type", "text/plain")
                  .header("x-amz-checksum-sha256", sha256)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      AwsCallRecorder.recordPresigned("PUT", url);
      String mediaId = upload.get("mediaId").asText();
      assertThat(
              reply(
                      aliceSocket,
                      "{\"action\":\"send\",\"to\":\""
                          + bob
                          + "\",\"id\":\"m-1\",\"media\":{\"mediaId\":\""
                          + mediaId
                          + "\",\"mimeType\":\"text/plain\",\"size\":"
                          + blob.length
                          + ",\"sha256\":\""
                          + sha256
                          + "\",\"key\":\"AAAA\"}}")
                  .path("type")
                  .asText())
          .isEqualTo("accepted");
      String download =
          reply(aliceSocket, "{\"action\":\"requestDownload\",\"mediaId\":\"" + mediaId + "\"}")
              .get("url")
              .asText();
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(download)).build(),
                      HttpResponse.BodyHandlers.ofByteArray())
                  .body())
          .isEqualTo(blob);
      AwsCallRecorder.recordPresigned("GET", download);
    }
  }

  /**
   * IAM's matching, enough for these policies: an action listed and a resource pattern with {@code
   * *}.
   */
  /** Allowed by a statement and denied by none, as IAM decides. */
  private static boolean allowed(List<Map<String, Object>> statements, AwsCallRecorder.Call call) {
    return matches(statements, "Allow", call) && !matches(statements, "Deny", call);
  }

  private static boolean matches(
      List<Map<String, Object>> statements, String effect, AwsCallRecorder.Call call) {
    String arn = arnOf(call);
    for (Map<String, Object> statement : statements) {
      if (!effect.equals(statement.get("Effect"))
          || !values(statement.get("Action")).contains(call.action())) {
        continue;
      }
      for (String resource : values(statement.get("Resource"))) {
        if (Pattern.matches(Pattern.quote(resource).replace("*", "\\E.*\\Q"), arn)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String arnOf(AwsCallRecorder.Call call) {
    String prefix = "arn:aws:";
    String region = ":us-east-1:" + SamTemplate.LOCAL_ACCOUNT_ID + ":";
    if (call.action().startsWith("dynamodb:")) {
      return prefix + "dynamodb" + region + call.resource();
    }
    if (call.action().equals("execute-api:ManageConnections")) {
      String[] methodAndPath = call.resource().split(" ", 2);
      String path = URLDecoder.decode(methodAndPath[1], StandardCharsets.UTF_8).substring(1);
      int slash = path.indexOf('/');
      return prefix
          + "execute-api"
          + region
          + "WebSocketApi/"
          + path.substring(0, slash)
          + "/"
          + methodAndPath[0]
          + path.substring(slash);
    }
    if (call.action().startsWith("ssm:")) {
      return prefix + "ssm" + region + call.resource();
    }
    return call.resource();
  }

  private static List<String> values(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).collect(Collectors.toList());
    }
    return value == null ? List.of() : List.of(String.valueOf(value));
  }
}
