package io.checkmark.bench.probe;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import io.checkmark.handler.OutsideLambdaContext;

/**
 * What the Lambda runtime does in a new sandbox, for one handler: load and construct it (init),
 * then hand it its first event. Prints {@code READY} after init and {@code DONE <reply>} after the
 * event; the benchmark times both lines from the moment it spawned this JVM. Runs in a JVM whose
 * class path is the handler's jar plus this class only.
 *
 * <p>Arguments: handler class, connection id of a logged-in sender, recipient phone, client message
 * id.
 */
public final class ColdStartProbe {

  private ColdStartProbe() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler =
        (RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse>)
            Class.forName(args[0]).getDeclaredConstructor().newInstance();
    System.out.println("READY");
    APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
    event.setBody(
        "{\"action\":\"send\",\"to\":\""
            + args[2]
            + "\",\"id\":\""
            + args[3]
            + "\",\"body\":\"first message of a new sandbox\"}");
    APIGatewayV2WebSocketEvent.RequestContext request =
        new APIGatewayV2WebSocketEvent.RequestContext();
    request.setConnectionId(args[1]);
    request.setRouteKey("send");
    request.setEventType("MESSAGE");
    request.setRequestId("probe-" + args[3]);
    request.setStage("dev");
    event.setRequestContext(request);
    APIGatewayV2WebSocketResponse response =
        handler.handleRequest(
            event,
            new OutsideLambdaContext(
                "SendFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:SendFunction",
                1024,
                10));
    System.out.println("DONE " + response.getBody());
  }
}
