package io.checkmark.protocol;

/**
 * {@code {"type":"error",...}}: what a refused request gets back. Absent fields are not written.
 */
public record ErrorFrame(
    String code,
    String message,
    String action,
    String id,
    Integer retryAfterSeconds,
    Integer attemptsLeft)
    implements ServerFrame {

  /**
   * The most characters {@code message}, {@code action} and {@code id} hold together, whatever the
   * input: an error never echoes a large frame back ({@code ref} is at most 64 by itself).
   */
  public static final int MAX_ECHOED_CHARS = 200;

  private static final int MAX_ECHOED_FIELD_CHARS = 64;

  /**
   * The frame for {@code error}; {@code request} is null when the frame could not be parsed at all.
   * The echoed fields are cut to 64 characters each and the message to what is left of {@link
   * #MAX_ECHOED_CHARS}, each marked with {@link ClientText#TRUNCATION_MARKER} where cut. A message
   * quoting a malformed frame may hold a lone surrogate: it is sent as U+FFFD.
   */
  public static ErrorFrame of(ProtocolException error, ClientRequest request) {
    String action =
        request == null ? null : ClientText.truncate(request.action(), MAX_ECHOED_FIELD_CHARS);
    String id = request == null ? null : ClientText.truncate(request.id(), MAX_ECHOED_FIELD_CHARS);
    int messageChars = MAX_ECHOED_CHARS - length(action) - length(id);
    String message = ClientText.truncate(ClientText.wellFormed(error.getMessage()), messageChars);
    return new ErrorFrame(
        error.code().name(), message, action, id, error.retryAfterSeconds(), error.attemptsLeft());
  }

  private static int length(String text) {
    return text == null ? 0 : text.length();
  }
}
