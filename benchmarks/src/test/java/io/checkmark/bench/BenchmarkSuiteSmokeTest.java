package io.checkmark.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole suite in quick mode, as CI runs it: every benchmark runs and reports, the run is
 * written between the page's markers with its chart, and the end-to-end run loses and duplicates
 * nothing. The targets themselves are not asserted (a slow machine must not fail CI).
 */
class BenchmarkSuiteSmokeTest {

  @TempDir Path docs;

  @Test
  void quickRunMeasuresEverythingAndWritesThePageAndChart() throws Exception {
    Path root = Path.of(System.getProperty("checkmark.root"));
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    List<Report.Target> targets =
        BenchmarkSuite.run(
            new BenchmarkSuite.Options(root, docs, BenchmarkSuite.Size.QUICK),
            new PrintStream(console, true, StandardCharsets.UTF_8));

    Map<String, Report.Target> byName =
        targets.stream().collect(Collectors.toMap(Report.Target::what, Function.identity()));
    assertThat(byName)
        .containsKeys(
            "cold start, spawn → first event done (median)",
            "sustained rate over DynamoDB Local's ceiling (its puts/s ÷ requests per message)",
            "send → deliver p99 at half load",
            "DynamoDB requests per delivered message",
            "DynamoDB capacity units per delivered message",
            "cost per million delivered messages",
            "reconnect storm",
            "send accepted p50, push on over push off",
            "pushes per delivered message, realistic mix",
            "DynamoDB requests per send, recipient blocks 100 other phones, over blocking nobody",
            "heap with 300 idle connections");
    assertThat(byName.get("lost messages").measured()).isZero();
    assertThat(byName.get("duplicated messages").measured()).isZero();
    assertThat(byName.get("cold start, spawn → first event done (median)").measured()).isPositive();
    assertThat(
            byName
                .get(
                    "sustained rate over DynamoDB Local's ceiling (its puts/s ÷ requests per message)")
                .measured())
        .isPositive();
    assertThat(byName.get("DynamoDB requests per delivered message").measured()).isGreaterThan(1);
    assertThat(byName.get("DynamoDB capacity units per delivered message").measured())
        .isGreaterThan(1);
    assertThat(byName.get("client live heap, 4 MB over 1 MB").measured()).isPositive();
    assertThat(byName.get("pushes per delivered message, realistic mix").measured()).isPositive();

    String page = Files.readString(docs.resolve("benchmarks.md"));
    assertThat(page)
        .contains(
            "### 1. Cold start",
            "### 2. Warm handler latency",
            "### 3. End to end",
            "### 4. DynamoDB requests",
            "### 5. Cost model",
            "### 6. Linked devices",
            "### 7. Groups",
            "### 8. Media",
            "### 9. Push notifications",
            "### 10. Typing, presence and blocking",
            "per million typing events",
            "### 11. Local stack scale",
            "### Targets",
            "Profile of the end-to-end run",
            BenchmarkSuite.RESULTS_START,
            BenchmarkSuite.RESULTS_END);
    String chart = Files.readString(docs.resolve("benchmarks/latency.svg"));
    assertThat(chart)
        .startsWith("<svg")
        .contains("<polyline", "end to end, half load", "warm send, embedded");
  }

  @Test
  void writingAgainReplacesOnlyWhatIsBetweenTheMarkers() throws Exception {
    Files.writeString(
        docs.resolve("benchmarks.md"),
        "# Benchmarks\n\nprose before\n\n"
            + BenchmarkSuite.RESULTS_START
            + "\nold results\n"
            + BenchmarkSuite.RESULTS_END
            + "\n\nprose after\n");

    BenchmarkSuite.write(docs, "new results\n", "<svg/>");

    assertThat(Files.readString(docs.resolve("benchmarks.md")))
        .isEqualTo(
            "# Benchmarks\n\nprose before\n\n"
                + BenchmarkSuite.RESULTS_START
                + "\nnew results\n"
                + BenchmarkSuite.RESULTS_END
                + "\n\nprose after\n");
  }

  @Test
  void onlyRunsTheSectionsAskedForAndTheirSourceAndWritesOnlyWhereTold() {
    BenchmarkSuite.Arguments arguments = new BenchmarkSuite.Arguments();
    CommandLine commandLine = new CommandLine(arguments);
    commandLine.parseArgs("--only", "5,10", "--root", "/project");

    BenchmarkSuite.Options options = BenchmarkSuite.optionsOf(commandLine, arguments);

    assertThat(options.sections()).containsExactlyInAnyOrder(3, 4, 5, 10);
    assertThat(options.docs()).isNull();
    assertThat(options.size()).isSameAs(BenchmarkSuite.Size.FULL);
  }

  @Test
  void everySectionRunsAndIsWrittenUnlessOnlySaysOtherwise() {
    BenchmarkSuite.Arguments arguments = new BenchmarkSuite.Arguments();
    CommandLine commandLine = new CommandLine(arguments);
    commandLine.parseArgs("--quick", "--root", "/project");

    BenchmarkSuite.Options options = BenchmarkSuite.optionsOf(commandLine, arguments);

    assertThat(options.sections()).isEqualTo(BenchmarkSuite.ALL_SECTIONS);
    assertThat(options.docs()).isEqualTo(Path.of("/project/docs"));
    assertThat(options.size()).isSameAs(BenchmarkSuite.Size.QUICK);
  }

  @Test
  void onlyRefusesASectionThatDoesNotExist() {
    BenchmarkSuite.Arguments arguments = new BenchmarkSuite.Arguments();
    CommandLine commandLine = new CommandLine(arguments);
    commandLine.parseArgs("--only", "12");

    assertThatThrownBy(() -> BenchmarkSuite.optionsOf(commandLine, arguments))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("1 to 11");
  }

  @Test
  void targetIsMetOnTheRightSideOfItsLimit() {
    assertThat(new Report.Target("latency", 2.9, 3, false, "ms").met()).isTrue();
    assertThat(new Report.Target("latency", 3.1, 3, false, "ms").met()).isFalse();
    assertThat(new Report.Target("rate", 600, 600, true, "msg/s").met()).isTrue();
    assertThat(new Report.Target("rate", 599, 600, true, "msg/s").met()).isFalse();
  }
}
