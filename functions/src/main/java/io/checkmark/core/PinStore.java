package io.checkmark.core;

import java.time.Instant;

/** Where pending PINs are kept (the Pins table in production); at most one per phone. */
public interface PinStore {

  /** Stores a new PIN for the phone, replacing any earlier one. */
  void save(PendingPin pin);

  /**
   * Takes one guess of the phone's pending PIN, atomically, before the guess is compared, so that
   * however many guesses arrive at once no more than the PIN's tries are ever compared.
   */
  Attempt takeAttempt(String phone, Instant now);

  /**
   * Deletes the PIN if it is still this one; true for the one caller that did, so that a PIN is
   * used once even when two right guesses race.
   */
  boolean consume(PendingPin pin);

  /** What {@link #takeAttempt} found. */
  enum Outcome {
    TAKEN,
    NONE_PENDING,
    EXPIRED,
    NO_TRIES_LEFT
  }

  /**
   * @param outcome whether a guess was taken, or why not
   * @param pin the PIN the guess was taken from, its {@code attemptsLeft} already counting this
   *     guess; null unless {@code TAKEN}
   */
  record Attempt(Outcome outcome, PendingPin pin) {}
}
