package io.checkmark.client;

/** An error frame from the server, such as {@code UNKNOWN_RECIPIENT} or {@code RATE_LIMITED}. */
public final class CheckmarkException extends RuntimeException {
  private final String code;
  private final Integer retryAfterSeconds;
  private final Integer attemptsLeft;

  public CheckmarkException(
      String code, String message, Integer retryAfterSeconds, Integer attemptsLeft) {
    super(code + ": " + message);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.attemptsLeft = attemptsLeft;
  }

  public String code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Integer attemptsLeft() {
    return attemptsLeft;
  }
}
