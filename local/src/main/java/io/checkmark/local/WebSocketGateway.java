package io.checkmark.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.protocol.ClientText;
import io.checkmark.template.SamTemplate;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API Gateway WebSocket API, emulated: {@code $connect} decides the upgrade, each text frame is
 * routed by the template's route selection expression (falling back to {@code $default}) to its
 * function, a route's reply goes back to the client only where the template gives that route a
 * route response, and {@code $disconnect} runs on every close. Invocations run concurrently, as
 * Lambda runs them, so no client may rely on one connection's frames being handled in order.
 */
final class WebSocketGateway implements WebSocketCreator {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketGateway.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REQUEST_BODY_PREFIX = "$request.body.";
  static final int MAX_FRAME_BYTES = 32 * 1024;
  static final int MAX_MESSAGE_BYTES = 128 * 1024;

  private final Map<String, RouteTarget> routes = new LinkedHashMap<>();
  private final List<String> selectionPath;
  private final ApiGatewayEvents events;
  private final ConnectionRegistry connections;
  private final ExecutorService invocations;
  private final ScheduledExecutorService timers;
  private final Faults faults;
  private final Traffic traffic;
  private final InvocationConsole console;
  private volatile boolean stopping;

  WebSocketGateway(
      SamTemplate template,
      Map<String, LocalLambdaFunction> functions,
      ApiGatewayEvents events,
      ConnectionRegistry connections,
      ExecutorService invocations,
      ScheduledExecutorService timers,
      Faults faults,
      Traffic traffic,
      InvocationConsole console) {
    this.traffic = traffic;
    this.console = console;
    String expression = template.routeSelectionExpression();
    if (expression == null || !expression.startsWith(REQUEST_BODY_PREFIX)) {
      throw new IllegalArgumentException(
          "only $request.body.* route selection is emulated, not " + expression);
    }
    this.selectionPath = List.of(expression.substring(REQUEST_BODY_PREFIX.length()).split("\\."));
    for (SamTemplate.Route route : template.routes()) {
      LocalLambdaFunction function = functions.get(route.functionLogicalId());
      if (function == null) {
        throw new IllegalArgumentException(
            "route "
                + route.routeKey()
                + " invokes "
                + route.functionLogicalId()
                + ", which is not a function of the template");
      }
      routes.put(route.routeKey(), new RouteTarget(route.routeKey(), function, route.twoWay()));
    }
    this.events = events;
    this.connections = connections;
    this.invocations = invocations;
    this.timers = timers;
    this.faults = faults;
    faults.onConnectionLimitsChange(this::applyConnectionLimits);
  }

  /**
   * Holds every open connection to the idle timeout and maximum age in force now, as when the fault
   * plan changes them: one already older than the maximum is closed at once.
   */
  private void applyConnectionLimits() {
    for (LocalConnection connection : connections.all()) {
      connection.limitIdleTime(faults.idleTimeout());
      connection.limitAge(faults.maxConnectionAge(), timers);
    }
  }

  /** The route keys served, {@code $connect} and friends included. */
  List<String> routeKeys() {
    return List.copyOf(routes.keySet());
  }

  /** From now on, upgrades are refused with 503, as while the stack stops. */
  void stopAccepting() {
    stopping = true;
  }

  @Override
  public Object createWebSocket(
      ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    if (stopping) {
      Response.writeError(request, response, callback, 503);
      return null;
    }
    String domainName =
        Optional.ofNullable(request.getHeaders().get(HttpHeader.HOST)).orElse("localhost");
    LocalConnection connection =
        new LocalConnection(
            ApiGatewayIds.newId(),
            Instant.now(),
            Request.getRemoteAddr(request),
            request.getHeaders().get(HttpHeader.USER_AGENT),
            traffic,
            console);
    // API Gateway negotiates no WebSocket extension: a client offering permessage-deflate talks
    // uncompressed, and API Gateway's frame and message limits count the bytes as sent.
    response.setExtensions(List.of());
    RouteTarget connect = routes.get("$connect");
    if (connect != null) {
      String event = events.connect(connection, domainName, headers(request), query(request));
      long start = System.nanoTime();
      Invoked invoked = invoke(connect, event);
      int status = invoked.failed() ? 500 : statusCode(invoked.result());
      console.invoked(
          "$connect",
          connection.id(),
          status >= 200 && status <= 299
              ? "connected"
              : "refused with HTTP " + status + (invoked.failed() ? ": " + invoked.failure() : ""),
          start);
      if (status < 200 || status > 299) {
        Response.writeError(request, response, callback, status);
        return null;
      }
      JsonNode protocol = invoked.result().path("headers").path("Sec-WebSocket-Protocol");
      if (protocol.isTextual()) {
        response.setAcceptedSubProtocol(protocol.textValue());
      }
    }
    return new Endpoint(connection, domainName);
  }

