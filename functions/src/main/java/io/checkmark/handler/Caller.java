package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import io.checkmark.core.Session;

/**
 * Who sent a frame: the connection API Gateway received it on, the address it came from, and the
 * session the connection is logged in as (null for actions anonymous connections may use).
 */
public record Caller(String connectionId, String sourceIp, Session session) {

  static Caller of(APIGatewayV2WebSocketEvent event) {
    APIGatewayV2WebSocketEvent.RequestContext context = event.getRequestContext();
    if (context == null || context.getConnectionId() == null) {
      throw new IllegalArgumentException("the event has no requestContext.connectionId");
    }
    APIGatewayV2WebSocketEvent.RequestIdentity identity = context.getIdentity();
    return new Caller(
        context.getConnectionId(), identity == null ? null : identity.getSourceIp(), null);
  }

  Caller loggedInAs(Session loggedIn) {
    return new Caller(connectionId, sourceIp, loggedIn);
  }

  /** The phone the connection is logged in as; null when anonymous. */
  public String phone() {
    return session == null ? null : session.phone();
  }
}
