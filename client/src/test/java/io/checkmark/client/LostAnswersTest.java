package io.checkmark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.MessageFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client when the server's answers go missing or go wrong, as the reliability checker found
 * them: a crashed invocation's reply that names no request, {@code INTERNAL} after the message was
 * stored, a connection the server forgot, a live push racing the catch-up sync.
 */
class LostAnswersTest {

  private static final String SYNCED_EMPTY = "{\"type\":\"synced\",\"count\":0,\"more\":false}";
  private static final String PEER = "+14155550002";

  private ScriptedServer server;
  private final List<String> heard = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    server = new ScriptedServer();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void aSendNobodyAnswersIsWrittenAgainWithItsIdOnTheSameConnectionUntilAccepted()
      throws Exception {
    try (CheckmarkClient client = client().resendUnansweredAfter(Duration.ofMillis(200)).build()) {
      connectAndSync(client);
      CompletableFuture<Accepted> accepted = client.send(PEER, "anyone there?");
      ScriptedServer.Received first = server.next("send");
      // As API Gateway answers an invocation that crashed: no type, no id, no ref.
      server.send(
          "{\"message\":\"Internal server error\",\"connectionId\":\"c\",\"requestId\":\"r\"}");

      ScriptedServer.Received again = server.next("send");
      assertThat(again.connection()).isEqualTo(first.connection());
      assertThat(again.frame().path("id").asText()).isEqualTo(first.frame().path("id").asText());
      server.send(accepted(again, "m1"));

      assertThat(accepted.get(5, TimeUnit.SECONDS).messageId()).isEqualTo("m1");
      List<ScriptedServer.Received> afterAccepted = takeFor(Duration.ofMillis(600));
      assertThat(afterAccepted)
          .as("not written again once accepted")
          .noneMatch(frame -> frame.action().equals("send"));
    }
  }

  @Test
  void aCrashedInvocationsAnswerFromTheGatewaySendsTheUnansweredSendsAgainWithinASecond()
      throws Exception {
    try (CheckmarkClient client = client().build()) {
      connectAndSync(client);
      CompletableFuture<Accepted> accepted = client.send(PEER, "crashed before its push");
      ScriptedServer.Received first = server.next("send");
      long crashed = System.nanoTime();
      server.send(
          "{\"message\":\"Internal server error\",\"connectionId\":\"c\",\"requestId\":\"r\"}");

      ScriptedServer.Received again = server.next("send");
      assertThat(Duration.ofNanos(System.nanoTime() - crashed))
          .as("well before the 10 s wait for an answer")
          .isLessThan(Duration.ofSeconds(2));
      assertThat(again.frame().path("id").asText()).isEqualTo(first.frame().path("id").asText());
      server.send(accepted(again, "m1"));
      assertThat(accepted.get(5, TimeUnit.SECONDS).messageId()).isEqualTo("m1");
    }
  }

  @Test
  void aSendAnsweredInternalGoesAgainWithItsIdAndItsFutureHearsOnlyTheAccepted() throws Exception {
    try (CheckmarkClient client = client().build()) {
      connectAndSync(client);
      CompletableFuture<Accepted> accepted = client.send(PEER, "stored before the failure");
      ScriptedServer.Received first = server.next("send");
      server.send(error(first, "INTERNAL"));

      ScriptedServer.Received again = server.next("send");
      assertThat(again.frame().path("id").asText()).isEqualTo(first.frame().path("id").asText());
      assertThat(accepted).isNotDone();
      server.send(accepted(again, "m1"));

      assertThat(accepted.get(5, TimeUnit.SECONDS).messageId()).isEqualTo("m1");
    }
  }

  @Test
  void aSendAnsweredInternalAtEveryTryFailsWithItAfterTheLastTry() throws Exception {
    try (CheckmarkClient client = client().build()) {
      connectAndSync(client);
      CompletableFuture<Accepted> accepted = client.send(PEER, "never");
      String id = null;
      for (int attempt = 1; attempt <= CheckmarkClient.SEND_TRIES_ON_INTERNAL; attempt++) {
        // The waits between tries double from half a second: 0.5 + 1 + 2 + 4 s in all.
        ScriptedServer.Received send = server.next("send", Duration.ofSeconds(10));
        id = id == null ? send.frame().path("id").asText() : id;
        assertThat(send.frame().path("id").asText()).isEqualTo(id);
        server.send(error(send, "INTERNAL"));
      }

      assertThat(accepted)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOfSatisfying(
              CheckmarkException.class, e -> assertThat(e.code()).isEqualTo("INTERNAL"));
    }
  }

