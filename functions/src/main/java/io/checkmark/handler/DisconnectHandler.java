package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import io.checkmark.core.LinkedDevices;
import io.checkmark.core.StorageUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $disconnect}: forgets the connection, and records when its device was last seen. API
 * Gateway runs it on a best-effort basis, so rows it misses are cleaned up by TTL and by the first
 * push that finds the connection gone.
 */
public final class DisconnectHandler
    implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(DisconnectHandler.class);

  private final LinkedDevices devices;

  public DisconnectHandler() {
    this(Composition.lambda(false));
  }

  public DisconnectHandler(Composition root) {
    this.devices = root.linkedDevices();
  }

  @Override
  public APIGatewayV2WebSocketResponse handleRequest(
      APIGatewayV2WebSocketEvent event, Context context) {
    return Invocations.logged(
        event,
        context,
        () -> {
          try {
            devices.disconnected(Caller.of(event).connectionId());
            return Invocations.status(200);
          } catch (StorageUnavailable unavailable) {
            // The row expires by TTL, and a stale row only costs a failed push: no trace needed.
            LOG.warn("disconnect not recorded: {}", unavailable.getMessage());
            return Invocations.status(500);
          } catch (RuntimeException failure) {
            LOG.error("disconnect failed", failure);
            return Invocations.status(500);
          }
        });
  }
}
