package io.checkmark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Push registration and the fetch an app makes when a push wakes it, against a scripted server. */
class PushTest {

  private static final String NOTHING_MORE = "{\"type\":\"synced\",\"count\":0,\"more\":false}";

  private ScriptedServer server;
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private final Listener storing =
      new Listener() {
        @Override
        public void onMessage(MessageFrame message) {
          handled.add(message.messageId());
        }

        @Override
        public void onReceipt(ReceiptFrame receipt) {
          handled.add(receipt.messageId());
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
  void registerPushSendsThePlatformAndTokenAndCompletesOnPushRegistered() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<Void> registered = client.registerPush("apns_sandbox", "a1b2c3");

      ScriptedServer.Received request = server.next("registerPush");
      assertThat(request.frame().path("platform").asText()).isEqualTo("apns_sandbox");
      assertThat(request.frame().path("token").asText()).isEqualTo("a1b2c3");
      assertThat(registered).isNotDone();
      server.reply(request, "{\"type\":\"pushRegistered\"}");

      assertThat(registered).succeedsWithin(Duration.ofSeconds(5));
    }
  }

  @Test
  void unregisterPushCompletesOnPushUnregistered() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<Void> unregistered = client.unregisterPush();

      ScriptedServer.Received request = server.next("unregisterPush");
      assertThat(unregistered).isNotDone();
      server.reply(request, "{\"type\":\"pushUnregistered\"}");

