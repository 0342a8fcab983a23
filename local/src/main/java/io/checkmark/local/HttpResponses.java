package io.checkmark.local;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writing the local stack's small HTTP replies. */
final class HttpResponses {

  private HttpResponses() {
  }

  static void write(Response response, Callback callback, int status, String contentType, String body) {
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

  /** An error in the AWS REST-JSON protocol: the SDK reads its type from {@code x-amzn-ErrorType}. */
  static void awsJsonError(Response response, Callback callback, int status, String errorType, String message) {
    response.getHeaders().put("x-amzn-ErrorType", errorType);
    String body = "{\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}";
    write(response, callback, status, "application/json", body);
  }
}
