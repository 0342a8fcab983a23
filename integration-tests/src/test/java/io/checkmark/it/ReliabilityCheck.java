package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The full reliability run, not part of the default build: {@code mvn -B verify -pl
 * integration-tests -am -Preliability}. Every fault kind alone and all together, each with every
 * seed ({@code -Dcheckmark.reliability.seeds=1,2,3}; 1 to 10 unless told), each run of {@code
 * -Dcheckmark.reliability.messages} messages (1,000 unless told); {@code
 * -Dcheckmark.reliability.faults=dynamodb,all} picks fault kinds. Prints a line per run and writes
 * the figures, per run and summed per fault kind, to {@code target/reliability-figures.md}.
 */
class ReliabilityCheck {

  private static final Path FIGURES = Path.of("target", "reliability-figures.md");
  private static final List<ReliabilityRun.Outcome> OUTCOMES = new ArrayList<>();

  @TestFactory
  Stream<DynamicTest> everyFaultKindWithEverySeedLosesAndDuplicatesNothing() {
    int messages = Integer.getInteger("checkmark.reliability.messages", 1000);
    List<Long> seeds =
        Arrays.stream(System.getProperty("checkmark.reliability.seeds", "").split(","))
            .filter(seed -> !seed.isBlank())
            .map(seed -> Long.parseLong(seed.trim()))
            .toList();
    List<Long> chosenSeeds =
        seeds.isEmpty() ? LongStream.rangeClosed(1, 10).boxed().toList() : seeds;
    List<ReliabilityRun.Faults> kinds =
        FaultKinds.named(System.getProperty("checkmark.reliability.faults", ""));
    return kinds.stream()
        .flatMap(
            faults ->
                chosenSeeds.stream()
                    .map(
                        seed ->
                            DynamicTest.dynamicTest(
                                faults.name() + " seed " + seed,
                                () -> {
                                  ReliabilityRun.Outcome outcome =
                                      ReliabilityRun.run(
                                          new ReliabilityRun.Plan(seed, messages, faults));
                                  System.out.println(outcome.line());
                                  synchronized (OUTCOMES) {
                                    OUTCOMES.add(outcome);
                                  }
                                  assertThat(outcome.verdict().holds())
                                      .as(
                                          "%s%n%s",
                                          outcome.line(),
                                          String.join("\n", outcome.verdict().problems()))
                                      .isTrue();
                                })));
  }

  @AfterAll
  static void writeFigures() throws IOException {
    StringBuilder table = new StringBuilder();
    table.append("Measured ").append(Instant.now()).append("\n\n");
    table.append(
        "| faults | seeds | messages | accepted | sends failed | never accepted | lost | dup. to app | dup. in queue"
            + " | dup. after resend | unexpected | stayed queued | receipts due | missing"
            + " | duplicated | order violations | seconds | injected |\n");
    table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    Map<String, List<ReliabilityRun.Outcome>> byKind = new LinkedHashMap<>();
    synchronized (OUTCOMES) {
      OUTCOMES.forEach(
          outcome ->
              byKind
                  .computeIfAbsent(outcome.plan().faults().name(), kind -> new ArrayList<>())
                  .add(outcome));
    }
    for (Map.Entry<String, List<ReliabilityRun.Outcome>> kind : byKind.entrySet()) {
      for (ReliabilityRun.Outcome outcome : kind.getValue()) {
        row(table, kind.getKey(), String.valueOf(outcome.plan().seed()), List.of(outcome));
      }
      row(
          table,
          "**" + kind.getKey() + "**",
          "**" + kind.getValue().size() + " seeds**",
          kind.getValue());
    }
    Files.createDirectories(FIGURES.getParent());
    Files.writeString(FIGURES, table);
    System.out.println(table);
  }

  private static void row(
      StringBuilder table, String kind, String seeds, List<ReliabilityRun.Outcome> outcomes) {
    Map<String, Long> injected = new LinkedHashMap<>();
    outcomes.forEach(
        outcome ->
            outcome.injected().forEach((fault, count) -> injected.merge(fault, count, Long::sum)));
    table
        .append("| ")
        .append(kind)
        .append(" | ")
        .append(seeds)
        .append(" | ")
        .append(outcomes.stream().mapToInt(outcome -> outcome.plan().messages()).sum());
    for (ToIntFunction<DeliveryChecker.Verdict> figure :
        List.<ToIntFunction<DeliveryChecker.Verdict>>of(
            DeliveryChecker.Verdict::accepted,
            DeliveryChecker.Verdict::failedSends,
            DeliveryChecker.Verdict::neverAccepted,
            DeliveryChecker.Verdict::lost,
            DeliveryChecker.Verdict::duplicatesToApp,
            DeliveryChecker.Verdict::duplicatesInQueue,
            DeliveryChecker.Verdict::duplicatesAfterResend,
            DeliveryChecker.Verdict::unexpected,
            DeliveryChecker.Verdict::stayedQueued,
            DeliveryChecker.Verdict::receiptsDue,
            DeliveryChecker.Verdict::receiptsMissing,
            DeliveryChecker.Verdict::receiptsDuplicated,
            DeliveryChecker.Verdict::orderViolations)) {
      table
          .append(" | ")
          .append(
              outcomes.stream().mapToInt(outcome -> figure.applyAsInt(outcome.verdict())).sum());
    }
    table
        .append(" | ")
        .append(
            String.format(
                "%.0f",
                outcomes.stream().mapToLong(outcome -> outcome.took().toMillis()).sum() / 1000.0))
        .append(" | ")
        .append(injected)
        .append(" |\n");
  }
}
