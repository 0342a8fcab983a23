package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.protocol.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/** The Lambda jar's log lines: one JSON object each, with what Lambda and a reader need. */
class JsonLogLinesTest {

  private final JsonLogLines logs =
      new JsonLogLines(
          Level.INFO, Clock.fixed(Instant.parse("2026-12-04T10:15:30.123Z"), ZoneOffset.UTC));

  @Test
  void anEventIsOneJsonLineWithLevelTimestampMessageAndContext() {
    Logger logger = logs.getLogger("io.checkmark.handler.ActionHandler");
    logs.getMDCAdapter().put("connectionId", "c-1");
    logs.getMDCAdapter().put("functionRequestId", "f-1");
    try {
      List<JsonNode> lines = linesOf(() -> logger.info("refused {}: {}", "BAD_REQUEST", "no id"));

      assertThat(lines)
          .singleElement()
          .satisfies(
              line -> {
                assertThat(line.get("timestamp").asText()).isEqualTo("2026-12-04T10:15:30.123Z");
                assertThat(line.get("level").asText()).isEqualTo("INFO");
                assertThat(line.get("logger").asText())
                    .isEqualTo("io.checkmark.handler.ActionHandler");
                assertThat(line.get("message").asText()).isEqualTo("refused BAD_REQUEST: no id");
                assertThat(line.get("connectionId").asText()).isEqualTo("c-1");
                assertThat(line.get("functionRequestId").asText()).isEqualTo("f-1");
                assertThat(line.has("error")).isFalse();
              });
    } finally {
      logs.getMDCAdapter().clear();
    }
  }

  @Test
  void aFailureCarriesItsTypeMessageAndStack() {
    Logger logger = logs.getLogger("io.checkmark.handler.ActionHandler");

    List<JsonNode> lines =
        linesOf(() -> logger.error("request failed", new IllegalStateException("broken \"here\"")));

    JsonNode error = lines.get(0).get("error");
    assertThat(lines.get(0).get("level").asText()).isEqualTo("ERROR");
    assertThat(error.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.get("message").asText()).isEqualTo("broken \"here\"");
    assertThat(error.get("stack").asText()).contains("JsonLogLinesTest");
  }

  @Test
  void checkmarkLogsFromItsLevelAndLibrariesOnlyFromWarn() {
    Logger ours = logs.getLogger("io.checkmark.core.Sessions");
    Logger library = logs.getLogger("software.amazon.awssdk.request");

    List<JsonNode> lines =
        linesOf(
            () -> {
              ours.debug("not at INFO");
              ours.info("ours at INFO");
              library.info("not below WARN");
              library.warn("library at WARN");
            });

    assertThat(lines)
        .extracting(line -> line.get("message").asText())
        .containsExactly("ours at INFO", "library at WARN");
  }

  @Test
  void theLevelIsLambdasApplicationLogLevelElseTheTemplatesElseInfo() {
    assertThat(
            JsonLogLines.levelOf(
                Map.of("AWS_LAMBDA_LOG_LEVEL", "DEBUG", "POWERTOOLS_LOG_LEVEL", "WARN")))
        .isEqualTo(Level.DEBUG);
    assertThat(JsonLogLines.levelOf(Map.of("POWERTOOLS_LOG_LEVEL", "warn"))).isEqualTo(Level.WARN);
    assertThat(JsonLogLines.levelOf(Map.of("AWS_LAMBDA_LOG_LEVEL", "FATAL")))
        .isEqualTo(Level.ERROR);
    assertThat(JsonLogLines.levelOf(Map.of())).isEqualTo(Level.INFO);
    // A typo in a template parameter must not stop every function at its start.
    assertThat(JsonLogLines.levelOf(Map.of("POWERTOOLS_LOG_LEVEL", "verbose")))
        .isEqualTo(Level.INFO);
  }

  private static List<JsonNode> linesOf(Runnable logging) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      logging.run();
    } finally {
      System.setOut(original);
    }
    return Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(line -> !line.isBlank())
        .map(WireJson::readTree)
        .toList();
  }
}
