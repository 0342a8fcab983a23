package io.checkmark.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * The API Gateway management API ({@code POST}, {@code GET}, {@code DELETE} on {@code
 * [/{stage}]/@connections/{id}}), answering as API Gateway does so that the handlers' real {@code
 * ApiGatewayManagementApiClient} works through an endpoint override: 410 {@code GoneException} for
 * a connection that is not open, 413 for a payload over 128 KB; and, when the fault plan says so,
 * 410, 429 {@code LimitExceededException} or 500 instead of the call's answer (the call is then not
 * carried out).
 */
final class ManagementApi {

  static final int MAX_PAYLOAD_BYTES = 128 * 1024;
  private static final Pattern CONNECTIONS_PATH =
      Pattern.compile("^(?:/[^/@]+)?/@connections/([^/]+)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConnectionRegistry connections;
  private final Faults faults;

  ManagementApi(ConnectionRegistry connections, Faults faults) {
    this.connections = connections;
    this.faults = faults;
  }

  static boolean matches(String path) {
    return CONNECTIONS_PATH.matcher(path).matches();
  }

  void handle(Request request, Response response, Callback callback) throws Exception {
    Matcher matcher = CONNECTIONS_PATH.matcher(Request.getPathInContext(request));
    if (!matcher.matches()) {
      HttpResponses.awsJsonError(response, callback, 404, "NotFoundException", "no such resource");
      return;
    }
    String connectionId = URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
    int injected = faults.managementApiStatus();
    Optional<LocalConnection> found =
        injected == 0 ? connections.find(connectionId) : Optional.empty();
    if (injected == 429) {
      HttpResponses.awsJsonError(
          response, callback, 429, "LimitExceededException", "Too Many Requests");
      return;
    }
    if (injected == 500) {
      HttpResponses.awsJsonError(
          response, callback, 500, "InternalServerErrorException", "Internal server error");
      return;
    }
    if (found.isEmpty()) {
      // An injected 410 reads exactly as a real one: the caller cannot tell the connection is open.
      HttpResponses.awsJsonError(
          response, callback, 410, "GoneException", "connection " + connectionId + " is gone");
      return;
    }
    LocalConnection connection = found.get();
    switch (request.getMethod()) {
      case "POST" -> {
        String payload = Content.Source.asString(request, StandardCharsets.UTF_8);
        if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
          HttpResponses.awsJsonError(
              response,
              callback,
              413,
              "PayloadTooLargeException",
              "a message may hold at most " + MAX_PAYLOAD_BYTES + " bytes");
          return;
        }
        connection.send(payload);
        HttpResponses.write(response, callback, 200, null, null);
      }
      case "GET" -> {
        ObjectNode description = JSON.createObjectNode();
        description.put("connectedAt", connection.connectedAt().toString());
        ObjectNode identity = description.putObject("identity");
        identity.put("sourceIp", connection.sourceIp());
        if (connection.userAgent() != null) {
          identity.put("userAgent", connection.userAgent());
        }
        description.put("lastActiveAt", connection.lastActiveAt().toString());
        HttpResponses.json(response, callback, 200, description.toString());
      }
      case "DELETE" -> {
        connection.close(StatusCode.NORMAL, "");
        HttpResponses.write(response, callback, 204, null, null);
      }
      default ->
          HttpResponses.awsJsonError(
              response,
              callback,
              405,
              "MethodNotAllowedException",
              request.getMethod() + " is not a management API method");
    }
  }
}
