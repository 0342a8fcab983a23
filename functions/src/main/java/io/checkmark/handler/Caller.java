package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;

/** Who sent a frame: the connection API Gateway received it on, and the address it came from. */
public record Caller(String connectionId, String sourceIp) {

  static Caller of(APIGatewayV2WebSocketEvent event) {
    APIGatewayV2WebSocketEvent.RequestContext context = event.getRequestContext();
    if (context == null || context.getConnectionId() == null) {
      throw new IllegalArgumentException("the event has no requestContext.connectionId");
    }
    APIGatewayV2WebSocketEvent.RequestIdentity identity = context.getIdentity();
    return new Caller(context.getConnectionId(), identity == null ? null : identity.getSourceIp());
  }
}
