package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Runs one invocation with its log lines tagged with the connection, the API Gateway request, the
 * route and the Lambda request id.
 */
final class Invocations {

  private static final String[] KEYS = {
    "connectionId", "requestId", "routeKey", "functionRequestId"
  };

  private Invocations() {}

  static APIGatewayV2WebSocketResponse logged(
      APIGatewayV2WebSocketEvent event,
      Context context,
      Supplier<APIGatewayV2WebSocketResponse> work) {
    APIGatewayV2WebSocketEvent.RequestContext request = event.getRequestContext();
    if (request != null) {
      putIfPresent("connectionId", request.getConnectionId());
      putIfPresent("requestId", request.getRequestId());
      putIfPresent("routeKey", request.getRouteKey());
    }
    if (context != null) {
      putIfPresent("functionRequestId", context.getAwsRequestId());
    }
    try {
      return work.get();
    } finally {
      for (String key : KEYS) {
        MDC.remove(key);
      }
    }
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
