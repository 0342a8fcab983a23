package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;

/** API Gateway events and a Lambda context for calling handlers directly. */
final class TestEvents {

  static final Context CONTEXT =
      new Context() {
        @Override
        public String getAwsRequestId() {
          return "test-request";
        }

        @Override
        public String getLogGroupName() {
          return "/aws/lambda/test";
        }

        @Override
        public String getLogStreamName() {
          return "test";
        }

        @Override
        public String getFunctionName() {
          return "test";
        }

        @Override
        public String getFunctionVersion() {
          return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
          return "arn:aws:lambda:us-east-1:000000000000:function:test";
        }

        @Override
        public CognitoIdentity getIdentity() {
          return null;
        }

        @Override
        public ClientContext getClientContext() {
          return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
          return 10_000;
        }

        @Override
        public int getMemoryLimitInMB() {
          return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
          return null;
        }
      };

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
