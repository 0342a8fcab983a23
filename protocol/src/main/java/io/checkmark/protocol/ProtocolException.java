package io.checkmark.protocol;

/**
 * A request the server refuses with an error frame. Thrown by the domain and mapped to the
 * frame in one place, the handler base class; it never closes the connection.
 */
public class ProtocolException extends RuntimeException {
  private final ErrorCode code;
  private final Integer retryAfterSeconds;
  private final Integer attemptsLeft;

  public ProtocolException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  protected ProtocolException(ErrorCode code, String message, Integer retryAfterSeconds, Integer attemptsLeft) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.attemptsLeft = attemptsLeft;
  }

  public static ProtocolException badRequest(String message) {
    return new ProtocolException(ErrorCode.BAD_REQUEST, message);
  }

  public static ProtocolException rateLimited(long retryAfterSeconds) {
    return new ProtocolException(ErrorCode.RATE_LIMITED, "too many requests; retry after " + retryAfterSeconds + " s",
        (int) Math.max(1, retryAfterSeconds), null);
  }

  public static ProtocolException invalidPin(int attemptsLeft) {
    return new ProtocolException(ErrorCode.INVALID_PIN, "wrong PIN", null, attemptsLeft);
  }

  public ErrorCode code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Integer attemptsLeft() {
    return attemptsLeft;
  }
}
