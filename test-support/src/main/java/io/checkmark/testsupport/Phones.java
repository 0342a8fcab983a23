package io.checkmark.testsupport;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Phone numbers for suites that run against a local stack: each call gives a number no other test
 * of this JVM has had, so that no test meets another's rate limits, PINs or queues.
 */
public final class Phones {

  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(9000));

  private Phones() {}

  /** A valid US number, {@code +1415555xxxx}; 9000 of them before any repeats. */
  public static String next() {
    return "+1415555" + (1000 + NEXT.getAndIncrement() % 9000);
  }
}
