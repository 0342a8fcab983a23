package io.checkmark.core;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Phone numbers for tests that share one DynamoDB Local: each call gives a number no other test of
 * this JVM has had, so that no test sees another's PINs, accounts or connections.
 */
public final class TestPhones {

  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(9000));

  private TestPhones() {}

  /** A valid US number, {@code +1415555xxxx}; 9000 of them before any repeats. */
  public static String next() {
    return "+1415555" + (1000 + NEXT.getAndIncrement() % 9000);
  }

  /** A serial for other kinds of numbers (other countries' formats), from the same sequence. */
  public static int nextSerial() {
    return NEXT.getAndIncrement();
  }
}
