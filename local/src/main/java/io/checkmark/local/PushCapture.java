package io.checkmark.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.protocol.ClientText;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Push notifications captured instead of sent to APNs or FCM: each printed on the console as one
 * line (its size and attributes, not its payload, which may carry message content), and listed at
 * {@code /_aws/sns/platform-endpoint-messages} in LocalStack's JSON shape.
 */
final class PushCapture {

  static final String MESSAGES_PATH = "/_aws/sns/platform-endpoint-messages";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String region;
  private final PrintStream console;
  private final Map<String, List<Map<String, Object>>> byEndpoint = new LinkedHashMap<>();

  PushCapture(String region, PrintStream console) {
    this.region = region;
    this.console = console;
  }

  /**
   * Keeps a {@code Publish} to a platform endpoint, with the fields LocalStack lists, and prints
   * its line; returns its message id.
   */
  String capture(String endpointArn, String customUserData, SnsQuery publish) {
    String messageId = UUID.randomUUID().toString();
    String message = publish.get("Message");
    Map<String, Map<String, String>> attributes = publish.messageAttributes();
    Map<String, Object> notification = new LinkedHashMap<>();
    notification.put("TargetArn", endpointArn);
    notification.put("TopicArn", null);
    notification.put("Message", message);
    notification.put("MessageAttributes", Collections.unmodifiableMap(attributes));
    notification.put("MessageStructure", publish.get("MessageStructure"));
    notification.put("Subject", publish.get("Subject"));
    notification.put("MessageId", messageId);
    synchronized (this) {
      byEndpoint
          .computeIfAbsent(endpointArn, arn -> new ArrayList<>())
          .add(Collections.unmodifiableMap(notification));
    }
    StringBuilder line = new StringBuilder("Push to ").append(endpointArn);
    // Anyone on this machine may call SNS here: what they send must not forge console lines.
    if (customUserData != null) {
      line.append(" (").append(ClientText.forLog(customUserData)).append(')');
    }
    line.append(": ").append(Utf8.length(message)).append(" bytes");
    attributes.forEach(
        (name, value) ->
            line.append(", ")
                .append(ClientText.forLog(name))
                .append('=')
                .append(ClientText.forLog(value.get("StringValue"))));
    console.println(line);
    return messageId;
  }

  /** The notifications captured for one endpoint, oldest first. */
  synchronized List<Map<String, Object>> notificationsTo(String endpointArn) {
    return List.copyOf(byEndpoint.getOrDefault(endpointArn, List.of()));
  }

  synchronized void clear() {
    byEndpoint.clear();
  }

  private synchronized void clearFor(String endpointArn) {
    byEndpoint.remove(endpointArn);
  }

  /** {@code GET} lists, {@code DELETE} clears: all, or one {@code endpointArn}'s. */
  void handleMessages(Request request, Response response, Callback callback) {
    String endpointArn = Request.extractQueryParameters(request).getValue("endpointArn");
    switch (request.getMethod()) {
      case "GET" -> HttpResponses.json(response, callback, 200, listing(endpointArn));
      case "DELETE" -> {
        if (endpointArn == null) {
          clear();
        } else {
          clearFor(endpointArn);
        }
        HttpResponses.write(response, callback, 204, null, null);
      }
      default -> HttpResponses.json(response, callback, 405, Map.of("error", "use GET or DELETE"));
    }
  }

  /** LocalStack's shape; one endpoint asked for is listed even when nothing was sent to it. */
  private synchronized String listing(String endpointArn) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode messages = body.putObject("platform_endpoint_messages");
    if (endpointArn == null) {
      byEndpoint.forEach((arn, list) -> messages.set(arn, JSON.valueToTree(list)));
    } else {
      messages.set(endpointArn, JSON.valueToTree(byEndpoint.getOrDefault(endpointArn, List.of())));
    }
    body.put("region", region);
    return HttpResponses.toJson(body);
  }
}
