package io.checkmark.cli;

import io.checkmark.client.CheckmarkException;
import io.checkmark.client.ConnectionFailed;
import io.checkmark.protocol.WireJson;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** What a failure means to someone at the terminal, and what to do about it, in one line. */
final class Failures {

  private static final String START_STACK =
      "start the local stack (java -jar local/target/checkmark-local.jar) or pass --url";
  private static final Duration ASK_WAIT = Duration.ofSeconds(2);

  private Failures() {}

  /** The line for a failure, looked for under the wrappers futures put around it. */
  static String explain(Throwable wrapped, URI url, String phone) {
    Throwable failure = unwrapped(wrapped);
    if (failure instanceof ConnectionFailed failed) {
      return connectionFailed(failed, url);
    }
    if (failure instanceof CheckmarkException refused) {
      return refused(refused, phone);
    }
    if (failure instanceof TimeoutException) {
      return "No answer from " + url + " in time; check the server and try again.";
    }
    return "Failed: " + failure.getMessage() + " (--debug shows the details)";
  }

  private static String connectionFailed(ConnectionFailed failed, URI url) {
    String address = url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    int status = failed.refusedWithStatus();
    if (status == 404 || status == 403) {
      String said = whatTheServerSays(url);
      return "Nothing at "
          + url.getPath()
          + " on "
          + address
          + " (HTTP "
          + status
          + (said == null ? "" : ": " + said)
          + "); check the stage in --url.";
    }
    if (status == 429) {
      return address
          + " refused the connection (HTTP 429): too many connections from this address; try"
          + " again in a minute.";
    }
    if (status >= 500) {
      return address + " could not take the connection (HTTP " + status + "); try again shortly.";
    }
    if (status != 0) {
      return address + " refused the WebSocket connection with HTTP " + status + ".";
    }
    // The JDK's client reports a timeout as a ConnectException too: the narrower test first.
    if (hasCause(failed, HttpConnectTimeoutException.class)) {
      return "No answer from " + address + " in time: check the host and port in --url.";
    }
    if (hasCause(failed, UnresolvedAddressException.class)
        || hasCause(failed, UnknownHostException.class)) {
      return "Unknown host " + url.getHost() + ": check --url.";
    }
    if (hasCause(failed, ConnectException.class)) {
      return "Cannot connect to " + address + " (connection refused): " + START_STACK + ".";
    }
    return "Cannot connect to "
        + address
        + " ("
        + describe(failed.getCause())
        + "): "
        + START_STACK
        + ".";
  }

  private static String refused(CheckmarkException refused, String phone) {
    return switch (refused.code()) {
      case "RATE_LIMITED" ->
          "Too many attempts for now; try again in " + refused.retryAfterSeconds() + " seconds.";
      case "UNAUTHORIZED", "DEVICE_REPLACED" ->
          "The server no longer accepts this computer's key for "
              + phone
              + " (registered again elsewhere, or this device unlinked?); register again:"
              + " checkmark register "
              + phone
              + ", or link this computer again: checkmark link";
      case "DEVICE_UNLINKED" ->
          "This computer was unlinked from " + phone + "; to use it here again: checkmark link";
      case "LINK_EXPIRED" ->
          "This code has expired or was already used; run checkmark link again on the new device"
              + " and approve the code it shows.";
      case "NOT_PRIMARY" ->
          "Only the primary device of "
              + phone
              + " (the one registered by SMS PIN) can approve a link; run checkmark approve there.";
      case "TOO_MANY_DEVICES" ->
          phone
              + " has four linked devices already, the most allowed; unlink one first (checkmark"
              + " devices --as "
              + phone
              + " lists them, checkmark unlink --as "
              + phone
              + " DEVICE_ID unlinks one).";
      case "UNKNOWN_DEVICE" ->
          phone + " has no such device; checkmark devices --as " + phone + " lists them.";
      case "UNKNOWN_GROUP" ->
          "There is no such group; check the GROUP_ID that checkmark group create printed.";
      case "NOT_A_MEMBER" ->
          phone + " is not a member of this group; a member can add it: checkmark group add.";
      case "NOT_AN_ADMIN" ->
          "Only the group's admins can change it; ask one of them (checkmark group show lists them).";
      case "GROUP_FULL" ->
          "A group has at most 1,024 members, its creator included; remove some first.";
      case "UNKNOWN_RECIPIENT" ->
          refused.getMessage()
              + "; check the number, or ask its owner to register it: checkmark register PHONE";
      case "UNKNOWN_ACTION" ->
          "The server cannot do this yet ("
              + refused.getMessage()
              + "): it runs an older version of Checkmark; update it, or pass --url of one that"
              + " can.";
      case "INVALID_PIN" -> "That PIN is wrong; run checkmark register " + phone + " again.";
      case "PIN_EXPIRED", "TOO_MANY_ATTEMPTS" ->
          refused.getMessage() + "; ask for a new PIN: checkmark register " + phone;
      default -> "Refused: " + refused.getMessage();
    };
  }

  /**
   * The message with which the server answers a plain HTTP request for the URL (the local stack
   * names its stage there; API Gateway says "Forbidden"), or null.
   */
  private static String whatTheServerSays(URI url) {
    URI http = URI.create(url.toString().replaceFirst("^ws", "http"));
    try {
      HttpResponse<String> answer =
          HttpClient.newBuilder()
              .connectTimeout(ASK_WAIT)
              .build()
              .send(
                  HttpRequest.newBuilder(http).timeout(ASK_WAIT).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
      String message = WireJson.readTree(answer.body()).path("message").asText("");
      return message.isBlank() ? null : message;
    } catch (IOException | RuntimeException notReadable) {
      return null;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** What a failed asynchronous step says, without the wrappers futures put around it. */
  static String reason(Throwable failure) {
    return describe(unwrapped(failure));
  }

  private static Throwable unwrapped(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable cause) {
    if (cause == null) {
      return "no reason given";
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }
}
