package io.checkmark.handler;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.ProtocolException;
import io.checkmark.protocol.ServerFrame;

/**
 * {@code $default}: API Gateway sends here every frame whose {@code action} matches no route, and
 * every frame it cannot read an action from (not JSON, binary). It always answers an error.
 */
public final class DefaultRouteHandler extends ActionHandler<DefaultRouteHandler.Unrouted> {

  public DefaultRouteHandler() {
    super(Unrouted.class);
  }

  @Override
  protected ServerFrame handle(Caller caller, Unrouted request) {
    JsonNode action = request.action();
    if (action == null || action.isNull()) {
      throw ProtocolException.badRequest("every frame needs an action");
    }
    if (!action.isTextual()) {
      throw ProtocolException.badRequest("action must be a string");
    }
    throw new ProtocolException(
        ErrorCode.UNKNOWN_ACTION, "there is no action named '" + action.textValue() + "'");
  }

  /** Whatever {@code action} the frame had, of any JSON type. */
  public record Unrouted(JsonNode action) {}
}
