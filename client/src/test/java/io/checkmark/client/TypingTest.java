package io.checkmark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.TypingFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Typing indicators both ways: the debounce between keystrokes and the frames sent, and the frames
 * heard. Intervals that a test does not depend on are an hour, so that only what it tests can send.
 */
class TypingTest {

  private static final String BOB = "+14155550001";
  private static final String CAROL = "+14155550002";
  private static final String GROUP = "g-1";
  private static final Duration NEVER = Duration.ofHours(1);

  private ScriptedServer server;
  private final List<Object> heard = new CopyOnWriteArrayList<>();
  private final Listener listener =
      new Listener() {
        @Override
        public void onTyping(TypingFrame typing) {
          heard.add(typing);
        }

        @Override
        public void onMessage(MessageFrame message) {
          heard.add(message.messageId());
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
  void aKeystrokeSendsTypingToThePhoneAtOnceAsAFrameWithoutRef() throws Exception {
    try (CheckmarkClient client = connected(NEVER, NEVER)) {
      client.typing(BOB);

      JsonNode frame = server.next().frame();
      assertThat(frame.path("action").asText()).isEqualTo("typing");
      assertThat(frame.path("to").asText()).isEqualTo(BOB);
      assertThat(frame.path("state").asText()).isEqualTo("typing");
      assertThat(frame.has("ref")).as("nothing answers it").isFalse();
      assertThat(frame.has("group")).isFalse();
    }
  }

  @Test
  void aKeystrokeInAGroupNamesTheGroup() throws Exception {
    try (CheckmarkClient client = connected(NEVER, NEVER)) {
      client.typingInGroup(GROUP);
      client.stoppedTypingInGroup(GROUP);

      assertThat(typingFrames(2))
          .containsExactly(
              "typing group " + GROUP + " typing", "typing group " + GROUP + " paused");
    }
  }

  @Test
  void keystrokesWithinTheRepeatIntervalSendNothingMore() throws Exception {
    try (CheckmarkClient client = connected(NEVER, NEVER)) {
      for (int keystroke = 0; keystroke < 50; keystroke++) {
        client.typing(BOB);
      }
      client.stoppedTyping(BOB);

      assertThat(typingFrames(2))
          .as("the stop is the frame right after the first typing")
          .containsExactly("typing to " + BOB + " typing", "typing to " + BOB + " paused");
    }
  }

  @Test
  void aBurstOfKeystrokesOverThreeAndAHalfSecondsSendsTypingTwiceWithTheDefaults()
      throws Exception {
    try (CheckmarkClient client = connected(null, null)) {
      long start = System.nanoTime();
      // A keystroke every 100 ms for 3.5 s: typing at the first, again once 3 s have passed.
      await()
          .during(Duration.ofMillis(3500))
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                client.typing(BOB);
                return true;
              });
      long burst = System.nanoTime() - start;
      client.stoppedTyping(BOB);

      assertThat(Duration.ofNanos(burst)).as("the burst lasted").isLessThan(Duration.ofSeconds(6));
      assertThat(typingFrames(3))
          .containsExactly(
              "typing to " + BOB + " typing",
              "typing to " + BOB + " typing",
              "typing to " + BOB + " paused");
    }
  }

