package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import io.checkmark.core.Refusal;
import io.checkmark.core.Session;
import io.checkmark.core.SessionChanged;
import io.checkmark.core.Sessions;
import io.checkmark.core.StorageUnavailable;
import io.checkmark.protocol.ClientRequest;
import io.checkmark.protocol.ClientText;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.ErrorFrame;
import io.checkmark.protocol.ProtocolException;
import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shape of every handler of a client action: parse the frame into the action's request record,
 * call one service method, and send its reply back through the route response. Every failure of a
 * request becomes its error frame here: the wire's own refusals, the domain's (through {@link
 * Frames#code}) and faults; nothing a client sends can make a handler throw.
 *
 * @param <R> the action's request fields
 */
public abstract class ActionHandler<R>
    implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(ActionHandler.class);

  /** Who may use a route's action; each handler declares it. */
  protected enum Access {
    /** Any connection, anonymous or logged in. */
    ANYONE,
    /**
     * Only a connection logged in; others get {@code UNAUTHORIZED}, and the action acts as its
     * session.
     */
    LOGGED_IN
  }

  private final Class<R> requestType;
  private final Access access;
  private final Sessions sessions;

  /** For an action anyone may use. */
  protected ActionHandler(Class<R> requestType) {
    this.requestType = requestType;
    this.access = Access.ANYONE;
    this.sessions = null;
  }

  /** For an action with the given access, checked against {@code sessions}. */
  protected ActionHandler(Class<R> requestType, Access access, Sessions sessions) {
    if (access == Access.LOGGED_IN && sessions == null) {
      throw new IllegalArgumentException(
          "an action for logged-in connections needs the sessions to check them");
    }
    this.requestType = requestType;
    this.access = access;
    this.sessions = sessions;
  }

  /**
   * Does what the action asks and returns the reply frame (null for an action that answers nothing
   * when it succeeds, such as {@code typing}), or throws {@link Refusal} or {@link
   * ProtocolException}.
   */
  protected abstract ServerFrame handle(Caller caller, R request);

  /** Who the connection acts as: the warm function's checked session, for most actions. */
  protected Session sessionOf(Sessions loggedIn, String connectionId) {
    return loggedIn.session(connectionId);
  }

  @Override
  public final APIGatewayV2WebSocketResponse handleRequest(
      APIGatewayV2WebSocketEvent event, Context context) {
    return Invocations.logged(event, context, () -> Invocations.reply(replyTo(event)));
  }

  private String replyTo(APIGatewayV2WebSocketEvent event) {
    ClientRequest request = null;
    try {
      if (event.isIsBase64Encoded()) {
        throw ProtocolException.badRequest(
            "binary frames are not part of the protocol: send JSON in text frames");
      }
      request = WireJson.parseRequest(event.getBody());
      Caller caller = Caller.of(event);
      if (access == Access.LOGGED_IN) {
        caller = caller.loggedInAs(sessionOf(sessions, caller.connectionId()));
      }
      R fields = WireJson.fields(request, requestType);
      ServerFrame reply;
      try {
        reply = handle(caller, fields);
      } catch (SessionChanged changed) {
        // Logged in as someone else since this function checked: once more, as who it is now.
        caller = caller.loggedInAs(sessions.freshSession(caller.connectionId()));
        reply = handle(caller, fields);
      }
      if (access == Access.LOGGED_IN) {
        sessions.acted(caller.session());
      }
      return reply == null ? null : WireJson.write(reply, request.ref());
    } catch (Refusal refusal) {
      return errorReply(Frames.refused(refusal), request);
    } catch (ProtocolException refused) {
      return errorReply(refused, request);
    } catch (StorageUnavailable unavailable) {
      // Nothing was decided: the client may send the same request again.
      LOG.warn("storage unavailable: {}", unavailable.getMessage());
      return internalError(request);
    } catch (RuntimeException failure) {
      LOG.error("request failed", failure);
      return internalError(request);
    }
  }

  private static String internalError(ClientRequest request) {
    ProtocolException internal =
        new ProtocolException(
            ErrorCode.INTERNAL, "the server could not handle this request; it may be retried");
    return WireJson.write(ErrorFrame.of(internal, request), request == null ? null : request.ref());
  }

  private static String errorReply(ProtocolException refused, ClientRequest request) {
    ErrorFrame error = ErrorFrame.of(refused, request);
    LOG.info("refused {}: {}", error.code(), ClientText.forLog(error.message()));
    return WireJson.write(error, request == null ? null : request.ref());
  }
}
