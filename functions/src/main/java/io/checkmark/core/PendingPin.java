package io.checkmark.core;

import java.time.Instant;

/**
 * A PIN sent to a phone and not used yet, kept as a salted hash; {@code attemptsLeft} are the
 * guesses it still allows.
 */
public record PendingPin(String phone, String pinHash, Instant expiresAt, int attemptsLeft) {}
