package io.checkmark.protocol;

/**
 * A request refused with an error frame: its code, message and the fields a client acts on. The
 * server's handler edge throws it for frames it cannot read and turns the domain's refusals into
 * it; it never closes the connection.
 */
public class ProtocolException extends RuntimeException {
  private final ErrorCode code;
  private final Integer retryAfterSeconds;
  private final Integer attemptsLeft;

  public ProtocolException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  public ProtocolException(
      ErrorCode code, String message, Integer retryAfterSeconds, Integer attemptsLeft) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.attemptsLeft = attemptsLeft;
  }

  public static ProtocolException badRequest(String message) {
    return new ProtocolException(ErrorCode.BAD_REQUEST, message);
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