  @Test
  void aLoggedInConnectionAnsweredUnauthorizedIsReplacedAndItsSendGoesAgainThere()
      throws Exception {
    try (CheckmarkClient client = client().build()) {
      connectAndSync(client);
      CompletableFuture<Accepted> accepted = client.send(PEER, "after the row was lost");
      ScriptedServer.Received first = server.next("send");
      server.send(error(first, "UNAUTHORIZED"));

      ScriptedServer.Received again = server.next("send");
      server.reply(server.next("sync"), SYNCED_EMPTY);
      assertThat(again.connection()).isEqualTo(first.connection() + 1);
      assertThat(server.authorizations().get(1)).as("logged in again").startsWith("Basic ");
      assertThat(again.frame().path("id").asText()).isEqualTo(first.frame().path("id").asText());
      assertThat(accepted).isNotDone();
      server.send(accepted(again, "m1"));

      assertThat(accepted.get(5, TimeUnit.SECONDS).messageId()).isEqualTo("m1");
    }
  }

  @Test
  void connectionsAnsweredUnauthorizedAgainAndAgainAreMadeAgainEverMoreSlowly() throws Exception {
    try (CheckmarkClient client =
        client().backoff(Duration.ofMillis(40), Duration.ofSeconds(2)).build()) {
      client.connect();
      for (int connection = 1; connection <= 5; connection++) {
        ScriptedServer.Received sync = server.next("sync");
        assertThat(sync.connection()).isEqualTo(connection);
        server.send(error(sync, "UNAUTHORIZED"));
      }

      List<Long> attempts = server.upgradeAttempts();
      Duration firstGap = Duration.ofNanos(attempts.get(1) - attempts.get(0));
      Duration fourthGap = Duration.ofNanos(attempts.get(4) - attempts.get(3));
      // Ceilings 40, 80, 160, 320 ms; each delay is at least half its ceiling.
      assertThat(fourthGap).isGreaterThanOrEqualTo(Duration.ofMillis(160)).isGreaterThan(firstGap);
    }
  }

  @Test
  void anAnonymousConnectionAnsweredUnauthorizedStaysAndTheRequestFails() throws Exception {
    try (CheckmarkClient client = CheckmarkClient.builder(server.url()).build()) {
      client.connect().get(5, TimeUnit.SECONDS);
      CompletableFuture<List<String>> blocked = client.blocked();
      server.send(error(server.next("listBlocked"), "UNAUTHORIZED"));

      assertThat(blocked)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOfSatisfying(
              CheckmarkException.class, e -> assertThat(e.code()).isEqualTo("UNAUTHORIZED"));
      assertThat(server.connections()).isEqualTo(1);
      assertThat(client.isConnected()).isTrue();
    }
  }

  @Test
  void connectionsTheServerClosesAsTheyOpenAreMadeAgainAndTheSendGoesOnTheFirstThatStays()
      throws Exception {
    server.closeNextConnectionsAtOnce(3);
    try (CheckmarkClient client = client().build()) {
      CompletableFuture<Void> synced = client.connect();
      CompletableFuture<Accepted> accepted = client.send(PEER, "through a flaky network");

      ScriptedServer.Received send = server.next("send");
      assertThat(send.connection()).isEqualTo(4);
      server.reply(server.next("sync"), SYNCED_EMPTY);
      server.send(accepted(send, "m1"));

      synced.get(5, TimeUnit.SECONDS);
      assertThat(accepted.get(5, TimeUnit.SECONDS).messageId()).isEqualTo("m1");
    }
  }