  /**
   * Each connection's listener; Jetty delivers its frames one at a time. Public because Jetty binds
   * its methods by reflection.
   */
  public final class Endpoint implements Session.Listener.AutoDemanding {
    private final LocalConnection connection;
    private final String domainName;
    private final StringBuilder text = new StringBuilder();
    private long messageBytes;
    private boolean closing;

    Endpoint(LocalConnection connection, String domainName) {
      this.connection = connection;
      this.domainName = domainName;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      connection.attach(session);
      connection.limitIdleTime(faults.idleTimeout());
      connections.add(connection);
      connection.limitAge(faults.maxConnectionAge(), timers);
    }

    /**
     * Jetty hands over each frame's text as it arrives, so that API Gateway's limits can be applied
     * as API Gateway applies them: a frame over 32 KB or a message over 128 KB closes the
     * connection with 1009.
     */
    @Override
    public void onWebSocketPartialText(String fragment, boolean last) {
      if (accept(Utf8.length(fragment), last)) {
        text.append(fragment);
        if (last) {
          String message = text.toString();
          text.setLength(0);
          connection.touch();
          dispatch(connection, domainName, selectRoute(message), message);
        }
      }
    }

    /** API Gateway accepts no binary frame: it closes the connection with 1003, and so do we. */
    @Override
    public void onWebSocketPartialBinary(
        ByteBuffer fragment, boolean last, org.eclipse.jetty.websocket.api.Callback callback) {
      callback.succeed();
      if (!closing) {
        closing = true;
        connection.close(StatusCode.BAD_DATA, "Binary frames are not supported");
      }
    }

    /**
     * Counts a frame against API Gateway's limits; false once the connection is being closed for
     * them.
     */
    private boolean accept(int frameBytes, boolean last) {
      if (closing) {
        return false;
      }
      messageBytes += frameBytes;
      if (frameBytes > MAX_FRAME_BYTES || messageBytes > MAX_MESSAGE_BYTES) {
        closing = true;
        connection.close(
            StatusCode.MESSAGE_TOO_LARGE,
            frameBytes > MAX_FRAME_BYTES ? "Frame too big" : "Message too big");
        return false;
      }
      if (last) {
        messageBytes = 0;
      }
      return true;
    }

    @Override
    public void onWebSocketClose(
        int statusCode, String reason, org.eclipse.jetty.websocket.api.Callback closed) {
      // The close completes at once: $disconnect runs on its own, as API Gateway's does.
      closed.succeed();
      RouteTarget disconnect = routes.get("$disconnect");
      boolean due = disconnect != null && !connection.isDisconnectSuppressed();
      // Decided before the connection leaves the registry: once it is gone, its fate is known.
      boolean lost = due && faults.dropsDisconnect();
      connections.remove(connection.id());
      connection.stopAgeLimit();
      if (lost) {
        console.invoked(
            "$disconnect",
            connection.id(),
            "lost, not invoked (fault injected)",
            System.nanoTime());
      }
      if (!due || lost) {
        return;
      }
      String event = events.disconnect(connection, domainName, statusCode, reason);
      submit(
          () -> {
            long start = System.nanoTime();
            Invoked invoked = invoke(disconnect, event);
            console.invoked(
                "$disconnect",
                connection.id(),
                invoked.failed() ? "failed: " + invoked.failure() : "done",
                start);
          });
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      LOG.debug("connection {}: {}", connection.id(), ClientText.forLog(cause.toString()));
    }
  }

  /** The route the selection expression picks, else {@code $default}; null when neither exists. */
  private RouteTarget selectRoute(String body) {
    try {
      JsonNode value = JSON.readTree(body);
      for (String field : selectionPath) {
        value = value == null ? null : value.get(field);
      }
      if (value != null && value.isValueNode() && !value.isNull()) {
        RouteTarget route = routes.get(value.asText());
        if (route != null && !route.routeKey().startsWith("$")) {
          return route;
        }
      }
    } catch (Exception notJson) {
      // API Gateway sends what it cannot read a route from to $default.
    }
    return routes.get("$default");
  }

