package io.checkmark.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * SNS mobile push's platform endpoints, emulated as SNS behaves: one platform application per
 * {@link PushPlatform}; {@code CreatePlatformEndpoint} idempotent per application and token; a
 * {@code Publish} to an endpoint captured by {@link PushCapture}, or refused as SNS refuses it when
 * the endpoint is unknown or disabled. A device token can be marked invalid, as APNs' or FCM's
 * feedback makes SNS disable every endpoint holding it. Endpoints live in memory only, as the
 * stack's connections do: a device registers again at its next start.
 */
final class PlatformEndpoints {

  static final String INVALID_TOKENS_PATH = "/_checkmark/push/invalid-tokens";

  private static final String CUSTOM_USER_DATA = "CustomUserData";
  private static final String ENABLED = "Enabled";
  private static final String TOKEN = "Token";
  private static final int MAX_CUSTOM_USER_DATA_BYTES = 2048;
  private static final int MAX_PUBLISH_BYTES = 256 * 1024;

  /** A message SNS would refuse to parse: duplicate keys, or anything after the object. */
  private static final ObjectMapper STRICT_JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String region;
  private final PushCapture capture;

  /** By ARN, oldest first. */
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

  PlatformEndpoints(String region, PushCapture capture) {
    this.region = region;
    this.capture = capture;
  }

  /**
   * {@code CreatePlatformEndpoint}: the ARN of the application's endpoint for this token when it
   * has the same attributes (disabled or not: the caller re-enables it), SNS's {@code
   * InvalidParameter} when its attributes differ, else a new enabled endpoint's ARN.
   */
  synchronized String create(SnsQuery query) {
    PushPlatform platform =
        PushPlatform.ofApplication(required(query, "PlatformApplicationArn"), region)
            .orElseThrow(() -> SnsError.notFound("PlatformApplication does not exist"));
    String token = required(query, "Token");
    if (token.isEmpty()) {
      throw SnsError.invalidParameter("Invalid parameter: Token Reason: must not be empty");
    }
    Map<String, String> given = new LinkedHashMap<>();
    if (query.get(CUSTOM_USER_DATA) != null) {
      given.put(CUSTOM_USER_DATA, query.get(CUSTOM_USER_DATA));
    }
    // An attribute wins over the parameter of the same name, as in SNS.
    given.putAll(query.attributes());
    Endpoint requested =
        new Endpoint(
                platform.newEndpointArn(region),
                platform,
                platform.canonicalToken(token),
                null,
                true)
            .with(given);
    Optional<Endpoint> existing =
        endpoints.values().stream()
            .filter(endpoint -> endpoint.platform() == platform)
            .filter(endpoint -> endpoint.token().equals(requested.token()))
            .findFirst();
    if (existing.isEmpty()) {
      endpoints.put(requested.arn(), requested);
      return requested.arn();
    }
    Endpoint found = existing.get();
    boolean sameAttributes =
        Objects.equals(found.customUserData(), requested.customUserData())
            && (!given.containsKey(ENABLED) || found.enabled() == requested.enabled());
    if (!sameAttributes) {
      throw SnsError.invalidParameter(
          "Invalid parameter: Token Reason: Endpoint "
              + found.arn()
              + " already exists with the same Token, but different attributes.");
    }
    return found.arn();
  }

  /** {@code SetEndpointAttributes}: {@code Enabled}, {@code Token}, {@code CustomUserData}. */
  synchronized void setAttributes(SnsQuery query) {
    Endpoint endpoint = existing(required(query, "EndpointArn"));
    Map<String, String> attributes = query.attributes();
    if (attributes.isEmpty()) {
      throw SnsError.missing("attributes");
    }
    endpoints.put(endpoint.arn(), endpoint.with(attributes));
  }

  /** {@code GetEndpointAttributes}. */
  synchronized Map<String, String> attributes(SnsQuery query) {
    return existing(required(query, "EndpointArn")).attributes();
  }

  /** {@code DeleteEndpoint}, which succeeds for an endpoint already gone, as in SNS. */
  synchronized void delete(SnsQuery query) {
    endpoints.remove(required(query, "EndpointArn"));
  }

  /** {@code Publish} with a {@code TargetArn}: captured, and its message id returned. */
  String publish(SnsQuery query) {
    String message = required(query, "Message");
    if (message.isEmpty()) {
      throw SnsError.invalidParameter("Invalid parameter: Empty message");
    }
    Map<String, Map<String, String>> attributes = query.messageAttributes();
    if (publishedBytes(message, attributes) > MAX_PUBLISH_BYTES) {
      throw SnsError.invalidParameter("Invalid parameter: Message too long");
    }
    JsonNode structured = "json".equals(query.get("MessageStructure")) ? structured(message) : null;
    Endpoint endpoint;
    synchronized (this) {
      endpoint = endpoints.get(query.get("TargetArn"));
    }
    if (endpoint == null) {
      throw SnsError.invalidParameter(
          "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified");
    }
    if (!endpoint.enabled()) {
      throw SnsError.endpointDisabled();
    }
    // Published to one endpoint, the message needs a text for that endpoint's platform or a
    // default.
    if (structured != null
        && !structured.path("default").isTextual()
        && !structured.path(endpoint.platform().name()).isTextual()) {
      throw SnsError.invalidParameter(
          "Invalid parameter: Message Structure - No default entry in JSON message body");
    }
    return capture.capture(endpoint.arn(), endpoint.customUserData(), query);
  }

