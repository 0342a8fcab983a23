package io.checkmark.protocol;

/** {@code {"type":"error",...}}: what a refused request gets back. Absent fields are not written. */
public record ErrorFrame(
    String code,
    String message,
    String action,
    String id,
    Integer retryAfterSeconds,
    Integer attemptsLeft) implements ServerFrame {

  /** The frame for {@code error}; {@code request} is null when the frame could not be parsed at all. */
  public static ErrorFrame of(ProtocolException error, ClientRequest request) {
    return new ErrorFrame(error.code().name(), error.getMessage(),
        request == null ? null : request.action(),
        request == null ? null : request.id(),
        error.retryAfterSeconds(), error.attemptsLeft());
  }
}