  @Test
  void idleAfterTheLastKeystrokeSendsPausedOnceAndNoSooner() throws Exception {
    Duration pausedAfter = Duration.ofMillis(400);
    try (CheckmarkClient client = connected(NEVER, pausedAfter)) {
      client.typing(BOB);
      assertThat(typingFrames(1)).containsExactly("typing to " + BOB + " typing");
      long lastKeystroke = System.nanoTime();
      client.typing(BOB);

      assertThat(typingFrames(1)).containsExactly("typing to " + BOB + " paused");
      assertThat(Duration.ofNanos(System.nanoTime() - lastKeystroke))
          .as("idle for")
          .isGreaterThanOrEqualTo(pausedAfter);
      await("no second paused")
          .during(pausedAfter.multipliedBy(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.takeAll().isEmpty());
    }
  }

  @Test
  void stoppedTypingSendsPausedAtOnceAndOnlyOnce() throws Exception {
    Duration pausedAfter = Duration.ofMillis(300);
    try (CheckmarkClient client = connected(NEVER, pausedAfter)) {
      client.typing(BOB);
      client.stoppedTyping(BOB);
      client.stoppedTyping(BOB);

      assertThat(typingFrames(2))
          .containsExactly("typing to " + BOB + " typing", "typing to " + BOB + " paused");
      await("neither the second stop nor the idle timer sends another paused")
          .during(pausedAfter.multipliedBy(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.takeAll().isEmpty());
    }
  }

  @Test
  void stoppedTypingWithoutTypingSendsNothing() throws Exception {
    try (CheckmarkClient client = connected(NEVER, NEVER)) {
      client.stoppedTyping(BOB);
      client.ping();

      assertThat(server.next().action()).as("the first frame after the stop").isEqualTo("ping");
    }
  }

  @Test
  void afterPausedTheNextKeystrokeSendsTypingAtOnce() throws Exception {
    try (CheckmarkClient client = connected(NEVER, Duration.ofMillis(200))) {
      client.typing(BOB);
      assertThat(typingFrames(2))
          .as("paused by the idle timer")
          .containsExactly("typing to " + BOB + " typing", "typing to " + BOB + " paused");
      client.typing(BOB);
      client.stoppedTyping(BOB);

      assertThat(typingFrames(2))
          .containsExactly("typing to " + BOB + " typing", "typing to " + BOB + " paused");
    }
  }

  @Test
  void eachChatHasItsOwnIndicator() throws Exception {
    try (CheckmarkClient client = connected(NEVER, NEVER)) {
      client.typing(BOB);
      client.typing(CAROL);
      client.typingInGroup(GROUP);
      client.typing(BOB);
      client.stoppedTyping(CAROL);

      assertThat(typingFrames(4))
          .containsExactly(
              "typing to " + BOB + " typing",
              "typing to " + CAROL + " typing",
              "typing group " + GROUP + " typing",
              "typing to " + CAROL + " paused");
    }
  }

  @Test
  void keystrokesAndStopsFromManyThreadsAtOnceSendOneTypingAndOnePaused() throws Exception {
    try (CheckmarkClient client = connected(NEVER, NEVER)) {
      fromEightThreadsAtOnce(() -> client.typing(BOB), 200);
      fromEightThreadsAtOnce(() -> client.stoppedTyping(BOB), 1);
      client.ping();

      assertThat(typingFrames(2))
          .containsExactly("typing to " + BOB + " typing", "typing to " + BOB + " paused");
      assertThat(server.next().action()).as("nothing else before the ping").isEqualTo("ping");
    }
  }

  /** Runs {@code action} {@code times} times on each of eight threads, all started together. */
  private static void fromEightThreadsAtOnce(Runnable action, int times) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int thread = 0; thread < 8; thread++) {
        done.add(
            threads.submit(
                () -> {
                  go.await();
                  for (int time = 0; time < times; time++) {
                    action.run();
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> each : done) {
        each.get(10, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aKeystrokeWhileDisconnectedIsNotSentLater() throws Exception {
    // Reconnecting takes half a second at least, long after the keystroke.
    try (CheckmarkClient client =
        connected(settings(NEVER, NEVER).backoff(Duration.ofSeconds(1), Duration.ofSeconds(2)))) {
      server.closeNewest();
      await().atMost(Duration.ofSeconds(5)).until(() -> !client.isConnected());
      client.typing(BOB);

      ScriptedServer.Received sync = server.next();
      assertThat(sync.action()).as("the first frame after reconnecting").isEqualTo("sync");
      assertThat(sync.connection()).isEqualTo(2);
      server.reply(sync, "{\"type\":\"synced\",\"count\":0,\"more\":false}");
      client.ping();
      assertThat(server.next().action()).isEqualTo("ping");
    }
  }

  @Test
  @SuppressWarnings("try") // the client only listens here
  void typingFramesReachTheListenerInOrderWithMessages() throws Exception {
    try (CheckmarkClient client = connected(NEVER, NEVER)) {
      server.send("{\"type\":\"typing\",\"from\":\"" + BOB + "\",\"state\":\"typing\"}");
      server.send(
          "{\"type\":\"message\",\"messageId\":\"m1\",\"from\":\""
              + BOB
              + "\",\"id\":\"c1\",\"body\":\"hi\",\"ts\":1}");
      server.send(
          "{\"type\":\"typing\",\"from\":\""
              + CAROL
              + "\",\"group\":\""
              + GROUP
              + "\",\"state\":\"paused\"}");

      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 3);
      assertThat(heard)
          .containsExactly(
              new TypingFrame(BOB, null, "typing"), "m1", new TypingFrame(CAROL, GROUP, "paused"));
    }
  }

  /** The next {@code count} frames the client sent, each as "action chat state". */
  private List<String> typingFrames(int count) throws InterruptedException {
    List<String> frames = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      frames.add(describe(server.next().frame()));
    }
    return frames;
  }

  private static String describe(JsonNode frame) {
    String chat =
        frame.has("group")
            ? "group " + frame.path("group").asText()
            : "to " + frame.path("to").asText();
    return frame.path("action").asText() + " " + chat + " " + frame.path("state").asText();
  }

  /** Connected and synced. */
  private CheckmarkClient connected(Duration repeatEvery, Duration pausedAfter) throws Exception {
    return connected(settings(repeatEvery, pausedAfter));
  }

  /** A null interval keeps the default. */
  private CheckmarkClient.Settings settings(Duration repeatEvery, Duration pausedAfter) {
    CheckmarkClient.Settings settings =
        CheckmarkClient.builder(server.url())
            .credentials("+14155550000", "key")
            .listener(listener)
            .ackDelay(Duration.ofMillis(5));
    return repeatEvery == null ? settings : settings.typingIndicators(repeatEvery, pausedAfter);
  }

  private CheckmarkClient connected(CheckmarkClient.Settings settings) throws Exception {
    CheckmarkClient client = settings.build();
    CompletableFuture<Void> synced = client.connect();
    server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
    synced.get(5, TimeUnit.SECONDS);
    return client;
  }
}
