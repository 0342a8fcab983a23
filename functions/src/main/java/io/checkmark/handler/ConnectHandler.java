package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import io.checkmark.core.Refusal;
import io.checkmark.core.RegistrationService;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $connect}: records the new connection, logged in when it presents a good {@code
 * Authorization: Basic} header. A non-2xx reply makes API Gateway refuse the upgrade: 401 for bad
 * credentials, 429 when the source address has opened too many anonymous connections or sent too
 * many wrong keys.
 */
public final class ConnectHandler
    implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

  private final RegistrationService registration;

  public ConnectHandler() {
    this(Composition.lambda(true));
  }

  public ConnectHandler(Composition root) {
    this.registration = root.registrationService();
  }

  @Override
  public APIGatewayV2WebSocketResponse handleRequest(
      APIGatewayV2WebSocketEvent event, Context context) {
    return Invocations.logged(
        event,
        context,
        () -> {
          try {
            Caller caller = Caller.of(event);
            boolean accepted =
                registration
                    .connect(
                        caller.connectionId(),
                        Instant.ofEpochMilli(event.getRequestContext().getConnectedAt()),
                        caller.sourceIp(),
                        authorization(event.getHeaders()))
                    .isPresent();
            return Invocations.status(accepted ? 200 : 401);
          } catch (Refusal refused) {
            LOG.info("connect refused: {}", refused.reason());
            return Invocations.status(refused.reason() == Refusal.Reason.RATE_LIMITED ? 429 : 401);
          } catch (RuntimeException failure) {
            LOG.error("connect failed", failure);
            return Invocations.status(500);
          }
        });
  }

  /** HTTP header names are case-insensitive; API Gateway passes them as the client sent them. */
  private static String authorization(Map<String, String> headers) {
    if (headers == null) {
      return null;
    }
    return headers.entrySet().stream()
        .filter(header -> header.getKey().equalsIgnoreCase("Authorization"))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }
}
