package io.checkmark.aws;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with full jitter, as AWS's guidance for retried calls asks: before
 * retry {@code attempt} (1, 2, ...) wait a random time up to {@code min(cap, base * 2^(attempt-1))}.
 */
final class Backoff {

  private Backoff() {
  }

  /** Sleeps before the next attempt; false (interrupt flag set again) if the wait was interrupted. */
  static boolean pause(int attempt, long baseMillis, long capMillis) {
    long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt - 1, 30));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
