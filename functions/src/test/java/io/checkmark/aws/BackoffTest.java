package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void ceilingDoublesFromTheBaseUpToTheCap() {
    Backoff atCeiling =
        new Backoff(Duration.ofMillis(40), Duration.ofSeconds(1), ceiling -> ceiling);

    assertThat(
            java.util.stream.IntStream.rangeClosed(1, 8)
                .mapToObj(atCeiling::delay)
                .map(Duration::toMillis))
        .containsExactly(40L, 80L, 160L, 320L, 640L, 1000L, 1000L, 1000L);
    assertThat(atCeiling.delay(1_000)).as("no overflow far out").isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void fullJitterStaysBetweenZeroAndTheCeiling() {
    Backoff jittered = Backoff.fullJitter(Duration.ofMillis(40), Duration.ofSeconds(1));

    for (int attempt = 1; attempt <= 10; attempt++) {
      for (int draw = 0; draw < 100; draw++) {
        assertThat(jittered.delay(attempt).toMillis())
            .isBetween(0L, Math.min(1000L, 40L << (attempt - 1)));
      }
    }
  }
}
