package io.checkmark.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.core.MobilePush;
import io.checkmark.core.PushPlatform;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PlatformApplicationDisabledException;

/**
 * Push through Amazon SNS mobile push: one platform endpoint per token in the platform's
 * application, and a content-free push: an APNs alert with a localized text key only (the app shows
 * "New messages" and fetches in the background), an FCM data message with no data but "sync"; both
 * collapse on the device to one.
 */
public final class SnsMobilePush implements MobilePush {

  /** The text key the apps localize; the push says nothing of who sent what. */
  static final String ALERT_KEY = "CHECKMARK_NEW_MESSAGES";

  static final String COLLAPSE_KEY = "checkmark-sync";

  private static final Logger LOG = LoggerFactory.getLogger(SnsMobilePush.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EXISTING_ENDPOINT =
      Pattern.compile("Endpoint (arn:[^ ]+) already exists with the same [Tt]oken");

  private static final Map<String, MessageAttributeValue> APNS_ATTRIBUTES =
      Map.of(
          "AWS.SNS.MOBILE.APNS.PUSH_TYPE", text("alert"),
          "AWS.SNS.MOBILE.APNS.PRIORITY", text("10"),
          "AWS.SNS.MOBILE.APNS.COLLAPSE_ID", text(COLLAPSE_KEY));

  private final SnsClient sns;
  private final Map<PushPlatform, String> applications;

  /**
   * @param applications the platform application ARN of each platform this deployment pushes
   *     through
   */
  public SnsMobilePush(SnsClient sns, Map<PushPlatform, String> applications) {
    this.sns = sns;
    this.applications = applications.isEmpty() ? Map.of() : new EnumMap<>(applications);
  }

  @Override
  public boolean supports(PushPlatform platform) {
    return applications.containsKey(platform);
  }

  /**
   * SNS answers the same endpoint for the same token; it may be one SNS disabled when the platform
   * last refused it, so it is enabled again: the app that registers the token says it is valid. SNS
   * may instead refuse to create an endpoint for a token whose endpoint has other attributes (one
   * it disabled, say), naming that endpoint in its message: that one is taken.
   */
  @Override
  public Optional<String> endpointFor(PushPlatform platform, String token) {
    String endpoint;
    try {
      endpoint =
          sns.createPlatformEndpoint(
                  r -> r.platformApplicationArn(applications.get(platform)).token(token))
              .endpointArn();
    } catch (PlatformApplicationDisabledException
        | AuthorizationErrorException
        | NotFoundException unavailable) {
      LOG.error("SNS refused a registration in {}: {}", platform, unavailable.toString());
      throw new PlatformUnavailable(platform, unavailable.awsErrorDetails().errorCode());
    } catch (InvalidParameterException refused) {
      Matcher existing =
          EXISTING_ENDPOINT.matcher(String.valueOf(refused.awsErrorDetails().errorMessage()));
      if (!existing.find()) {
        return Optional.empty();
      }
      endpoint = existing.group(1);
    }
    String enabled = endpoint;
    sns.setEndpointAttributes(r -> r.endpointArn(enabled).attributes(Map.of("Enabled", "true")));
    return Optional.of(endpoint);
  }

  @Override
  public Delivery push(String endpoint, PushPlatform platform) {
    boolean apns = platform != PushPlatform.FCM;
    try {
      sns.publish(
          r ->
              r.targetArn(endpoint)
                  .messageStructure("json")
                  .message(message(platform))
                  .messageAttributes(apns ? APNS_ATTRIBUTES : Map.of()));
      return Delivery.SENT;
    } catch (EndpointDisabledException | NotFoundException invalidToken) {
      return Delivery.ENDPOINT_GONE;
    } catch (InvalidParameterException refused) {
      // Deleted endpoints are named in the TargetArn parameter; anything else is not the token's.
      if (String.valueOf(refused.awsErrorDetails().errorMessage()).contains("TargetArn")) {
        return Delivery.ENDPOINT_GONE;
      }
      LOG.error("SNS refused a push to {}: {}", endpoint, refused.toString());
      return Delivery.FAILED;
    } catch (SdkException failure) {
      LOG.warn("push to {} failed after the client's retries: {}", endpoint, failure.toString());
      return Delivery.FAILED;
    }
  }

  /**
   * Best effort: the endpoint is already unreachable from every target, and a leftover endpoint
   * costs nothing and is never published to.
   */
  @Override
  public void deleteEndpoint(String endpoint) {
    try {
      sns.deleteEndpoint(r -> r.endpointArn(endpoint));
    } catch (SdkException failure) {
      LOG.warn("deleting push endpoint {} failed: {}", endpoint, failure.toString());
    }
  }

  /** SNS's per-platform message: a JSON object of JSON strings, "default" for any other. */
  static String message(PushPlatform platform) {
    Map<String, Object> payload =
        switch (platform) {
          case APNS, APNS_SANDBOX ->
              Map.of(
                  "aps",
                  Map.of(
                      "alert",
                      Map.of("loc-key", ALERT_KEY),
                      "sound",
                      "default",
                      "content-available",
                      1));
          case FCM ->
              Map.of(
                  "fcmV1Message",
                  Map.of(
                      "message",
                      Map.of(
                          "data", Map.of("checkmark", "sync"),
                          "android", Map.of("collapse_key", COLLAPSE_KEY, "priority", "high"))));
        };
    String key =
        switch (platform) {
          case APNS -> "APNS";
          case APNS_SANDBOX -> "APNS_SANDBOX";
          case FCM -> "GCM";
        };
    return write(Map.of("default", "sync", key, write(payload)));
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a push payload", e);
    }
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