  private void dispatch(
      LocalConnection connection, String domainName, RouteTarget route, String body) {
    traffic.messageIn();
    console.frameIn(connection.id(), body);
    if (route == null) {
      connection.send(gatewayMessage("Forbidden", connection.id()));
      return;
    }
    String event = events.message(connection, domainName, route.routeKey(), body);
    submit(
        () -> {
          long start = System.nanoTime();
          Invoked invoked = invoke(route, event);
          console.invoked(route.routeKey(), connection.id(), outcome(invoked, route), start);
          if (!connection.isOpen()) {
            return;
          }
          if (invoked.failed()) {
            connection.send(gatewayMessage("Internal server error", connection.id()));
          } else if (route.twoWay()) {
            JsonNode reply = invoked.result().path("body");
            if (reply.isTextual()) {
              connection.send(reply.textValue());
            }
          }
        });
  }

  private void submit(Runnable invocation) {
    try {
      invocations.execute(invocation);
    } catch (RejectedExecutionException stopping) {
      LOG.debug("not invoked: the local stack is stopping");
    }
  }

  /**
   * What an invocation gave: its result as JSON, or (result null) why there is none, for the
   * console.
   */
  private record Invoked(JsonNode result, String failure) {
    boolean failed() {
      return result == null;
    }
  }

  /**
   * The function's result as JSON, or a failure when it threw, crashed by the fault plan or
   * returned something API Gateway cannot use.
   */
  private Invoked invoke(RouteTarget route, String event) {
    traffic.invoked(route.routeKey());
    try {
      String output = route.function().invoke(event, Invocation.Trigger.WEBSOCKET_ROUTE);
      JsonNode result =
          output == null || output.isBlank() ? JSON.createObjectNode() : JSON.readTree(output);
      return new Invoked(result, null);
    } catch (InjectedCrash crash) {
      return new Invoked(null, crash.getMessage());
    } catch (Exception failure) {
      LOG.error(
          "function {} failed on route {}", route.function().name(), route.routeKey(), failure);
      return new Invoked(null, "Internal server error (the log says why)");
    }
  }

  /** The reply's type (and error code), as the console line shows it. */
  private static String outcome(Invoked invoked, RouteTarget route) {
    if (invoked.failed()) {
      return "failed: " + invoked.failure();
    }
    JsonNode body = invoked.result().path("body");
    if (!route.twoWay() || !body.isTextual()) {
      return "no reply";
    }
    try {
      JsonNode reply = JSON.readTree(body.textValue());
      String type = reply.path("type").asText("reply");
      // An error's code says what went wrong; a link code is a secret, never shown.
      return type.equals("error") ? type + " " + reply.path("code").asText() : type;
    } catch (Exception notJson) {
      return "reply";
    }
  }

  private static int statusCode(JsonNode result) {
    JsonNode status = result.path("statusCode");
    return status.canConvertToInt() && status.intValue() != 0 ? status.intValue() : 200;
  }

  /** A frame API Gateway itself writes, such as {@code {"message":"Internal server error",...}}. */
  private static String gatewayMessage(String message, String connectionId) {
    ObjectNode frame = JSON.createObjectNode();
    frame.put("message", message);
    frame.put("connectionId", connectionId);
    frame.put("requestId", ApiGatewayIds.newId());
    return frame.toString();
  }

  private static Map<String, List<String>> headers(ServerUpgradeRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers
          .computeIfAbsent(field.getName(), name -> new java.util.ArrayList<>())
          .add(field.getValue());
    }
    headers.putIfAbsent("X-Forwarded-For", List.of(Request.getRemoteAddr(request)));
    headers.putIfAbsent("X-Forwarded-Port", List.of(String.valueOf(Request.getLocalPort(request))));
    headers.putIfAbsent("X-Forwarded-Proto", List.of(request.isSecure() ? "https" : "http"));
    return headers;
  }

  private static Map<String, List<String>> query(ServerUpgradeRequest request) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    Fields fields = Request.extractQueryParameters(request);
    for (Fields.Field field : fields) {
      query.put(field.getName(), field.getValues());
    }
    return query;
  }

  private record RouteTarget(String routeKey, LocalLambdaFunction function, boolean twoWay) {}
}
