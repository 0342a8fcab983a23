package io.checkmark.local;

import java.util.Objects;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Amazon SNS's query protocol on the stack's port: each request's form read once, sent by its
 * {@code Action} to the SMS capture or the platform endpoints, and answered in SNS's XML, errors
 * included, so that the functions' real {@code SnsClient} works unchanged.
 */
final class SnsQueryApi {

  private final SmsCapture sms;
  private final PlatformEndpoints push;
  private final Faults faults;

  SnsQueryApi(SmsCapture sms, PlatformEndpoints push, Faults faults) {
    this.sms = sms;
    this.push = push;
    this.faults = faults;
  }

  void handle(Request request, Response response, Callback callback) {
    SnsQuery query = SnsQuery.read(request);
    String reply;
    try {
      reply = reply(query);
    } catch (SnsError error) {
      HttpResponses.write(
          response,
          callback,
          error.status(),
          "text/xml",
          SnsReplies.error(error.status(), error.code(), error.getMessage()));
      return;
    }
    HttpResponses.write(response, callback, 200, "text/xml", reply);
  }

  private String reply(SnsQuery query) {
    String action = Objects.requireNonNullElse(query.action(), "a request without an Action");
    return switch (action) {
      case "Publish" -> SnsReplies.published(publish(query));
      case "CreatePlatformEndpoint" -> SnsReplies.endpointCreated(push.create(query));
      case "SetEndpointAttributes" -> {
        push.setAttributes(query);
        yield SnsReplies.endpointAttributesSet();
      }
      case "GetEndpointAttributes" -> SnsReplies.endpointAttributes(push.attributes(query));
      case "DeleteEndpoint" -> {
        push.delete(query);
        yield SnsReplies.endpointDeleted();
      }
      default ->
          throw SnsError.invalidAction(
              "the local stack's SNS serves Publish, CreatePlatformEndpoint,"
                  + " SetEndpointAttributes, GetEndpointAttributes and DeleteEndpoint; "
                  + action
                  + " is not one of them");
    };
  }

  /**
   * To a platform endpoint by its {@code TargetArn}, else by SMS to a {@code PhoneNumber}; or SNS's
   * {@code InternalError} when the fault plan fails that kind of publish.
   */
  private String publish(SnsQuery query) {
    if (query.get("TargetArn") != null) {
      if (faults.failsPush()) {
        throw SnsError.internalError();
      }
      return push.publish(query);
    }
    if (query.get("PhoneNumber") != null) {
      if (faults.failsSms()) {
        throw SnsError.internalError();
      }
      return sms.publish(query);
    }
    throw SnsError.invalidParameter(
        "the local stack's SNS publishes to a PhoneNumber or to a platform endpoint's TargetArn,"
            + " not to topics");
  }
}
