package io.checkmark.core;

/**
 * A request the rules refuse, and why: the catalogue of the domain's refusals. It carries what a
 * client needs to act on it (when to retry, how many PIN guesses remain) and a short message for a
 * person; the handler edge turns the reason into the wire's error code, in one place. A refusal
 * changes nothing and never closes the connection.
 */
public final class Refusal extends RuntimeException {

  /** Why a request was refused. */
  public enum Reason {
    /** A field is missing, malformed or out of range. */
    INVALID_REQUEST,
    /** Not a valid international phone number, or one of a country not served. */
    INVALID_PHONE,
    /** The action needs a logged-in connection. */
    NOT_LOGGED_IN,
    /** The phone number or device key is wrong. */
    WRONG_CREDENTIALS,
    /** The connection's device key was replaced by a newer registration. */
    DEVICE_REPLACED,
    /** A limit is reached; {@link #retryAfterSeconds()} says when the window ends. */
    RATE_LIMITED,
    /** The PIN is wrong; {@link #attemptsLeft()} guesses remain. */
    WRONG_PIN,
    /** No PIN is pending: none was asked for, it expired, or it was replaced or used. */
    PIN_EXPIRED,
    /** The PIN's guesses are used up. */
    TOO_MANY_ATTEMPTS,
    /** No one is registered under the recipient's number. */
    UNKNOWN_RECIPIENT,
    /** The message would exceed what can be pushed to a connection. */
    MESSAGE_TOO_LARGE,
    /** The link code is unknown, used or expired, or its device stopped waiting. */
    LINK_EXPIRED,
    /** Only the account's primary device may do this. */
    NOT_PRIMARY,
    /** The account has as many linked devices as it may. */
    TOO_MANY_DEVICES,
    /** The connection's device was unlinked. */
    DEVICE_UNLINKED,
    /** The account has no device of that id. */
    UNKNOWN_DEVICE,
    /** No group has that id. */
    UNKNOWN_GROUP,
    /** The group exists, and the caller is not one of its members. */
    NOT_A_MEMBER,
    /** Only the group's admins may do this. */
    NOT_AN_ADMIN,
    /** The group would have more members than it may. */
    GROUP_FULL,
    /** The media file is larger than uploads may be. */
    MEDIA_TOO_LARGE,
    /** No upload has that media id, or it does not match what the message says of it. */
    MEDIA_NOT_FOUND
  }

  private final Reason reason;
  private final Integer retryAfterSeconds;
  private final Integer attemptsLeft;

  private Refusal(Reason reason, String message, Integer retryAfterSeconds, Integer attemptsLeft) {
    // A refusal is an answer, not a fault: no stack trace to fill in.
    super(message, null, false, false);
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
    this.attemptsLeft = attemptsLeft;
  }

  public static Refusal of(Reason reason, String message) {
    return new Refusal(reason, message, null, null);
  }

  public static Refusal invalid(String message) {
    return of(Reason.INVALID_REQUEST, message);
  }

  /** At least one second, so that a client never retries at once. */
  public static Refusal rateLimited(long retryAfterSeconds) {
    return new Refusal(
        Reason.RATE_LIMITED,
        "too many requests; retry after " + retryAfterSeconds + " s",
        (int) Math.max(1, retryAfterSeconds),
        null);
  }

  public static Refusal wrongPin(int attemptsLeft) {
    return new Refusal(Reason.WRONG_PIN, "wrong PIN", null, attemptsLeft);
  }

  public Reason reason() {
    return reason;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Integer attemptsLeft() {
    return attemptsLeft;
  }
}
