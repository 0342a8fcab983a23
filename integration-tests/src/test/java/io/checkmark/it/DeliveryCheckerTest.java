package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The short reliability run of every build: one seed, 200 messages, on the local stack through the
 * SDK. Another seed replays with {@code -Dcheckmark.reliability.seed=N}; the full run is {@link
 * ReliabilityCheck} (profile {@code reliability}).
 */
class DeliveryCheckerTest {

  private static final long SEED = Long.getLong("checkmark.reliability.seed", 19);
  private static final int MESSAGES = 200;

  @Test
  void twoHundredMessagesWithoutFaultsAreNeitherLostNorDuplicatedNorReordered() throws Exception {
    ReliabilityRun.Outcome outcome =
        ReliabilityRun.run(new ReliabilityRun.Plan(SEED, MESSAGES, FaultKinds.NONE));
    System.out.println(outcome.line());

    assertThat(outcome.verdict().accepted()).as("messages accepted").isEqualTo(MESSAGES);
    assertThat(outcome.verdict().holds())
        .as("%s%n%s", outcome.line(), String.join("\n", outcome.verdict().problems()))
        .isTrue();
  }
}
