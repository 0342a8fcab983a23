package io.checkmark.aws;

import io.checkmark.core.StorageUnavailable;
import java.time.Duration;

/**
 * What the SDK never retries, because its calls succeeded: a batch's unprocessed items and a
 * transaction cancelled by a conflicting one. Each is submitted again, a bounded number of times,
 * after a backoff; when the attempts are spent the storage is reported unavailable. One policy,
 * shared by the tables that need it.
 */
final class Resubmission {

  static final int MAX_ATTEMPTS = 8;

  /** How a wait is taken: a real sleep, or a recorded one in tests. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  static final Resubmission DEFAULT =
      new Resubmission(
          Backoff.fullJitter(Duration.ofMillis(40), Duration.ofSeconds(1)),
          duration -> Thread.sleep(duration.toMillis()));

  private final Backoff backoff;
  private final Sleeper sleeper;

  Resubmission(Backoff backoff, Sleeper sleeper) {
    this.backoff = backoff;
    this.sleeper = sleeper;
  }

  /** After failed attempt {@code attempt} of {@code what}: waits before the next, or gives up. */
  void beforeNext(int attempt, String what) {
    if (attempt >= MAX_ATTEMPTS) {
      throw new StorageUnavailable(
          "DynamoDB did not complete " + what + " in " + MAX_ATTEMPTS + " attempts");
    }
    try {
      sleeper.sleep(backoff.delay(attempt));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailable("interrupted while waiting to submit " + what + " again");
    }
  }
}
