package io.checkmark.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.protocol.ClientText;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Amazon SNS for SMS, captured instead of sent: accepts the SNS query-protocol {@code Publish} to a
 * {@code PhoneNumber} (what {@code SnsClient.publish} sends), prints each SMS on the console, and
 * lists them at {@code /_aws/sns/sms-messages} in LocalStack's JSON shape.
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

  /** An SNS query-protocol request: {@code Action=Publish&PhoneNumber=...&Message=...}. */
  void handlePublish(Request request, Response response, Callback callback) throws Exception {
    Map<String, String> form = form(Content.Source.asString(request, StandardCharsets.UTF_8));
    String action = form.get("Action");
    if (!"Publish".equals(action)) {
      queryError(
          response,
          callback,
          400,
          "InvalidAction",
          "the local stack captures SMS only; " + action + " is not supported");
      return;
    }
    String phone = form.get("PhoneNumber");
    String message = form.get("Message");
    if (phone == null || phone.isBlank() || message == null) {
      queryError(
          response,
          callback,
          400,
          "InvalidParameter",
          "the local stack captures Publish to a PhoneNumber, with a Message");
      return;
    }
    String messageId = UUID.randomUUID().toString();
    Map<String, Object> sms = new LinkedHashMap<>();
    sms.put("PhoneNumber", phone);
    sms.put("TopicArn", null);
    sms.put("SubscriptionArn", null);
    sms.put("MessageId", messageId);
    sms.put("Message", message);
    sms.put("MessageAttributes", attributes(form));
    sms.put("MessageStructure", form.get("MessageStructure"));
    sms.put("Subject", form.get("Subject"));
    synchronized (this) {
      byPhone.computeIfAbsent(phone, p -> new ArrayList<>()).add(sms);
    }
    // Anyone on this machine may publish here: what they send must not forge console lines.
    console.println("SMS to " + ClientText.forLog(phone) + ": " + ClientText.forLog(message));
    HttpResponses.write(response, callback, 200, "text/xml", SnsReplies.published(messageId));
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

  /**
   * {@code MessageAttributes.entry.N.Name/Value.DataType/Value.StringValue}, as SNS's JSON shows
   * them.
   */
  private static Map<String, Object> attributes(Map<String, String> form) {
    Map<String, Object> attributes = new TreeMap<>();
    for (int n = 1; form.containsKey("MessageAttributes.entry." + n + ".Name"); n++) {
      String prefix = "MessageAttributes.entry." + n + ".";
      Map<String, String> value = new LinkedHashMap<>();
      value.put("DataType", form.get(prefix + "Value.DataType"));
      value.put("StringValue", form.get(prefix + "Value.StringValue"));
      attributes.put(form.get(prefix + "Name"), value);
    }
    return attributes;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name =
          URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value =
          equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      form.put(name, value);
    }
    return form;
  }

  private static void queryError(
      Response response, Callback callback, int status, String code, String message) {
    HttpResponses.write(response, callback, status, "text/xml", SnsReplies.error(code, message));
  }
}
