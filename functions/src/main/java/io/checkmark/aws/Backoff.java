package io.checkmark.aws;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Capped exponential backoff with full jitter, as AWS's guidance for retried calls asks: before
 * attempt {@code n + 1} wait a random time up to {@code min(cap, base * 2^(n-1))}. A value that
 * computes delays and waits nowhere, so that it is tested without waiting.
 */
record Backoff(Duration base, Duration cap, LongUnaryOperator jitter) {

  /** Uniform in {@code [0, ceiling]}: full jitter. */
  static Backoff fullJitter(Duration base, Duration cap) {
    return new Backoff(
        base,
        cap,
        ceiling -> java.util.concurrent.ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  /** The wait after failed attempt {@code attempt} (1, 2, ...). */
  Duration delay(int attempt) {
    long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt - 1, 30));
    return Duration.ofMillis(jitter.applyAsLong(ceiling));
  }
}
