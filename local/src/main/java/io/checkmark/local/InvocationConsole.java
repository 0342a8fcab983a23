package io.checkmark.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.protocol.ClientText;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What the stack's console shows of the traffic: one line per function invocation (time, route,
 * connection, outcome, milliseconds) and, with {@code --log-frames}, every frame each way. Text a
 * client chose is shown escaped, so that it cannot forge lines or move the cursor.
 */
final class InvocationConsole {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
  private static final int FRAME_SHOWN = 400;

  /**
   * Fields whose values are credentials: a PIN, a device key, a link code (an error's {@code code}
   * is its error code, and shown).
   */
  private static final List<String> SECRETS = List.of("pin", "deviceKey", "code");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream console;
  private final boolean logFrames;

  InvocationConsole(PrintStream console, boolean logFrames) {
    this.console = console;
    this.logFrames = logFrames;
  }

  void invoked(String routeKey, String connectionId, String outcome, long startNanos) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    console.printf(
        "%s %-11s %s → %s (%d ms)%n",
        LocalTime.now().format(TIME), routeKey, connectionId, outcome, millis);
  }

  void frameIn(String connectionId, String text) {
    if (logFrames) {
      console.printf("%s ← %s %s%n", LocalTime.now().format(TIME), connectionId, shown(text));
    }
  }

  void frameOut(String connectionId, String text) {
    if (logFrames) {
      console.printf("%s → %s %s%n", LocalTime.now().format(TIME), connectionId, shown(text));
    }
  }

  private static String shown(String text) {
    String safe = ClientText.forLog(withoutSecrets(text));
    return safe.length() <= FRAME_SHOWN
        ? safe
        : safe.substring(0, FRAME_SHOWN) + "… (" + text.length() + " characters)";
  }

  /** The frame with its credentials hidden, so that a console or a log of it leaks no key. */
  private static String withoutSecrets(String text) {
    try {
      JsonNode frame = JSON.readTree(text);
      if (frame instanceof ObjectNode fields) {
        boolean hidden = false;
        // A file's key reads the file: as secret as a device key.
        if (fields.path("media") instanceof ObjectNode media && media.has("key")) {
          media.put("key", "(hidden)");
          hidden = true;
        }
        boolean error = "error".equals(fields.path("type").asText());
        for (String name : SECRETS) {
          if (fields.has(name) && !(error && name.equals("code"))) {
            fields.put(name, "(hidden)");
            hidden = true;
          }
        }
        if (hidden) {
          return JSON.writeValueAsString(fields);
        }
      }
    } catch (JsonProcessingException notJson) {
      // Shown as it came, escaped.
    }
    return text;
  }
}
