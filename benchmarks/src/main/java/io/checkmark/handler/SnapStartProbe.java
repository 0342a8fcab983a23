package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;

/**
 * What a SnapStart sandbox runs, in one new JVM: the send function's init, then the priming hook
 * SnapStart calls before it takes the snapshot ({@code beforeCheckpoint}), then the first event, as
 * a restored sandbox would get it. Prints {@code PRIMED} after the hook and {@code DONE <classes
 * loaded during the event> <ms of the event> <reply>} after the event. In this package because the
 * hook is not public: only the composition root and SnapStart reach it. Runs in a JVM whose class
 * path is the Lambda jar plus this class only.
 *
 * <p>Arguments: connection id of a logged-in sender, recipient phone, client message id.
 */
public final class SnapStartProbe {

  private SnapStartProbe() {}

  public static void main(String[] args) throws Exception {
    SendHandler handler = new SendHandler();
    Composition.primingOfThisContainer().beforeCheckpoint(null);
    Composition.primingOfThisContainer().afterRestore(null);
    ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    long loadedBefore = classes.getTotalLoadedClassCount();
    System.out.println("PRIMED");
    APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
    event.setBody(
        "{\"action\":\"send\",\"to\":\""
            + args[1]
            + "\",\"id\":\""
            + args[2]
            + "\",\"body\":\"first message of a restored sandbox\"}");
    APIGatewayV2WebSocketEvent.RequestContext request =
        new APIGatewayV2WebSocketEvent.RequestContext();
    request.setConnectionId(args[0]);
    request.setRouteKey("send");
    request.setEventType("MESSAGE");
    request.setRequestId("probe-" + args[2]);
    request.setStage("dev");
    event.setRequestContext(request);
    long started = System.nanoTime();
    APIGatewayV2WebSocketResponse response =
        handler.handleRequest(
            event,
            new OutsideLambdaContext(
                "SendFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:SendFunction",
                1024,
                10));
    double millis = (System.nanoTime() - started) / 1e6;
    long loadedDuring = classes.getTotalLoadedClassCount() - loadedBefore;
    System.out.println("DONE " + loadedDuring + " " + millis + " " + response.getBody());
  }
}
