package io.checkmark.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Builds the events API Gateway sends a WebSocket route's Lambda proxy integration, field for
 * field: the {@code requestContext} of every event, headers and query string on CONNECT, the body
 * on MESSAGE, the close code and reason on DISCONNECT.
 */
final class ApiGatewayEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String apiId;
  private final String stage;

  ApiGatewayEvents(String apiId, String stage) {
    this.apiId = apiId;
    this.stage = stage;
  }

  String connect(
      LocalConnection connection,
      String domainName,
      Map<String, List<String>> headers,
      Map<String, List<String>> query) {
    ObjectNode event = JSON.createObjectNode();
    putMultiValue(event, "headers", "multiValueHeaders", headers);
    if (!query.isEmpty()) {
      putMultiValue(event, "queryStringParameters", "multiValueQueryStringParameters", query);
    }
    requestContext(event, "$connect", "CONNECT", connection, domainName);
    event.put("isBase64Encoded", false);
    return write(event);
  }

  /** A text frame's event: API Gateway takes no binary frames, so a body is never base64. */
  String message(LocalConnection connection, String domainName, String routeKey, String body) {
    ObjectNode event = JSON.createObjectNode();
    ObjectNode context = requestContext(event, routeKey, "MESSAGE", connection, domainName);
    context.put("messageId", ApiGatewayIds.newId());
    event.put("body", body);
    event.put("isBase64Encoded", false);
    return write(event);
  }

  String disconnect(LocalConnection connection, String domainName, int statusCode, String reason) {
    ObjectNode event = JSON.createObjectNode();
    ObjectNode headers = event.putObject("headers");
    headers.put("Host", domainName);
    headers.put("x-api-key", "");
    headers.put("X-Forwarded-For", "");
    headers.put("x-restapi", "");
    ObjectNode multiValueHeaders = event.putObject("multiValueHeaders");
    headers
        .properties()
        .forEach(header -> multiValueHeaders.putArray(header.getKey()).add(header.getValue()));
    ObjectNode context = requestContext(event, "$disconnect", "DISCONNECT", connection, domainName);
    context.put("disconnectStatusCode", statusCode);
    context.put("disconnectReason", reason == null ? "" : reason);
    event.put("isBase64Encoded", false);
    return write(event);
  }

  private ObjectNode requestContext(
      ObjectNode event,
      String routeKey,
      String eventType,
      LocalConnection connection,
      String domainName) {
    Instant now = Instant.now();
    String requestId = ApiGatewayIds.newId();
    ObjectNode context = event.putObject("requestContext");
    context.put("routeKey", routeKey);
    context.put("eventType", eventType);
    context.put("extendedRequestId", requestId);
    context.put("requestTime", ApiGatewayIds.requestTime(now));
    context.put("messageDirection", "IN");
    context.put("stage", stage);
    context.put("connectedAt", connection.connectedAt().toEpochMilli());
    context.put("requestTimeEpoch", now.toEpochMilli());
    ObjectNode identity = context.putObject("identity");
    if (connection.userAgent() != null) {
      identity.put("userAgent", connection.userAgent());
    }
    identity.put("sourceIp", connection.sourceIp());
    context.put("requestId", requestId);
    context.put("domainName", domainName);
    context.put("connectionId", connection.id());
    context.put("apiId", apiId);
    return context;
  }

  private static void putMultiValue(
      ObjectNode event, String single, String multi, Map<String, List<String>> values) {
    ObjectNode singleValues = event.putObject(single);
    ObjectNode multiValues = event.putObject(multi);
    values.forEach(
        (name, list) -> {
          singleValues.put(name, list.get(list.size() - 1));
          list.forEach(multiValues.withArrayProperty(name)::add);
        });
  }

  private static String write(ObjectNode event) {
    try {
      return JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
