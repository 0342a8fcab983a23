package io.checkmark.core;

import java.time.Duration;

/**
 * Counts hits per bucket in windows that start at a bucket's first hit (the RateLimits table in
 * production). Over a limit, methods throw {@code RATE_LIMITED} with the seconds until the window
 * ends.
 */
public interface RateLimiter {

  /**
   * At most {@code limit} hits on {@code bucket} in each window of {@code window}, windows aligned
   * to multiples of it since the epoch: a window's counter is an item of its own, so no counter is
   * ever reset and a hit is always one conditional write.
   */
  record Limit(String bucket, int limit, Duration window) {}

  /** Counts a hit in the current aligned window, or refuses it when that window is full. */
  void acquireInAlignedWindow(Limit limit);

  /** Counts a hit, or refuses it when the bucket already had {@code limit} hits in its window. */
  void acquire(String bucket, int limit, Duration window);

  /** Refuses when the bucket already had {@code limit} hits in its window; counts nothing. */
  void requireBelow(String bucket, int limit, Duration window);

  /** Counts a hit whatever the count, as a failure is counted after it happened. */
  void record(String bucket, Duration window);

  /**
   * Adds {@code member} to the bucket's set for the current fixed window (windows are aligned to
   * multiples of {@code window} since the epoch), or refuses when the set already holds {@code
   * limit} other members; a member already in the set always passes.
   */
  void acquireDistinct(String bucket, String member, int limit, Duration window);
}
