package io.checkmark.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.local.TestSocket;
import java.io.IOException;

/** Request and reply over a test socket, as a client matches them: by a fresh {@code ref}. */
final class SocketRequests {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SocketRequests() {}

  /** Sends a request with a fresh ref and returns the reply with that ref, skipping pushes. */
  static JsonNode request(TestSocket socket, String frame) {
    String ref = "r-" + System.nanoTime();
    ObjectNode withRef = (ObjectNode) frame(frame);
    withRef.put("ref", ref);
    socket.send(withRef.toString());
    while (true) {
      JsonNode reply = frame(socket.next());
      if (ref.equals(reply.path("ref").asText())) {
        return reply;
      }
    }
  }

  static JsonNode frame(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
