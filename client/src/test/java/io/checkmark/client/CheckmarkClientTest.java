package io.checkmark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.DeviceLinked;
import io.checkmark.protocol.Devices;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a server that does exactly what each test scripts, on loopback. */
class CheckmarkClientTest {

  private ScriptedServer server;
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final Listener listener =
      new Listener() {
        @Override
        public void onMessage(MessageFrame message) {
          heard.add("message " + message.messageId() + " " + message.body());
        }

        @Override
        public void onSentTranscript(MessageFrame transcript) {
          heard.add(
              "transcript "
                  + transcript.messageId()
                  + " to "
                  + transcript.to()
                  + " from device "
                  + transcript.fromDevice()
                  + " "
                  + transcript.body());
        }

        @Override
        public void onReceipt(ReceiptFrame receipt) {
          heard.add(
              "receipt "
                  + receipt.messageId()
                  + " "
                  + receipt.status()
                  + " "
                  + receipt.messageIds());
        }

        @Override
        public void onDeviceReplaced() {
          heard.add("replaced");
        }

        @Override
        public void onDeviceUnlinked() {
          heard.add("unlinked");
        }
      };

  @BeforeEach
  void startServer() throws Exception {
    server = new ScriptedServer();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void connectSyncsUntilNoMoreAndAcksEachPageAfterTheListenerReturns() throws Exception {
    try (CheckmarkClient client = client().build()) {
      CompletableFuture<Void> synced = client.connect();

      ScriptedServer.Received firstSync = server.next("sync");
      server.send(
          "{\"type\":\"message\",\"messageId\":\"m1\",\"from\":\"+14155550001\",\"id\":\"c1\",\"body\":\"one\",\"ts\":1}");
      server.send(
          "{\"type\":\"receipt\",\"messageId\":\"r1\",\"status\":\"delivered\",\"by\":\"+14155550001\",\"messageIds\":[\"x\"],\"ts\":2}");
      server.reply(firstSync, "{\"type\":\"synced\",\"count\":2,\"more\":true}");
      // The page's acks may come in one frame or, split by the ack timer, in two; all before the
      // next sync.
      List<String> acked = new ArrayList<>();
      while (acked.size() < 2) {
        ScriptedServer.Received ack = server.next();
        assertThat(ack.action()).as("the page is acked before the next sync").isEqualTo("ack");
        ack.frame().path("messageIds").forEach(id -> acked.add(id.asText()));
        assertThat(heard)
            .as("acked only after the listener returned")
            .hasSizeGreaterThanOrEqualTo(acked.size());
        server.reply(
            ack, "{\"type\":\"acked\",\"count\":" + ack.frame().path("messageIds").size() + "}");
      }
      assertThat(acked).containsExactly("m1", "r1");
      assertThat(heard).containsExactly("message m1 one", "receipt r1 delivered [x]");
      assertThat(synced).isNotDone();
      ScriptedServer.Received secondSync = server.next("sync");
      server.reply(secondSync, "{\"type\":\"synced\",\"count\":0,\"more\":false}");

      synced.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPageTheListenerRefusedWholeEndsTheSyncInsteadOfAskingForItAgain() throws Exception {
    Listener refusing =
        new Listener() {
          @Override
          public void onMessage(MessageFrame message) {
            throw new IllegalStateException("disk full");
          }
        };
    try (CheckmarkClient client = client().listener(refusing).build()) {
      CompletableFuture<Void> synced = client.connect();
      ScriptedServer.Received sync = server.next("sync");
      server.send(
          "{\"type\":\"message\",\"messageId\":\"m1\",\"from\":\"+14155550001\",\"id\":\"c1\",\"body\":\"hi\",\"ts\":1}");
      server.reply(sync, "{\"type\":\"synced\",\"count\":1,\"more\":true}");

      synced.get(5, TimeUnit.SECONDS);
      assertThat(server.takeAll()).as("neither an ack nor the same page again").isEmpty();
    }
  }

  @Test
  void anEmptyPageWithMoreQueuedSyncsAgain() throws Exception {
    try (CheckmarkClient client = client().build()) {
      CompletableFuture<Void> synced = client.connect();
      // As the server ends a page cut short by throttling.
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":true}");

      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
      synced.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void itemPushedTwiceReachesTheListenerOnceAndIsAckedBothTimes() throws Exception {
    try (CheckmarkClient client = client().build()) {
      CompletableFuture<Void> synced = client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
      synced.get(5, TimeUnit.SECONDS);
      // As a push and a sync of another connection of the device may both send it.
      server.send(
          "{\"type\":\"message\",\"messageId\":\"m1\",\"from\":\"+14155550001\",\"id\":\"c1\",\"body\":\"hi\",\"ts\":1}");
      server.send(
          "{\"type\":\"message\",\"messageId\":\"m1\",\"from\":\"+14155550001\",\"id\":\"c1\",\"body\":\"hi\",\"ts\":1}");

      List<String> acked = new ArrayList<>();
      while (acked.size() < 2) {
        server.next("ack").frame().path("messageIds").forEach(id -> acked.add(id.asText()));
      }
      assertThat(acked).as("acked each time it came").containsExactly("m1", "m1");
      assertThat(heard).containsExactly("message m1 hi");
    }
  }

  @Test
  void sendInterruptedByAReconnectIsSentAgainWithTheSameId() throws Exception {
    try (CheckmarkClient client = client().build()) {
      client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
      CompletableFuture<Accepted> accepted = client.send("+14155550002", "are you there?");
      ScriptedServer.Received first = server.next("send");

      server.closeNewest();
      ScriptedServer.Received again = server.next("send");

      assertThat(again.connection()).isEqualTo(first.connection() + 1);
      assertThat(again.frame().path("id").asText()).isEqualTo(first.frame().path("id").asText());
      String id = again.frame().path("id").asText();
      server.send(
          "{\"type\":\"accepted\",\"id\":\""
              + id
              + "\",\"messageId\":\"m9\",\"to\":\"+14155550002\",\"ts\":5,\"ref\":\""
              + id
              + "\"}");
      assertThat(accepted.get(5, TimeUnit.SECONDS).messageId()).isEqualTo("m9");
    }
  }

  @Test
  void reconnectsWithGrowingBackoffAfterRefusals() throws Exception {
    server.refuseNextUpgrades(4);
    try (CheckmarkClient client =
        client().backoff(Duration.ofMillis(40), Duration.ofSeconds(2)).build()) {
      client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");

      List<Long> attempts = server.upgradeAttempts();
      assertThat(attempts).hasSize(5);
      Duration firstGap = Duration.ofNanos(attempts.get(1) - attempts.get(0));
      Duration fourthGap = Duration.ofNanos(attempts.get(4) - attempts.get(3));
      // Ceilings 40, 80, 160, 320 ms; each delay is at least half its ceiling.
      assertThat(firstGap)
          .isGreaterThanOrEqualTo(Duration.ofMillis(20))
          .isLessThan(Duration.ofMillis(150));
      assertThat(fourthGap).isGreaterThanOrEqualTo(Duration.ofMillis(160)).isGreaterThan(firstGap);
      assertThat(client.isConnected()).isTrue();
    }
  }

  @Test
  void aClientToldToGiveUpFailsAtOnceWhenNothingAnswersItsFirstConnect() throws Exception {
    int closedPort;
    try (ServerSocket free = new ServerSocket(0)) {
      closedPort = free.getLocalPort();
    }
    try (CheckmarkClient client =
        CheckmarkClient.builder(URI.create("ws://127.0.0.1:" + closedPort + "/ws"))
            .giveUpIfFirstConnectFails()
            .build()) {
      assertThatThrownBy(() -> client.connect().get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConnectionFailed.class)
          .cause()
          .satisfies(
              failed -> assertThat(((ConnectionFailed) failed).refusedWithStatus()).isZero());
    }
  }

  @Test
  void pingsBeforeTheIdleTimeoutAndReconnectsBeforeTheMaximumAge() throws Exception {
    try (CheckmarkClient client =
        client()
            .pingInterval(Duration.ofMillis(150))
            .maxConnectionAge(Duration.ofMillis(700))
            .build()) {
      client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");

      ScriptedServer.Received ping = server.next("ping");
      assertThat(ping.connection()).isEqualTo(1);
      ScriptedServer.Received resync = server.next("sync");
      assertThat(resync.connection())
          .as("a new connection, opened by the client before its age limit")
          .isEqualTo(2);
    }
  }

  @Test
  void deviceReplacedStopsTheClientForGood() throws Exception {
    try (CheckmarkClient client = client().build()) {
      client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");

      server.send(
          "{\"type\":\"error\",\"code\":\"DEVICE_REPLACED\",\"message\":\"registered elsewhere\"}");
      server.closeNewest();

      await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("replaced"));
      assertThat(heard).containsExactly("replaced");
      await("no reconnect after DEVICE_REPLACED")
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2))
          .until(() -> server.connections() == 1);
    }
  }

  @Test
  void loginActionComesFirstWhenHeadersCannotBeSet() throws Exception {
    try (CheckmarkClient client = client().loginWithAction().build()) {
      CompletableFuture<Void> synced = client.connect();

      ScriptedServer.Received login = server.next();
      assertThat(login.action()).isEqualTo("login");
      assertThat(login.frame().path("phone").asText()).isEqualTo("+14155550000");
      assertThat(login.frame().path("deviceKey").asText()).isEqualTo("key");
      server.reply(login, "{\"type\":\"loggedIn\",\"phone\":\"+14155550000\"}");
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
      synced.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void errorForASendFailsItsFuture() throws Exception {
    try (CheckmarkClient client = client().build()) {
      client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
      CompletableFuture<Accepted> accepted = client.send("+14155550003", "hello?");
      String id = server.next("send").frame().path("id").asText();

      server.send(
          "{\"type\":\"error\",\"code\":\"UNKNOWN_RECIPIENT\",\"message\":\"no one\",\"action\":\"send\",\"id\":\""
              + id
              + "\"}");

      assertThat(accepted)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOfSatisfying(
              CheckmarkException.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_RECIPIENT"));
    }
  }

  @Test
  void anApprovedLinkGivesTheClientItsDeviceCredentialsForEveryReconnect() throws Exception {
    try (CheckmarkClient client = anonymous().build()) {
      client.connect().get(5, TimeUnit.SECONDS);
      CompletableFuture<PendingLink> asked = client.requestLink("Firefox on Linux");
      ScriptedServer.Received requestLink = server.next("requestLink");
      assertThat(requestLink.frame().path("name").asText()).isEqualTo("Firefox on Linux");
      server.reply(
          requestLink, "{\"type\":\"linkCode\",\"code\":\"abc_-1\",\"expiresInSeconds\":300}");
      PendingLink pending = asked.get(5, TimeUnit.SECONDS);
      assertThat(pending.code()).isEqualTo("abc_-1");
      assertThat(pending.expiresInSeconds()).isEqualTo(300);
      assertThat(pending.linked()).isNotDone();

      server.send(
          "{\"type\":\"linked\",\"phone\":\"+14155550000\",\"deviceId\":2,\"deviceKey\":\"k2\"}");

      Credentials linked = pending.linked().get(5, TimeUnit.SECONDS);
      assertThat(linked).isEqualTo(new Credentials("+14155550000", 2, "k2"));
      assertThat(client.credentials()).isEqualTo(linked);
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
      server.closeNewest();
      ScriptedServer.Received resync = server.next("sync");
      assertThat(resync.connection()).isEqualTo(2);
      assertThat(server.authorizations())
          .containsExactly("", "Basic " + base64("+14155550000.2:k2"));
    }
  }

  @Test
  void thePrimaryKeepsTheV1HeaderAndALinkedDeviceNamesItselfInTheLoginAction() throws Exception {
    try (CheckmarkClient primary = client().build()) {
      primary.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
      assertThat(server.authorizations()).containsExactly("Basic " + base64("+14155550000:key"));
    }
    try (CheckmarkClient linked =
        client().credentials(new Credentials("+14155550000", 3, "k3")).loginWithAction().build()) {
      linked.connect();
      ScriptedServer.Received login = server.next("login");
      assertThat(login.frame().path("deviceId").asInt()).isEqualTo(3);
      assertThat(login.frame().path("deviceKey").asText()).isEqualTo("k3");
    }
  }

  @Test
  void aLinkCodeNotApprovedInTimeFailsAsExpired() throws Exception {
    try (CheckmarkClient client = anonymous().build()) {
      client.connect().get(5, TimeUnit.SECONDS);
      CompletableFuture<PendingLink> asked = client.requestLink("tablet");
      server.reply(
          server.next("requestLink"),
          "{\"type\":\"linkCode\",\"code\":\"c\",\"expiresInSeconds\":1}");

      assertThat(asked.get(5, TimeUnit.SECONDS).linked())
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOfSatisfying(
              CheckmarkException.class, e -> assertThat(e.code()).isEqualTo("LINK_EXPIRED"));
      assertThat(client.credentials()).isNull();
    }
  }

  @Test
  void aLinkCodeDiesWithItsConnection() throws Exception {
    try (CheckmarkClient client = anonymous().build()) {
      client.connect().get(5, TimeUnit.SECONDS);
      CompletableFuture<PendingLink> asked = client.requestLink("tablet");
      server.reply(
          server.next("requestLink"),
          "{\"type\":\"linkCode\",\"code\":\"c\",\"expiresInSeconds\":300}");
      PendingLink pending = asked.get(5, TimeUnit.SECONDS);

      server.closeNewest();

      assertThat(pending.linked())
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOfSatisfying(
              CheckmarkException.class, e -> assertThat(e.code()).isEqualTo("LINK_EXPIRED"));
    }
  }

  @Test
  void approveListAndUnlinkAnswerWithTheServersReplies() throws Exception {
    try (CheckmarkClient client = client().build()) {
      client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");

      CompletableFuture<DeviceLinked> approved = client.approveLink("abc");
      ScriptedServer.Received approve = server.next("approveLink");
      assertThat(approve.frame().path("code").asText()).isEqualTo("abc");
      server.reply(approve, "{\"type\":\"deviceLinked\",\"deviceId\":2,\"name\":\"tablet\"}");
      assertThat(approved.get(5, TimeUnit.SECONDS)).isEqualTo(new DeviceLinked(2, "tablet"));

      CompletableFuture<List<Devices.Device>> listed = client.listDevices();
      server.reply(
          server.next("listDevices"),
          "{\"type\":\"devices\",\"devices\":[{\"deviceId\":1,\"linkedAt\":10,\"lastSeen\":20},"
              + "{\"deviceId\":2,\"name\":\"tablet\",\"linkedAt\":30}]}");
      assertThat(listed.get(5, TimeUnit.SECONDS))
          .containsExactly(
              new Devices.Device(1, null, 10, 20L), new Devices.Device(2, "tablet", 30, null));

      CompletableFuture<?> unlinked = client.unlinkDevice(2);
      ScriptedServer.Received unlink = server.next("unlinkDevice");
      assertThat(unlink.frame().path("deviceId").isInt()).isTrue();
      assertThat(unlink.frame().path("deviceId").asInt()).isEqualTo(2);
      server.reply(unlink, "{\"type\":\"deviceUnlinked\",\"deviceId\":2}");
      assertThat(unlinked).succeedsWithin(Duration.ofSeconds(5));
    }
  }

  @Test
  void refusedDeviceRequestsFailWithTheServersCode() throws Exception {
    try (CheckmarkClient client = client().build()) {
      client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");

      CompletableFuture<DeviceLinked> approved = client.approveLink("old");
      server.reply(
          server.next("approveLink"),
          "{\"type\":\"error\",\"code\":\"LINK_EXPIRED\",\"message\":\"no such code\",\"action\":\"approveLink\"}");
      CompletableFuture<?> unlinked = client.unlinkDevice(7);
      server.reply(
          server.next("unlinkDevice"),
          "{\"type\":\"error\",\"code\":\"UNKNOWN_DEVICE\",\"message\":\"no device 7\",\"action\":\"unlinkDevice\"}");

      assertThat(approved)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOfSatisfying(
              CheckmarkException.class,
              e -> {
                assertThat(e.code()).isEqualTo("LINK_EXPIRED");
                assertThat(e.getMessage()).isEqualTo("LINK_EXPIRED: no such code");
              });
      assertThat(unlinked)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOfSatisfying(
              CheckmarkException.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_DEVICE"));
    }
  }

  @Test
  void deviceUnlinkedStopsTheClientForGood() throws Exception {
    try (CheckmarkClient client =
        client().credentials(new Credentials("+14155550000", 2, "k2")).build()) {
      client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
      CompletableFuture<Accepted> unanswered = client.send("+14155550002", "still there?");
      server.next("send");

      server.send("{\"type\":\"error\",\"code\":\"DEVICE_UNLINKED\",\"message\":\"unlinked\"}");
      server.closeNewest();

      await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("unlinked"));
      assertThat(heard).containsExactly("unlinked");
      assertThat(unanswered).failsWithin(Duration.ofSeconds(5));
      await("no reconnect after DEVICE_UNLINKED")
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2))
          .until(() -> server.connections() == 1);
    }
  }

  @Test
  void aDeviceUnlinkedIsADeviceReplacedToAListenerThatKnowsOnlyThat() throws Exception {
    List<String> replaced = new CopyOnWriteArrayList<>();
    Listener v1Listener =
        new Listener() {
          @Override
          public void onDeviceReplaced() {
            replaced.add("replaced");
          }
        };
    try (CheckmarkClient client = client().listener(v1Listener).build()) {
      client.connect();
      server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");

      server.send("{\"type\":\"error\",\"code\":\"DEVICE_UNLINKED\",\"message\":\"unlinked\"}");

      await().atMost(Duration.ofSeconds(5)).until(() -> replaced.contains("replaced"));
    }
  }

  @Test
  void aSentTranscriptReachesTheListenerAsOutgoingAndIsAcked() throws Exception {
    try (CheckmarkClient client = client().build()) {
      client.connect();
      ScriptedServer.Received sync = server.next("sync");
      server.send(
          "{\"type\":\"message\",\"messageId\":\"m1\",\"from\":\"+14155550000\",\"fromDevice\":2,"
              + "\"to\":\"+14155550009\",\"id\":\"c1\",\"body\":\"sent from the tablet\",\"ts\":1}");
      server.send(
          "{\"type\":\"message\",\"messageId\":\"m2\",\"from\":\"+14155550009\",\"fromDevice\":3,"
              + "\"id\":\"c2\",\"body\":\"a reply\",\"ts\":2}");
      server.reply(sync, "{\"type\":\"synced\",\"count\":2,\"more\":false}");

      List<String> acked = new ArrayList<>();
      while (acked.size() < 2) {
        server.next("ack").frame().path("messageIds").forEach(id -> acked.add(id.asText()));
      }
      assertThat(acked).containsExactly("m1", "m2");
      assertThat(heard)
          .containsExactly(
              "transcript m1 to +14155550009 from device 2 sent from the tablet",
              "message m2 a reply");
    }
  }

  @Test
  void aClientWithoutMessagesNeitherSyncsNorAcks() throws Exception {
    try (CheckmarkClient client = client().withoutMessages().build()) {
      client.connect().get(5, TimeUnit.SECONDS);
      // The client may see its upgrade done before the server has registered the socket.
      await().atMost(Duration.ofSeconds(5)).until(() -> server.connections() == 1);
      server.send(
          "{\"type\":\"message\",\"messageId\":\"m1\",\"from\":\"+14155550001\",\"id\":\"c1\",\"body\":\"hi\",\"ts\":1}");
      CompletableFuture<List<Devices.Device>> listed = client.listDevices();

      ScriptedServer.Received first = server.next();
      assertThat(first.action()).as("no sync, no ack").isEqualTo("listDevices");
      server.reply(first, "{\"type\":\"devices\",\"devices\":[]}");
      assertThat(listed.get(5, TimeUnit.SECONDS)).isEmpty();
      assertThat(heard).isEmpty();
    }
  }

  private CheckmarkClient.Settings anonymous() {
    return CheckmarkClient.builder(server.url())
        .listener(listener)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .ackDelay(Duration.ofMillis(5));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private CheckmarkClient.Settings client() {
    return CheckmarkClient.builder(server.url())
        .credentials("+14155550000", "key")
        .listener(listener)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .ackDelay(Duration.ofMillis(5));
  }
}
