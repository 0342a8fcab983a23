package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.protocol.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ping and $default handlers, called as Lambda calls them; neither touches the network. */
class ActionHandlersTest {

  private final PingHandler ping = new PingHandler();
  private final DefaultRouteHandler unrouted = new DefaultRouteHandler();

  @Test
  void pingAnswersPongWithTheRequestsRef() {
    JsonNode reply = reply(ping, "{\"action\":\"ping\",\"ref\":\"r-1\"}");

    assertThat(reply.toString()).isEqualTo("{\"type\":\"pong\",\"ref\":\"r-1\"}");
  }

  @Test
  void pingWithoutRefAnswersBarePong() {
    assertThat(reply(ping, "{\"action\":\"ping\"}").toString()).isEqualTo("{\"type\":\"pong\"}");
  }

  @Test
  void unknownActionGetsUnknownActionNamingIt() {
    JsonNode reply = reply(unrouted, "{\"action\":\"teleport\",\"ref\":\"7\",\"id\":\"m1\"}");

    assertThat(reply.get("type").asText()).isEqualTo("error");
    assertThat(reply.get("code").asText()).isEqualTo("UNKNOWN_ACTION");
    assertThat(reply.get("action").asText()).isEqualTo("teleport");
    assertThat(reply.get("ref").asText()).isEqualTo("7");
    assertThat(reply.get("id").asText()).isEqualTo("m1");
    assertThat(reply.get("message").asText()).contains("teleport");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "not json at all",
        "[1,2,3]",
        "\"just a string\"",
        "42",
        "{\"action\":\"ping\",\"action\":\"send\"}",
        "{\"action\":\"ping\"} trailing",
        "{\"noAction\":true}",
        "{\"action\":17}",
        "{\"action\":\"ping\",\"ref\":{\"nested\":1}}",
        "{\"action\":\"x\",\"ref\":\"0123456789012345678901234567890123456789012345678901234567890123456789\"}",
        "\u0000\u0001\u00ff garbage",
        ""
      })
  void malformedFramesGetBadRequest(String body) {
    JsonNode reply = reply(unrouted, body);

    assertThat(reply.get("type").asText()).isEqualTo("error");
    assertThat(reply.get("code").asText()).isEqualTo("BAD_REQUEST");
  }

  @Test
  void deeplyNestedJsonGetsBadRequestNotAStackOverflow() {
    String deep = "{\"action\":\"ping\",\"x\":" + "[".repeat(1_000) + "]".repeat(1_000) + "}";

    JsonNode reply = reply(ping, deep);

    assertThat(reply.get("code").asText()).isEqualTo("BAD_REQUEST");
    assertThat(reply.get("message").asText()).contains("nesting");
  }

  @Test
  void frameOverTheApiGatewayMessageLimitIsRefusedUnread() {
    String huge = "{\"action\":\"ping\",\"x\":\"" + "a".repeat(WireJson.MAX_FRAME_CHARS) + "\"}";

    assertThat(reply(ping, huge).get("code").asText()).isEqualTo("MESSAGE_TOO_LARGE");
  }

  @Test
  void binaryFrameGetsBadRequest() {
    APIGatewayV2WebSocketEvent event = TestEvents.message("c1", "AAECAw==");
    event.setIsBase64Encoded(true);

    JsonNode reply = WireJson.readTree(unrouted.handleRequest(event, TestEvents.CONTEXT).getBody());

    assertThat(reply.get("code").asText()).isEqualTo("BAD_REQUEST");
    assertThat(reply.get("message").asText()).contains("binary");
  }

  @Test
  void eventWithoutConnectionIdIsAnInternalErrorFrameNotAnException() {
    APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
    event.setBody("{\"action\":\"ping\"}");

    JsonNode reply = WireJson.readTree(ping.handleRequest(event, TestEvents.CONTEXT).getBody());

    assertThat(reply.get("code").asText()).isEqualTo("INTERNAL");
  }

  private static JsonNode reply(ActionHandler<?> handler, String body) {
    var response = handler.handleRequest(TestEvents.message("c1", body), TestEvents.CONTEXT);
    assertThat(response.getStatusCode()).isEqualTo(200);
    return WireJson.readTree(response.getBody());
  }
}