  @Test
  void aSendOnAStoppedClientFailsAtOnce() throws Exception {
    CheckmarkClient client = client().build();
    connectAndSync(client);
    client.close();

    assertThat(client.send(PEER, "too late"))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aLivePushThatOvertakesTheCatchUpSyncReachesTheAppAfterTheOlderItems() throws Exception {
    try (CheckmarkClient client = client().build()) {
      CompletableFuture<Void> synced = client.connect();
      ScriptedServer.Received sync = server.next("sync");
      // #13 was accepted while the sync function read the queue (with #12) and pushed it live
      // before the sync's own push of #12.
      server.send(message("m13", "thirteen"));
      server.send(message("m12", "twelve"));
      server.reply(sync, "{\"type\":\"synced\",\"count\":1,\"more\":false}");
      answerAcks(2);

      synced.get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 2);
      assertThat(heard).containsExactly("m12 twelve", "m13 thirteen");
    }
  }

  @Test
  void aPushThatArrivesWithTheUpgradeWaitsForTheCatchUpSync() throws Exception {
    server.greetNextConnectionWith(message("m13", "thirteen"));
    try (CheckmarkClient client = client().build()) {
      CompletableFuture<Void> synced = client.connect();
      ScriptedServer.Received sync = server.next("sync");
      server.send(message("m12", "twelve"));
      server.send(message("m13", "thirteen"));
      server.reply(sync, "{\"type\":\"synced\",\"count\":2,\"more\":false}");
      answerAcks(2);

      synced.get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 2);
      assertThat(heard).containsExactly("m12 twelve", "m13 thirteen");
    }
  }

  @Test
  void aLivePushNewerThanAPageWaitsForThePagesBeforeIt() throws Exception {
    try (CheckmarkClient client = client().build()) {
      CompletableFuture<Void> synced = client.connect();
      ScriptedServer.Received firstPage = server.next("sync");
      server.send(message("m01", "page one"));
      server.send(message("m09", "pushed live"));
      server.reply(firstPage, "{\"type\":\"synced\",\"count\":1,\"more\":true}");
      ScriptedServer.Received ack = server.next("ack");
      assertThat(ack.frame().path("messageIds").toString()).isEqualTo("[\"m01\"]");
      server.reply(ack, "{\"type\":\"acked\",\"count\":1}");
      assertThat(heard).containsExactly("m01 page one");

      ScriptedServer.Received secondPage = server.next("sync");
      server.send(message("m05", "page two"));
      server.send(message("m09", "pushed live"));
      server.reply(secondPage, "{\"type\":\"synced\",\"count\":2,\"more\":false}");
      answerAcks(2);

      synced.get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 3);
      assertThat(heard).containsExactly("m01 page one", "m05 page two", "m09 pushed live");
    }
  }

  @Test
  void aCatchUpCutShortByItsConnectionStopsThereAndLeavesTheNextConnectionItsOwnPages()
      throws Exception {
    CountDownLatch appBusy = new CountDownLatch(1);
    try (CheckmarkClient client = client("m01", appBusy).build()) {
      client.connect();
      ScriptedServer.Received firstPage = server.next("sync");
      server.send(message("m01", "page one"));
      server.reply(firstPage, "{\"type\":\"synced\",\"count\":1,\"more\":true}");
      // The connection goes while the app still holds m01: the first connection's catch-up is
      // not over when the second one starts its own.
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 1);
      server.closeNewest();
      ScriptedServer.Received secondConnectionsPage = server.next("sync");
      assertThat(secondConnectionsPage.connection()).isEqualTo(2);
      server.send(message("m01", "page one"));
      server.send(message("m02", "page two"));
      server.send(message("m09", "pushed live"));
      server.reply(secondConnectionsPage, "{\"type\":\"synced\",\"count\":2,\"more\":true}");
      appBusy.countDown();
      answerAcksFor(Duration.ofMillis(500));

      // Each sync now asked gets the queue's oldest item as its page: two syncs asked together
      // would each count it, and the second count would let m09 out before m04.
      List<ScriptedServer.Received> syncs = syncsAskedWithin(Duration.ofMillis(500));
      syncs.forEach(sync -> server.send(message("m03", "page three")));
      syncs.forEach(sync -> server.reply(sync, "{\"type\":\"synced\",\"count\":1,\"more\":true}"));
      answerAcksFor(Duration.ofMillis(500));
      for (ScriptedServer.Received last : syncsAskedWithin(Duration.ofMillis(500))) {
        server.send(message("m04", "page four"));
        server.reply(last, "{\"type\":\"synced\",\"count\":1,\"more\":false}");
      }

      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() >= 5);
      assertThat(heard)
          .containsExactly(
              "m01 page one", "m02 page two", "m03 page three", "m04 page four", "m09 pushed live");
      assertThat(syncs).as("one catch-up per connection").hasSize(1);
    }
  }

  @Test
  void pushesAfterTheCatchUpReachTheAppAtOnce() throws Exception {
    try (CheckmarkClient client = client().build()) {
      connectAndSync(client);
      server.send(message("m20", "live"));

      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 1);
      assertThat(heard).containsExactly("m20 live");
    }
  }

  @Test
  void aCatchUpSyncWhoseInvocationCrashedIsAskedAgainAtOnceOnItsConnectionLivePushesStillHeld()
      throws Exception {
    try (CheckmarkClient client = client().requestTimeout(Duration.ofSeconds(30)).build()) {
      CompletableFuture<Void> synced = client.connect();
      ScriptedServer.Received crashed = server.next("sync");
      server.send(message("m13", "thirteen"));
      server.send(
          "{\"message\":\"Internal server error\",\"connectionId\":\"c\",\"requestId\":\"r\"}");

      ScriptedServer.Received again = server.next("sync", Duration.ofSeconds(2));
      assertThat(again.connection()).isEqualTo(crashed.connection());
      // The crashed invocation's reply, had it come after all, must not let anything out.
      server.reply(crashed, "{\"type\":\"synced\",\"count\":1,\"more\":false}");
      assertThat(server.poll(Duration.ofMillis(300))).isNull();
      assertThat(heard).as("held until the sync asked again is done").isEmpty();
      server.send(message("m12", "twelve"));
      server.send(message("m13", "thirteen"));
      server.reply(again, "{\"type\":\"synced\",\"count\":2,\"more\":false}");
      answerAcks(2);

      synced.get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 2);
      assertThat(heard).containsExactly("m12 twelve", "m13 thirteen");
    }
  }

  @Test
  void aSyncRefusedAgainAndAgainEndsTheConnectionAndTheNextOneCatchesUpWithWhatWasHeld()
      throws Exception {
    try (CheckmarkClient client = client().build()) {
      CompletableFuture<Void> synced = client.connect();
      ScriptedServer.Received first = server.next("sync");
      server.send(message("m13", "held"));
      server.send(error(first, "INTERNAL"));
      for (int refused = 1; refused < 3; refused++) {
        server.send(error(server.next("sync"), "INTERNAL"));
      }

      ScriptedServer.Received again = server.next("sync");
      assertThat(again.connection()).as("a new connection").isEqualTo(2);
      server.send(message("m12", "older"));
      server.send(message("m13", "held"));
      server.reply(again, "{\"type\":\"synced\",\"count\":2,\"more\":false}");
      answerAcks(2);

      synced.get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 2);
      assertThat(heard).containsExactly("m12 older", "m13 held");
    }
  }

  @Test
  void withTheLoginActionNoSendIsWrittenBeforeTheLoginSucceeds() throws Exception {
    try (CheckmarkClient client = client().loginWithAction().build()) {
      client.connect();
      ScriptedServer.Received login = server.next("login");
      CompletableFuture<Accepted> accepted = client.send(PEER, "after the login");
      assertThat(server.poll(Duration.ofMillis(300))).as("nothing before the login").isNull();

      server.reply(login, "{\"type\":\"loggedIn\",\"phone\":\"+14155550000\"}");
      ScriptedServer.Received send = server.next("send");
      server.send(accepted(send, "m1"));

      assertThat(accepted.get(5, TimeUnit.SECONDS).messageId()).isEqualTo("m1");
    }
  }

  @Test
  void aBodyTheServerCouldOnlyRefuseWholeIsRefusedBeforeAnythingIsSent() throws Exception {
    try (CheckmarkClient client = client().build()) {
      connectAndSync(client);

      assertThatThrownBy(() -> client.send(PEER, "cut in an emoji \ud83d"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(server.poll(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void aSyncPageTheServerWouldRefuseIsRefusedWhenSet() {
    assertThatThrownBy(() -> client().syncPageSize(501))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 500");
  }

  private void connectAndSync(CheckmarkClient client) throws Exception {
    CompletableFuture<Void> synced = client.connect();
    server.reply(server.next("sync"), SYNCED_EMPTY);
    synced.get(5, TimeUnit.SECONDS);
  }

  /** Confirms the acks of this many items, in one frame or several. */
  private void answerAcks(int items) throws InterruptedException {
    for (int acked = 0; acked < items; ) {
      ScriptedServer.Received ack = server.next("ack");
      int count = ack.frame().path("messageIds").size();
      server.reply(ack, "{\"type\":\"acked\",\"count\":" + count + "}");
      acked += count;
    }
  }

  /** Confirms every ack the client sends within {@code time}. */
  private void answerAcksFor(Duration time) throws InterruptedException {
    for (ScriptedServer.Received frame : takeFor(time)) {
      assertThat(frame.action()).isIn("ack", "ping");
      if (frame.action().equals("ack")) {
        int count = frame.frame().path("messageIds").size();
        server.reply(frame, "{\"type\":\"acked\",\"count\":" + count + "}");
      }
    }
  }

  /** The syncs the client asks within {@code time}; acks on the way are confirmed. */
  private List<ScriptedServer.Received> syncsAskedWithin(Duration time)
      throws InterruptedException {
    List<ScriptedServer.Received> syncs = new ArrayList<>();
    for (ScriptedServer.Received frame : takeFor(time)) {
      if (frame.action().equals("sync")) {
        syncs.add(frame);
      } else if (frame.action().equals("ack")) {
        int count = frame.frame().path("messageIds").size();
        server.reply(frame, "{\"type\":\"acked\",\"count\":" + count + "}");
      }
    }
    return syncs;
  }

  /** Every frame the client sends within {@code time}. */
  private List<ScriptedServer.Received> takeFor(Duration time) throws InterruptedException {
    long end = System.nanoTime() + time.toNanos();
    List<ScriptedServer.Received> taken = new CopyOnWriteArrayList<>();
    while (System.nanoTime() < end) {
      ScriptedServer.Received frame = server.poll(Duration.ofNanos(end - System.nanoTime()));
      if (frame != null) {
        taken.add(frame);
      }
    }
    return taken;
  }

  private static void awaitQuietly(CountDownLatch done) {
    try {
      done.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static String message(String messageId, String body) {
    return "{\"type\":\"message\",\"messageId\":\""
        + messageId
        + "\",\"from\":\"+14155550001\",\"id\":\"c-"
        + messageId
        + "\",\"body\":\""
        + body
        + "\",\"ts\":1}";
  }

  private static String accepted(ScriptedServer.Received send, String messageId) {
    String id = send.frame().path("id").asText();
    return "{\"type\":\"accepted\",\"id\":\""
        + id
        + "\",\"messageId\":\""
        + messageId
        + "\",\"to\":\""
        + PEER
        + "\",\"ts\":5,\"ref\":\""
        + id
        + "\"}";
  }

  private static String error(ScriptedServer.Received request, String code) {
    StringBuilder frame =
        new StringBuilder("{\"type\":\"error\",\"code\":\"")
            .append(code)
            .append("\",\"message\":\"as scripted\",\"action\":\"")
            .append(request.action())
            .append('"');
    if (request.frame().hasNonNull("id")) {
      frame.append(",\"id\":\"").append(request.frame().path("id").asText()).append('"');
    }
    return frame
        .append(",\"ref\":\"")
        .append(request.frame().path("ref").asText())
        .append("\"}")
        .toString();
  }

  private CheckmarkClient.Settings client() {
    return client("", new CountDownLatch(0));
  }

  /** A client whose app, on {@code busyOn}, holds the event thread until {@code done} opens. */
  private CheckmarkClient.Settings client(String busyOn, CountDownLatch done) {
    return CheckmarkClient.builder(server.url())
        .credentials("+14155550000", "key")
        .listener(
            new Listener() {
              @Override
              public void onMessage(MessageFrame message) {
                heard.add(message.messageId() + " " + message.body());
                if (message.messageId().equals(busyOn)) {
                  awaitQuietly(done);
                }
              }
            })
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .ackDelay(Duration.ofMillis(5));
  }
}
