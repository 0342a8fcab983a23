package io.checkmark.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writing the local stack's small HTTP replies; JSON bodies are written by Jackson. */
final class HttpResponses {

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpResponses() {}

  static void write(
      Response response, Callback callback, int status, String contentType, String body) {
    response.setStatus(status);
    if (body == null || body.isEmpty()) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
      callback.succeeded();
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    Content.Sink.write(response, true, body, callback);
  }

  static void json(Response response, Callback callback, int status, String body) {
    write(response, callback, status, "application/json", body);
  }

  static void json(Response response, Callback callback, int status, Object body) {
    json(response, callback, status, toJson(body));
  }

  /** {@code {"message": ...}}, the shape of AWS's JSON errors. */
  static void message(Response response, Callback callback, int status, String message) {
    json(response, callback, status, Map.of("message", message));
  }

  static String toJson(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a reply", e);
    }
  }

  /**
   * An error in the AWS REST-JSON protocol: the SDK reads its type from {@code x-amzn-ErrorType}.
   */
  static void awsJsonError(
      Response response, Callback callback, int status, String errorType, String message) {
    response.getHeaders().put("x-amzn-ErrorType", errorType);
    message(response, callback, status, message);
  }
}
