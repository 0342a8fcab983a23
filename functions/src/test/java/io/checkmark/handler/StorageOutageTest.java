package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.aws.TemplateTables;
import io.checkmark.protocol.WireJson;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB out of reach, as a function meets it through the clients its composition root builds:
 * the client gets a short INTERNAL error saying the request may be retried, within the SDK's call
 * timeout, and the log says why in one line (no stack trace for an outage).
 */
class StorageOutageTest {

  private final CapturedLogs logs = new CapturedLogs();

  @BeforeEach
  void captureLogs() {
    logs.attach();
  }

  @AfterEach
  void releaseLogs() {
    logs.detach();
  }

  @Test
  void aSendWhileDynamoDbIsUnreachableGetsARetriableInternalErrorInsideTheCallTimeout()
      throws Exception {
    SendHandler send =
        new SendHandler(
            Composition.builder(environmentWithDynamoDbAt(closedPort()))
                .sms(new Recorders.RecordingSms())
                .pusher(new Recorders.RecordingPusher())
                .messageIdKey(new byte[32])
                .build());
    Instant start = Instant.now();

    JsonNode reply =
        WireJson.readTree(
            send.handleRequest(
                    TestEvents.message(
                        "c-outage",
                        "{\"action\":\"send\",\"to\":\"+14155550100\",\"id\":\"c1\",\"body\":\"hi\"}"),
                    TestEvents.CONTEXT)
                .getBody());

    assertThat(reply.get("type").asText()).isEqualTo("error");
    assertThat(reply.get("code").asText()).isEqualTo("INTERNAL");
    assertThat(reply.get("message").asText()).contains("may be retried");
    assertThat(Duration.between(start, Instant.now()))
        .isLessThan(
            Duration.ofMillis(Long.parseLong(environment().get("SDK_API_CALL_TIMEOUT_MILLIS"))));
    assertThat(logs.lines).anyMatch(line -> line.contains("storage unavailable: DynamoDB"));
    assertThat(logs.lines)
        .filteredOn(line -> line.contains("storage unavailable"))
        .allMatch(line -> line.endsWith(" "), "logged without an exception");
  }

  private static Map<String, String> environment() {
    return TemplateTables.environmentOf("SendFunction");
  }

  private static Map<String, String> environmentWithDynamoDbAt(int port) {
    Map<String, String> environment = new HashMap<>(environment());
    environment.put("AWS_REGION", "us-east-1");
    environment.put("AWS_ACCESS_KEY_ID", "test");
    environment.put("AWS_SECRET_ACCESS_KEY", "test");
    environment.put("AWS_ENDPOINT_URL", "http://localhost:" + port);
    return environment;
  }

  private static int closedPort() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }
}
