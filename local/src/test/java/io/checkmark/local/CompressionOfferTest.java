package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that offers {@code permessage-deflate}, as wscat and python {@code websockets} do by
 * default, meets what API Gateway does: no extension is agreed, the client talks uncompressed, and
 * messages up to API Gateway's limits (32 KB frames, 128 KB messages) arrive whole.
 */
class CompressionOfferTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "{\"action\":\"echo\",\"x\":\"";
  private static final String SUFFIX = "\"}";
  private static LocalStack stack;
  private static WebSocketClient client;

  @BeforeAll
  static void start() throws Exception {
    stack =
        LocalStack.start(
            LocalStackOptions.builder()
                .port(0)
                .template(Path.of("src/test/resources/emulator-template.yaml"))
                .build());
    client = new WebSocketClient();
    // The echo function's reply carries the message back, event and all.
    client.setMaxTextMessageSize(256 * 1024);
    client.start();
  }

  @AfterAll
  static void stop() throws Exception {
    client.stop();
    stack.close();
  }

  @Test
  void anOfferOfPermessageDeflateIsDeclinedAndMessagesUpToTheLimitsArriveWhole() throws Exception {
    Frames frames = new Frames();
    ClientUpgradeRequest upgrade = new ClientUpgradeRequest(stack.webSocketUrl());
    upgrade.addExtensions("permessage-deflate");
    Session session = client.connect(frames, upgrade).get(10, TimeUnit.SECONDS);

    assertThat(session.getUpgradeResponse().getExtensions()).as("extensions agreed").isEmpty();

    for (int size : new int[] {8 * 1024, 31 * 1024 - PREFIX.length() - SUFFIX.length()}) {
      String message = PREFIX + "a".repeat(size) + SUFFIX;
      session.sendText(message, Callback.NOOP);
      assertThat(frames.nextBody()).isEqualTo(message);
    }
    // 120 KB in four frames of 30 KB, each under the 32 KB frame limit.
    String large = PREFIX + "b".repeat(120 * 1024 - PREFIX.length() - SUFFIX.length()) + SUFFIX;
    int fragment = 30 * 1024;
    for (int start = 0; start < large.length(); start += fragment) {
      int end = Math.min(large.length(), start + fragment);
      session.sendPartialText(large.substring(start, end), end == large.length(), Callback.NOOP);
    }
    assertThat(frames.nextBody()).hasSize(120 * 1024).isEqualTo(large);
    assertThat(session.isOpen()).isTrue();
    session.close();
  }

  /** The frames the client receives; the echo function replies with the event it got. */
  public static final class Frames implements Session.Listener.AutoDemanding {
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @Override
    public void onWebSocketText(String message) {
      received.add(message);
    }

    String nextBody() throws Exception {
      String frame = received.poll(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
      assertThat(frame).as("a reply within 10 seconds").isNotNull();
      JsonNode event = JSON.readTree(frame);
      return event.get("body").asText();
    }
  }
}
