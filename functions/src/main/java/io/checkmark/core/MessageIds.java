package io.checkmark.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Server message ids that sort as strings in acceptance order: the acceptance time in
 * microseconds, base 36, fixed width, then a random tail so that two Lambdas accepting in the same
 * microsecond still differ. A sender that waits for {@code accepted} before its next send has its
 * next message accepted at least a round trip later, far more than the clock skew between Lambdas.
 * Receipt ids end in {@value #RECEIPT_MARK}, after the part that orders them, so that an ack can
 * tell receipts (which set off nothing) from messages (which set off a receipt) without a read.
 */
public final class MessageIds {

  private static final int TIME_DIGITS = 11;
  private static final int TAIL_DIGITS = 6;
  private static final long TAIL_RANGE = 2_176_782_336L; // 36^6
  private static final String RECEIPT_MARK = "-r";

  private final Clock clock;
  private final SecureRandom random;

  public MessageIds(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  public String next() {
    Instant now = clock.instant();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
    return pad(Long.toString(micros, 36), TIME_DIGITS)
        + pad(Long.toString((random.nextLong() & Long.MAX_VALUE) % TAIL_RANGE, 36), TAIL_DIGITS);
  }

  public String nextReceipt() {
    return next() + RECEIPT_MARK;
  }

  /** Whether an id is a receipt's as {@link #nextReceipt()} makes them (ids from clients may be anything). */
  public static boolean isReceipt(String id) {
    return id.length() == TIME_DIGITS + TAIL_DIGITS + RECEIPT_MARK.length() && id.endsWith(RECEIPT_MARK);
  }

  private static String pad(String digits, int width) {
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }
}
