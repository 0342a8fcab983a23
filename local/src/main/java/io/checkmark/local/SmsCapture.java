package io.checkmark.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.protocol.ClientText;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Amazon SNS for SMS, captured instead of sent: a {@code Publish} to a {@code PhoneNumber} (what
 * {@code SnsClient.publish} sends) is printed on the console and listed at {@code
 * /_aws/sns/sms-messages} in LocalStack's JSON shape.
 */
final class SmsCapture {

  static final String MESSAGES_PATH = "/_aws/sns/sms-messages";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String region;
  private final PrintStream console;
  private final Map<String, List<Map<String, Object>>> byPhone = new LinkedHashMap<>();

  SmsCapture(String region, PrintStream console) {
    this.region = region;
    this.console = console;
  }

  /** The captured SMS texts sent to one phone, oldest first. */
  synchronized List<String> messagesTo(String phoneNumber) {
    List<String> texts = new ArrayList<>();
    byPhone
        .getOrDefault(phoneNumber, List.of())
        .forEach(sms -> texts.add(String.valueOf(sms.get("Message"))));
    return texts;
  }

  synchronized void clear() {
    byPhone.clear();
  }

  /** {@code GET} lists (optionally for one {@code phoneNumber}), {@code DELETE} clears. */
  void handleMessages(Request request, Response response, Callback callback) throws Exception {
    switch (request.getMethod()) {
      case "GET" -> {
        String phone = Request.extractQueryParameters(request).getValue("phoneNumber");
        HttpResponses.json(response, callback, 200, listing(phone));
      }
      case "DELETE" -> {
        clear();
        HttpResponses.write(response, callback, 204, null, null);
      }
      default -> HttpResponses.json(response, callback, 405, Map.of("error", "use GET or DELETE"));
    }
  }

  /**
   * A {@code Publish} to a {@code PhoneNumber}: kept with the fields LocalStack lists, printed, and
   * its message id returned.
   */
  String publish(SnsQuery query) {
    String phone = query.get("PhoneNumber");
    String message = query.get("Message");
    if (phone == null || phone.isBlank() || message == null) {
      throw SnsError.invalidParameter(
          "the local stack captures Publish to a PhoneNumber, with a Message");
    }
    String messageId = UUID.randomUUID().toString();
    Map<String, Object> sms = new LinkedHashMap<>();
    sms.put("PhoneNumber", phone);
    sms.put("TopicArn", null);
    sms.put("SubscriptionArn", null);
    sms.put("MessageId", messageId);
    sms.put("Message", message);
    sms.put("MessageAttributes", query.messageAttributes());
    sms.put("MessageStructure", query.get("MessageStructure"));
    sms.put("Subject", query.get("Subject"));
    synchronized (this) {
      byPhone.computeIfAbsent(phone, p -> new ArrayList<>()).add(sms);
    }
    // Anyone on this machine may publish here: what they send must not forge console lines.
    console.println("SMS to " + ClientText.forLog(phone) + ": " + ClientText.forLog(message));
    return messageId;
  }

  private synchronized String listing(String phone) {
    ObjectNode body = JSON.createObjectNode();
    body.put("region", region);
    ObjectNode messages = body.putObject("sms_messages");
    byPhone.forEach(
        (number, list) -> {
          if (phone == null || phone.equals(number)) {
            messages.set(number, JSON.valueToTree(list));
          }
        });
    return HttpResponses.toJson(body);
  }
}