  /** The ARNs of the endpoints holding this device token, oldest first. */
  synchronized List<String> endpointsOfToken(String token) {
    return endpoints.values().stream()
        .filter(endpoint -> endpoint.holds(token))
        .map(Endpoint::arn)
        .toList();
  }

  /**
   * Disables every endpoint holding this device token, as SNS does when APNs or FCM reports the
   * token invalid; returns their ARNs.
   */
  synchronized List<String> invalidateToken(String token) {
    List<String> disabled = new ArrayList<>();
    endpoints.replaceAll(
        (arn, endpoint) -> {
          if (!endpoint.holds(token)) {
            return endpoint;
          }
          disabled.add(arn);
          return endpoint.with(Map.of(ENABLED, "false"));
        });
    return disabled;
  }

  /** {@code POST {"token": "..."}}: disables the endpoints holding it and lists their ARNs. */
  void handleInvalidTokens(Request request, Response response, Callback callback)
      throws IOException {
    if (!"POST".equals(request.getMethod())) {
      HttpResponses.json(
          response,
          callback,
          405,
          Map.of("error", "use POST with {\"token\": \"<device token>\"}"));
      return;
    }
    String token;
    try {
      token =
          JSON.readTree(Content.Source.asString(request, StandardCharsets.UTF_8))
              .path("token")
              .textValue();
    } catch (JsonProcessingException notJson) {
      token = null;
    }
    if (token == null || token.isEmpty()) {
      HttpResponses.json(
          response,
          callback,
          400,
          Map.of("error", "the body must be {\"token\": \"<device token>\"}"));
      return;
    }
    List<String> disabled = invalidateToken(token);
    if (disabled.isEmpty()) {
      HttpResponses.json(
          response, callback, 404, Map.of("error", "no push endpoint holds this token"));
      return;
    }
    HttpResponses.json(response, callback, 200, Map.of("disabled", disabled));
  }

  private Endpoint existing(String endpointArn) {
    Endpoint endpoint = endpoints.get(endpointArn);
    if (endpoint == null) {
      throw SnsError.notFound("Endpoint does not exist");
    }
    return endpoint;
  }

  /** The parameter's value; SNS's validation error, naming it as SNS does, when it is missing. */
  private static String required(SnsQuery query, String parameter) {
    String value = query.get(parameter);
    if (value == null) {
      throw SnsError.missing(Character.toLowerCase(parameter.charAt(0)) + parameter.substring(1));
    }
    return value;
  }

  private static JsonNode structured(String message) {
    try {
      return STRICT_JSON.readTree(message);
    } catch (JsonProcessingException unreadable) {
      throw SnsError.invalidParameter(
          "Invalid parameter: Message Structure - JSON message body failed to parse");
    }
  }

  /** What SNS's 256 KB limit counts: the message and every attribute's name, type and value. */
  private static int publishedBytes(String message, Map<String, Map<String, String>> attributes) {
    int bytes = Utf8.length(message);
    for (Map.Entry<String, Map<String, String>> attribute : attributes.entrySet()) {
      bytes += Utf8.length(attribute.getKey());
      for (String part : attribute.getValue().values()) {
        bytes += part == null ? 0 : Utf8.length(part);
      }
    }
    return bytes;
  }

  private static SnsError invalidAttribute(String name, String reason) {
    return SnsError.invalidParameter(
        "Invalid parameter: Attributes Reason: Invalid value for attribute: "
            + name
            + ": "
            + reason);
  }

  /** An endpoint as SNS keeps it; {@code customUserData} is null when none was given. */
  private record Endpoint(
      String arn, PushPlatform platform, String token, String customUserData, boolean enabled) {

    boolean holds(String deviceToken) {
      return token.equals(platform.canonicalToken(deviceToken));
    }

    /** This endpoint with the given attributes, each checked as SNS checks it. */
    Endpoint with(Map<String, String> attributes) {
      String newToken = token;
      String newCustomUserData = customUserData;
      boolean newEnabled = enabled;
      for (Map.Entry<String, String> attribute : attributes.entrySet()) {
        String value = attribute.getValue() == null ? "" : attribute.getValue();
        switch (attribute.getKey()) {
          case TOKEN -> {
            if (value.isEmpty()) {
              throw invalidAttribute(TOKEN, "must not be empty");
            }
            newToken = platform.canonicalToken(value);
          }
          case ENABLED -> {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
              throw invalidAttribute(ENABLED, "must be true or false");
            }
            newEnabled = Boolean.parseBoolean(value);
          }
          case CUSTOM_USER_DATA -> newCustomUserData = value;
          default ->
              throw SnsError.invalidParameter(
                  "Invalid parameter: Attributes Reason: Invalid attribute name: "
                      + attribute.getKey());
        }
      }
      if (newCustomUserData != null
          && Utf8.length(newCustomUserData) > MAX_CUSTOM_USER_DATA_BYTES) {
        throw invalidAttribute(
            CUSTOM_USER_DATA, "must be at most 2048 bytes long in UTF-8 encoding");
      }
      return new Endpoint(arn, platform, newToken, newCustomUserData, newEnabled);
    }

    /** As {@code GetEndpointAttributes} lists them. */
    Map<String, String> attributes() {
      Map<String, String> attributes = new LinkedHashMap<>();
      if (customUserData != null) {
        attributes.put(CUSTOM_USER_DATA, customUserData);
      }
      attributes.put(ENABLED, Boolean.toString(enabled));
      attributes.put(TOKEN, token);
      return attributes;
    }
  }
}
