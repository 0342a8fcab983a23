package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The short reliability run of every build: one seed, 200 messages, on the local stack through the
 * SDK, under every fault kind at once (DynamoDB throttling, errors, timeouts and latency beyond
 * what retries absorb; management API 410, 429 and 500; crashes after the write, after the push and
 * mid fan-out; lost {@code $disconnect}s; connections cut after seconds; SNS failures). The full
 * run, each kind alone and together over ten seeds of 1,000, is {@link ReliabilityCheck} (profile
 * {@code reliability}). Another seed: {@code -Dcheckmark.reliability.seed=N}.
 */
class DeliveryCheckerTest {

  private static final long SEED = Long.getLong("checkmark.reliability.seed", 19);
  private static final int MESSAGES = 200;

  @Test
  void twoHundredMessagesUnderEveryFaultKindAreNeitherLostDuplicatedNorReorderedAndReceiptedOnce()
      throws Exception {
    ReliabilityRun.Outcome outcome =
        ReliabilityRun.run(new ReliabilityRun.Plan(SEED, MESSAGES, FaultKinds.ALL));
    System.out.println(outcome.line());

    assertThat(outcome.injected().keySet())
        .as("faults injected")
        .anyMatch(fault -> fault.startsWith("dynamodb."))
        .anyMatch(fault -> fault.startsWith("managementApi."))
        .anyMatch(fault -> fault.startsWith("crash."));
    assertThat(outcome.verdict().accepted()).as("messages accepted").isEqualTo(MESSAGES);
    assertThat(outcome.verdict().holds())
        .as("%s%n%s", outcome.line(), String.join("\n", outcome.verdict().problems()))
        .isTrue();
  }
}
