package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.local.LocalStack;
import io.checkmark.local.RawWebSocket;
import io.checkmark.local.TestSocket;
import io.checkmark.testsupport.ProjectStack;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever a client sends, it gets an error frame or API Gateway's close code, and the stack goes
 * on serving: checked after every test by a fresh connection's ping.
 */
class BadInputTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalStack stack;

  @BeforeAll
  static void startStack() {
    stack = LocalStack.start(ProjectStack.options().build());
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  @AfterEach
  void stackStillServes() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      assertThat(JSON.readTree(socket.send("{\"action\":\"ping\"}").next()).get("type").asText())
          .isEqualTo("pong");
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "garbage ~!@#$%^&*()",
        "\u0000\u0001\u0002\u0003",
        "{\"action\":",
        "{\"action\":\"ping\"}}",
        "[\"action\",\"ping\"]",
        "null",
        "{\"action\":\"ping\",\"action\":\"ping\"}",
        "{\"action\":{\"$ne\":1}}",
        "{\"action\":\"ping\",\"ref\":12}",
        "\uFEFF{\"x\":1}"
      })
  void malformedTextGetsBadRequest(String frame) throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode reply = JSON.readTree(socket.send(frame).next());

      assertThat(reply.get("type").asText()).isEqualTo("error");
      assertThat(reply.get("code").asText()).isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void aBinaryFrameClosesTheConnectionWith1003AndTheNextConnectionWorks() throws Exception {
    byte[] bytes = new byte[4096];
    new Random(7).nextBytes(bytes);
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      socket.sendBinary(bytes);

      assertThat(socket.closeCode(Duration.ofSeconds(10))).isEqualTo(1003);
    }
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode reply = JSON.readTree(socket.send("{\"action\":\"ping\"}").next());

      assertThat(reply.get("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void invalidUtf8InATextFrameClosesWith1007() throws Exception {
    try (RawWebSocket socket = new RawWebSocket(stack.webSocketUrl())) {
      socket.sendTextFrame(new byte[] {'{', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '}'});

      assertThat(socket.awaitCloseCode()).isEqualTo(1007);
    }
  }

  @Test
  void deeplyNestedJsonGetsBadRequest() throws Exception {
    String deep = "{\"action\":\"ping\",\"x\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}";
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode reply = JSON.readTree(socket.send(deep).next());

      assertThat(reply.get("code").asText()).isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void largeJsonWithinTheLimitsIsHandled() throws Exception {
    String large = "{\"action\":\"ping\",\"padding\":\"" + "x".repeat(120 * 1024) + "\"}";
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      assertThat(JSON.readTree(socket.send(large).next()).get("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void manyKeysGetAnAnswerNotAStall() throws Exception {
    StringBuilder keys = new StringBuilder("{\"action\":\"nope\"");
    for (int i = 0; i < 10_000; i++) {
      keys.append(",\"k").append(i).append("\":").append(i);
    }
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      JsonNode reply = JSON.readTree(socket.send(keys.append('}').toString()).next());

      assertThat(reply.get("code").asText()).isEqualTo("UNKNOWN_ACTION");
    }
  }

  @Test
  void jsonOverTheMessageLimitClosesWith1009() {
    String huge = "{\"action\":\"ping\",\"padding\":\"" + "x".repeat(200 * 1024) + "\"}";
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      socket.sendUntilClosed(huge);

      assertThat(socket.closeCode(Duration.ofSeconds(5))).isEqualTo(1009);
    }
  }

  @Test
  void aBurstOfBadFramesGetsOneErrorEach() throws Exception {
    try (TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      for (int i = 0; i < 200; i++) {
        socket.send(i % 2 == 0 ? "{\"action\":\"nope\"}" : "not json " + i);
      }
      for (int i = 0; i < 200; i++) {
        assertThat(JSON.readTree(socket.next()).get("type").asText()).isEqualTo("error");
      }
    }
  }
}
