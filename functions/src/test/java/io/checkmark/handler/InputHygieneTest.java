package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.aws.TemplateTables;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.TestPhones;
import io.checkmark.protocol.WireJson;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client text is refused when it is not text, never echoed at length, and never forges a log line.
 */
class InputHygieneTest {

  private static final String FORGED_LINE =
      "\\n12:00:00.000 INFO  ActionHandler forged\\r\\u001b[2J\\u2028";

  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Map<String, String> environment = environment();
  private final Composition backend =
      Composition.builder(environment)
          .dynamoDb(TemplateTables.dynamoDb())
          .sms(sms)
          .pusher(new Recorders.RecordingPusher())
          .build();
  private final CapturedLogs captured = new CapturedLogs();

  @BeforeEach
  void captureLogs() {
    captured.attach();
  }

  @AfterEach
  void stopCapturing() {
    captured.detach();
  }

  @Test
  void sendWhoseBodyIsALoneSurrogateIsBadRequestAndStoresNothing() {
    String aliceConnection = register();
    String bob = TestPhones.next();
    registerAs(bob);

    JsonNode reply =
        reply(
            new SendHandler(backend),
            aliceConnection,
            "{\"action\":\"send\",\"to\":\"" + bob + "\",\"id\":\"c-1\",\"body\":\"\\ud800\"}");

    assertThat(reply.path("code").asText()).as(reply.toString()).isEqualTo("BAD_REQUEST");
    assertThat(queued(bob)).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"DefaultRouteHandler", "SyncHandler"})
  void errorFrameEchoesAtMostTwoHundredCharactersOfAHugeAction(String handlerName) {
    ActionHandler<?> handler =
        handlerName.equals("SyncHandler") ? new SyncHandler(backend) : new DefaultRouteHandler();
    String frame =
        "{\"action\":\""
            + "a".repeat(10_000)
            + "\",\"id\":\""
            + "i".repeat(64)
            + "\",\"limit\":\"x\"}";

    JsonNode reply = reply(handler, register(), frame);

    assertThat(reply.get("code").asText()).isIn("UNKNOWN_ACTION", "BAD_REQUEST");
    int echoed =
        reply.get("message").asText().length()
            + reply.path("action").asText().length()
            + reply.path("id").asText().length();
    assertThat(echoed).isLessThanOrEqualTo(200);
    assertThat(reply.get("action").asText()).endsWith("…");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "{\"action\":\"" + FORGED_LINE + "\"}",
        "{\"action\":\"ping\",\"x\":tru\u001b[2J\u2028forged\u0085}",
        "{\"action\":\"sync\",\"limit\":\"" + FORGED_LINE + "\"}"
      })
  void refusalsLogClientTextWithControlCharactersAndLineBreaksEscaped(String frame) {
    ActionHandler<?> handler =
        frame.contains("sync") ? new SyncHandler(backend) : new DefaultRouteHandler();

    reply(handler, register(), frame);

    List<String> ours =
        captured.lines.stream().filter(line -> line.startsWith("io.checkmark")).toList();
    assertThat(ours).as("the refusal was logged").anyMatch(line -> line.contains("refused"));
    assertThat(ours)
        .noneMatch(
            line ->
                line.chars()
                    .anyMatch(
                        c ->
                            Character.isISOControl(c)
                                || Character.getType(c) == Character.LINE_SEPARATOR
                                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR));
  }

  private String register() {
    return registerAs(TestPhones.next());
  }

  private String registerAs(String phone) {
    RegistrationService registration = backend.registrationService();
    String connection =
        registration
            .connect(UUID.randomUUID().toString(), Instant.now(), null, null)
            .orElseThrow()
            .id();
    registration.requestPin(phone, null);
    registration.verifyPin(connection, phone, sms.lastPinTo(phone), null);
    return connection;
  }

  private static JsonNode reply(ActionHandler<?> handler, String connectionId, String body) {
    return WireJson.readTree(
        handler
            .handleRequest(TestEvents.message(connectionId, body), TestEvents.CONTEXT)
            .getBody());
  }

  private List<String> queued(String owner) {
    return TemplateTables.queuedIds(environment.get("MESSAGES_TABLE"), owner);
  }

  private static Map<String, String> environment() {
    Map<String, String> environment = new HashMap<>(TemplateTables.environmentOf("SendFunction"));
    environment.put("PIN_REQUESTS_PER_IP_PER_HOUR", "1000");
    return environment;
  }
}
