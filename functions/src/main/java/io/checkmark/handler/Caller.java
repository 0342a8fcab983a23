package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;

/**
 * Who sent a frame: the connection API Gateway received it on, the address it came from, and the
 * phone the connection is logged in as (null for actions anonymous connections may use).
 */
public record Caller(String connectionId, String sourceIp, String phone) {

  static Caller of(APIGatewayV2WebSocketEvent event) {
    APIGatewayV2WebSocketEvent.RequestContext context = event.getRequestContext();
    if (context == null || context.getConnectionId() == null) {
      throw new IllegalArgumentException("the event has no requestContext.connectionId");
    }
    APIGatewayV2WebSocketEvent.RequestIdentity identity = context.getIdentity();
    return new Caller(context.getConnectionId(), identity == null ? null : identity.getSourceIp(), null);
  }

  Caller loggedInAs(String loggedInPhone) {
    return new Caller(connectionId, sourceIp, loggedInPhone);
  }
}
