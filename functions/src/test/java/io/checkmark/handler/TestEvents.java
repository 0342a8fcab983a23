package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;

/** API Gateway events and a Lambda context for calling handlers directly. */
final class TestEvents {

  static final Context CONTEXT =
      new OutsideLambdaContext(
          "test", "arn:aws:lambda:us-east-1:000000000000:function:test", 1024, 10);

  private TestEvents() {}

  static APIGatewayV2WebSocketEvent message(String connectionId, String body) {
    APIGatewayV2WebSocketEvent event = event("MESSAGE", "$default", connectionId);
    event.setBody(body);
    return event;
  }

  static APIGatewayV2WebSocketEvent event(String eventType, String routeKey, String connectionId) {
    APIGatewayV2WebSocketEvent.RequestIdentity identity =
        new APIGatewayV2WebSocketEvent.RequestIdentity();
    identity.setSourceIp("198.51.100.7");
    APIGatewayV2WebSocketEvent.RequestContext context =
        new APIGatewayV2WebSocketEvent.RequestContext();
    context.setEventType(eventType);
    context.setRouteKey(routeKey);
    context.setConnectionId(connectionId);
    context.setConnectedAt(1_764_064_800_000L);
    context.setRequestId("req-" + connectionId);
    context.setStage("dev");
    context.setDomainName("localhost");
    context.setIdentity(identity);
    APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
    event.setRequestContext(context);
    return event;
  }
}
