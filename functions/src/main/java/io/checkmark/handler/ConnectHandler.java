package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import io.checkmark.core.Connection;
import io.checkmark.core.ConnectionService;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code $connect}: records the new connection. A non-2xx reply makes API Gateway refuse the upgrade. */
public final class ConnectHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

  private final ConnectionService connections;

  public ConnectHandler() {
    this(Backend.fromEnvironment(System.getenv()));
  }

  public ConnectHandler(Backend backend) {
    this.connections = backend.connectionService();
  }

  @Override
  public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
    return Invocations.logged(event, context, () -> {
      try {
        Caller caller = Caller.of(event);
        connections.open(new Connection(caller.connectionId(),
            Instant.ofEpochMilli(event.getRequestContext().getConnectedAt()), caller.sourceIp()));
        return Invocations.status(200);
      } catch (RuntimeException failure) {
        LOG.error("connect failed", failure);
        return Invocations.status(500);
      }
    });
  }
}