      assertThat(unregistered).succeedsWithin(Duration.ofSeconds(5));
    }
  }

  @Test
  void aRegistrationTheServerRefusesFailsWithItsCode() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<Void> registered = client.registerPush("fcm", "t");

      server.reply(
          server.next("registerPush"),
          "{\"type\":\"error\",\"code\":\"INVALID\",\"message\":\"fcm is not set up\",\"action\":\"registerPush\"}");

      assertThat(registered)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOfSatisfying(
              CheckmarkException.class,
              refused -> assertThat(refused).hasMessage("INVALID: fcm is not set up"));
    }
  }

  @Test
  void anUnknownPlatformOrABlankTokenIsRefusedBeforeAnythingIsSent() throws Exception {
    try (CheckmarkClient client = connected()) {
      assertThatThrownBy(() -> client.registerPush("gcm", "t"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("push platform 'gcm' is not one of apns, apns_sandbox, fcm");
      assertThatThrownBy(() -> client.registerPush(null, "t"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.registerPush("fcm", " "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the push token is blank");

      client.unregisterPush();
      assertThat(server.next().action())
          .as("the first frame after them")
          .isEqualTo("unregisterPush");
    }
  }

  @Test
  void fetchOnPushSyncsEveryPageAcksEachItemAndCloses() throws Exception {
    try (CheckmarkClient client = fetching(storing)) {
      CompletableFuture<Integer> fetched = client.fetchOnPush(Duration.ofSeconds(10));

      ScriptedServer.Received firstPage = server.next("sync");
      server.send(message("m1"));
      server.send(
          "{\"type\":\"receipt\",\"messageId\":\"r1\",\"status\":\"delivered\",\"by\":\"+14155550001\",\"messageIds\":[\"x\"],\"ts\":2}");
      server.reply(firstPage, "{\"type\":\"synced\",\"count\":2,\"more\":true}");
      assertThat(ackUntil(2)).containsExactly("m1", "r1");
      ScriptedServer.Received secondPage = server.next();
      assertThat(secondPage.action())
          .as("the next page once the acks were confirmed")
          .isEqualTo("sync");
      server.send(message("m2"));
      server.reply(secondPage, "{\"type\":\"synced\",\"count\":1,\"more\":true}");
      assertThat(ackUntil(1)).containsExactly("m2");
      assertThat(fetched).as("more is still true").isNotDone();
      server.reply(server.next("sync"), NOTHING_MORE);

      assertThat(fetched.get(5, TimeUnit.SECONDS)).isEqualTo(3);
      assertThat(handled).containsExactly("m1", "r1", "m2");
      await("closed").atMost(Duration.ofSeconds(5)).until(() -> !client.isConnected());
    }
  }

  @Test
  void fetchOnPushAcksAnItemOnlyOnceTheHandlerReturned() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Listener slow =
        new Listener() {
          @Override
          public void onMessage(MessageFrame message) {
            entered.countDown();
            try {
              release.await();
            } catch (InterruptedException stopped) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(stopped);
            }
            handled.add(message.messageId());
          }
        };
    try (CheckmarkClient client = fetching(slow)) {
      CompletableFuture<Integer> fetched = client.fetchOnPush(Duration.ofSeconds(10));
      ScriptedServer.Received page = server.next("sync");
      server.send(message("m1"));
      server.reply(page, NOTHING_MORE);
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

      await("no ack while the handler runs")
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> server.takeAll().isEmpty());
      release.countDown();

      assertThat(ackUntil(1)).containsExactly("m1");
      assertThat(fetched.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void anItemWhoseHandlerThrowsIsNeitherAckedNorCounted() throws Exception {
    Listener refusingM1 =
        new Listener() {
          @Override
          public void onMessage(MessageFrame message) {
            if (message.messageId().equals("m1")) {
              throw new IllegalStateException("disk full");
            }
            handled.add(message.messageId());
          }
        };
    try (CheckmarkClient client = fetching(refusingM1)) {
      CompletableFuture<Integer> fetched = client.fetchOnPush(Duration.ofSeconds(10));
      ScriptedServer.Received page = server.next("sync");
      server.send(message("m1"));
      server.send(message("m2"));
      server.reply(page, "{\"type\":\"synced\",\"count\":2,\"more\":false}");

      assertThat(ackUntil(1)).containsExactly("m2");
      assertThat(fetched.get(5, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(server.takeAll())
          .as("no ack for m1 before the client closed")
          .noneMatch(frame -> frame.frame().path("messageIds").toString().contains("m1"));
      assertThat(handled).containsExactly("m2");
    }
  }

  @Test
  void aFetchThatOutlastsItsTimeoutFailsAndCloses() throws Exception {
    try (CheckmarkClient client = fetching(storing)) {
      CompletableFuture<Integer> fetched = client.fetchOnPush(Duration.ofMillis(300));

      server.next("sync");

      assertThat(fetched)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(TimeoutException.class);
      await("closed").atMost(Duration.ofSeconds(5)).until(() -> !client.isConnected());
    }
  }

  @Test
  void aClientWithNothingToFetchRefusesToFetch() {
    try (CheckmarkClient anonymous = CheckmarkClient.builder(server.url()).build();
        CheckmarkClient accountOnly = fetchingSettings(storing).withoutMessages().build()) {
      assertThatThrownBy(() -> anonymous.fetchOnPush(Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> accountOnly.fetchOnPush(Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  /** The ids of ack frames, each answered, until {@code count} ids were acked; nothing else. */
  private List<String> ackUntil(int count) throws InterruptedException {
    List<String> acked = new ArrayList<>();
    while (acked.size() < count) {
      ScriptedServer.Received ack = server.next();
      assertThat(ack.action()).as("acks before anything else").isEqualTo("ack");
      ack.frame().path("messageIds").forEach(id -> acked.add(id.asText()));
      assertThat(handled).as("acked only after the handler returned").containsAll(acked);
      server.reply(
          ack, "{\"type\":\"acked\",\"count\":" + ack.frame().path("messageIds").size() + "}");
    }
    return acked;
  }

  private static String message(String messageId) {
    return "{\"type\":\"message\",\"messageId\":\""
        + messageId
        + "\",\"from\":\"+14155550001\",\"id\":\"c-"
        + messageId
        + "\",\"body\":\"hi\",\"ts\":1}";
  }

  private CheckmarkClient connected() throws Exception {
    CheckmarkClient client = fetchingSettings(storing).build();
    CompletableFuture<Void> synced = client.connect();
    server.reply(server.next("sync"), NOTHING_MORE);
    synced.get(5, TimeUnit.SECONDS);
    return client;
  }

  private CheckmarkClient fetching(Listener listener) {
    return fetchingSettings(listener).build();
  }

  private CheckmarkClient.Settings fetchingSettings(Listener listener) {
    return CheckmarkClient.builder(server.url())
        .credentials("+14155550000", "key")
        .listener(listener)
        .ackDelay(Duration.ofMillis(5));
  }
}
