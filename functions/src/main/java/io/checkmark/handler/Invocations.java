package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import java.util.function.Supplier;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Runs one invocation inside Powertools' structured logging, tagged with the connection and request
 * ids.
 */
final class Invocations {

  private Invocations() {}

  static APIGatewayV2WebSocketResponse logged(
      APIGatewayV2WebSocketEvent event,
      Context context,
      Supplier<APIGatewayV2WebSocketResponse> work) {
    return PowertoolsLogging.withLogging(
        context,
        () -> {
          APIGatewayV2WebSocketEvent.RequestContext request = event.getRequestContext();
          if (request != null) {
            putIfPresent("connectionId", request.getConnectionId());
            putIfPresent("requestId", request.getRequestId());
            putIfPresent("routeKey", request.getRouteKey());
          }
          try {
            return work.get();
          } finally {
            MDC.remove("connectionId");
            MDC.remove("requestId");
            MDC.remove("routeKey");
          }
        });
  }

  static APIGatewayV2WebSocketResponse status(int statusCode) {
    APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
    response.setStatusCode(statusCode);
    return response;
  }

  static APIGatewayV2WebSocketResponse reply(String body) {
    APIGatewayV2WebSocketResponse response = status(200);
    response.setBody(body);
    return response;
  }

  private static void putIfPresent(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    }
  }
}
