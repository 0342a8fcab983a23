package io.checkmark.protocol;

/**
 * What the server does with text a client sent: accepts it only when it is well-formed UTF-16 (so
 * that it is stored and pushed exactly as sent, never as {@code ?}), cuts it short before echoing
 * it, and escapes it before logging it, so that no frame can forge a log line or send a terminal
 * control sequence to whoever reads the logs.
 */
public final class ClientText {

  /** Ends text that was cut short. */
  public static final String TRUNCATION_MARKER = "…";

  private ClientText() {}

  /** True when every surrogate in the text is half of a high-low pair. */
  public static boolean isWellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The text with each unpaired surrogate replaced by U+FFFD, as a UTF-8 encoder would, so that it
   * can be sent as it is.
   */
  public static String wellFormed(String text) {
    if (text == null || isWellFormed(text)) {
      return text;
    }
    StringBuilder repaired = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        repaired.append(c).append(text.charAt(++i));
      } else {
        repaired.append(Character.isSurrogate(c) ? '\ufffd' : c);
      }
    }
    return repaired.toString();
  }

  /**
   * The text if it holds at most {@code maxChars} characters, else its start and the marker in that
   * many; never half a pair.
   */
  public static String truncate(String text, int maxChars) {
    if (text == null || text.length() <= maxChars) {
      return text;
    }
    int end = Math.max(0, maxChars - TRUNCATION_MARKER.length());
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + TRUNCATION_MARKER;
  }

  /**
   * The text with control characters (C0, DEL, C1), line and paragraph separators and unpaired
   * surrogates written as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}: one log
   * event stays one line, and the console shows the escape sequences rather than running them.
   */
  public static String forLog(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder escaped = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      String escape = pair ? null : escape(c);
      if (escape != null && escaped == null) {
        escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (escaped != null) {
        if (escape != null) {
          escaped.append(escape);
        } else {
          escaped.append(c);
          if (pair) {
            escaped.append(text.charAt(i + 1));
          }
        }
      }
      if (pair) {
        i++;
      }
    }
    return escaped == null ? text : escaped.toString();
  }

  private static String escape(char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        int type = Character.getType(c);
        if (Character.isISOControl(c)
            || Character.isSurrogate(c)
            || type == Character.LINE_SEPARATOR
            || type == Character.PARAGRAPH_SEPARATOR) {
          return String.format("\\u%04x", (int) c);
        }
        return null;
    }
  }
}
