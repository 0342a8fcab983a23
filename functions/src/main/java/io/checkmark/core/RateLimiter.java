package io.checkmark.core;

import java.time.Duration;

/**
 * Counts hits per bucket in windows that start at a bucket's first hit (the RateLimits table in
 * production). Over a limit, methods throw {@code RATE_LIMITED} with the seconds until the
 * window ends.
 */
public interface RateLimiter {

  /** Counts a hit, or refuses it when the bucket already had {@code limit} hits in its window. */
  void acquire(String bucket, int limit, Duration window);

  /** Refuses when the bucket already had {@code limit} hits in its window; counts nothing. */
  void requireBelow(String bucket, int limit, Duration window);

  /** Counts a hit whatever the count, as a failure is counted after it happened. */
  void record(String bucket, Duration window);
}
