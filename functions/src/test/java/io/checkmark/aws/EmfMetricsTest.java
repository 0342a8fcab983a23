package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.protocol.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metrics reach CloudWatch as embedded metric format lines on standard output. */
class EmfMetricsTest {

  @Test
  void countWithADimensionIsOneEmfLine() {
    List<JsonNode> lines =
        emfLinesOf(
            () ->
                new EmfMetrics("CheckmarkTest", "checkmark")
                    .count("PushFailures", 2, "cause", "gone"));

    assertThat(lines)
        .singleElement()
        .satisfies(
            line -> {
              JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
              assertThat(directive.get("Namespace").asText()).isEqualTo("CheckmarkTest");
              assertThat(directive.get("Metrics").get(0).get("Name").asText())
                  .isEqualTo("PushFailures");
              assertThat(directive.get("Metrics").get(0).get("Unit").asText()).isEqualTo("Count");
              assertThat(directive.get("Dimensions").toString())
                  .contains("service")
                  .contains("cause");
              assertThat(line.get("PushFailures").asDouble()).isEqualTo(2.0);
              assertThat(line.get("cause").asText()).isEqualTo("gone");
              assertThat(line.get("service").asText()).isEqualTo("checkmark");
            });
  }

  @Test
  void ageIsInSeconds() {
    List<JsonNode> lines =
        emfLinesOf(
            () ->
                new EmfMetrics("CheckmarkTest", "checkmark").seconds("OldestQueuedItemAge", 42.5));

    assertThat(lines)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(
                      line.get("_aws")
                          .get("CloudWatchMetrics")
                          .get(0)
                          .get("Metrics")
                          .get(0)
                          .get("Unit")
                          .asText())
                  .isEqualTo("Seconds");
              assertThat(line.get("OldestQueuedItemAge").asDouble()).isEqualTo(42.5);
            });
  }

  private static List<JsonNode> emfLinesOf(Runnable emit) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      emit.run();
    } finally {
      System.setOut(original);
    }
    return Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(line -> line.contains("\"_aws\""))
        .map(WireJson::readTree)
        .toList();
  }
}
