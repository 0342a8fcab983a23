package io.checkmark.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.Map;
import java.util.Optional;

/**
 * The one JSON configuration of the wire protocol. Reading is bounded (API Gateway already caps a
 * message at 128 KB; these limits keep a hostile frame from costing more than it must) and strict:
 * duplicate keys, trailing tokens and type coercions are refused, so a frame means one thing only.
 */
public final class WireJson {

  public static final int MAX_FRAME_CHARS = 128 * 1024;
  public static final int MAX_NESTING_DEPTH = 16;
  public static final int MAX_REF_CHARS = 64;

  private static final ObjectMapper MAPPER = createMapper();
  private static final ObjectWriter FRAME_WRITER = MAPPER.writerFor(ServerFrame.class);

  private WireJson() {}

  private static ObjectMapper createMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_FRAME_CHARS)
                    .maxNumberLength(32)
                    .maxNameLength(256)
                    .maxDocumentLength(4L * MAX_FRAME_CHARS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    JsonMapper mapper =
        JsonMapper.builder(factory)
            .defaultPropertyInclusion(
                JsonInclude.Value.construct(
                    JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addMixIn(ServerFrame.class, TypedFrame.class)
            .build();
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    for (LogicalType number : new LogicalType[] {LogicalType.Integer, LogicalType.Float}) {
      mapper
          .coercionConfigFor(number)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    for (Class<?> frame : ServerFrame.class.getPermittedSubclasses()) {
      mapper.registerSubtypes(new NamedType(frame, typeName(frame)));
    }
    return mapper;
  }

  /**
   * Jackson reads the frame type from this mix-in, so that frames themselves stay plain records.
   */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
  private interface TypedFrame {}

  static String typeName(Class<?> frame) {
    String name = frame.getSimpleName();
    if (name.endsWith("Frame")) {
      name = name.substring(0, name.length() - "Frame".length());
    }
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  /**
   * Parses a client frame; anything but one JSON object with well-formed envelope fields is {@code
   * BAD_REQUEST}.
   */
  public static ClientRequest parseRequest(String body) {
    if (body == null || body.isBlank()) {
      throw ProtocolException.badRequest("a frame must be a JSON object; this one is empty");
    }
    if (body.length() > MAX_FRAME_CHARS) {
      throw new ProtocolException(
          ErrorCode.MESSAGE_TOO_LARGE,
          "a frame may hold at most " + MAX_FRAME_CHARS + " characters");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ProtocolException.badRequest("malformed JSON: " + brief(e));
    }
    if (!(node instanceof ObjectNode object)) {
      throw ProtocolException.badRequest("a frame must be a JSON object");
    }
    if (!isWellFormedText(object)) {
      throw ProtocolException.badRequest(
          "every string must be well-formed UTF-16: a lone surrogate such as \\ud800 is not text");
    }
    JsonNode ref = object.get("ref");
    if (ref != null && (!ref.isTextual() || ref.textValue().length() > MAX_REF_CHARS)) {
      throw ProtocolException.badRequest(
          "ref must be a string of at most " + MAX_REF_CHARS + " characters");
    }
    JsonNode action = object.get("action");
    JsonNode id = object.get("id");
    return new ClientRequest(
        action != null && action.isTextual() ? action.textValue() : null,
        ref == null ? null : ref.textValue(),
        id != null && id.isTextual() && id.textValue().length() <= MAX_REF_CHARS
            ? id.textValue()
            : null,
        object);
  }

  /**
   * Whether every string in the tree, field names included, is well-formed UTF-16. Jackson
   * unescapes a lone surrogate without complaint, and UTF-8 cannot encode it, so it would be stored
   * and pushed as {@code ?}. The depth is bounded by {@link #MAX_NESTING_DEPTH}.
   */
  private static boolean isWellFormedText(JsonNode node) {
    if (node.isTextual()) {
      return ClientText.isWellFormed(node.textValue());
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (!ClientText.isWellFormed(field.getKey()) || !isWellFormedText(field.getValue())) {
          return false;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        if (!isWellFormedText(element)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Reads the request's fields into the action's record; wrong types are {@code BAD_REQUEST}. */
  public static <R> R fields(ClientRequest request, Class<R> type) {
    try {
      return MAPPER.treeToValue(request.fields(), type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw ProtocolException.badRequest("wrong fields for " + request.action() + ": " + brief(e));
    }
  }

  /** Writes a server frame, {@code type} first, with the request's {@code ref} when it had one. */
  public static String write(ServerFrame frame, String ref) {
    try {
      if (ref == null) {
        return FRAME_WRITER.writeValueAsString(frame);
      }
      ObjectNode node = MAPPER.valueToTree(frame);
      node.put("ref", ref);
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + frame.getClass().getSimpleName(), e);
    }
  }

  public static String write(ServerFrame frame) {
    return write(frame, null);
  }

  /**
   * A frame as a client receives it: the typed frame, and the {@code ref} of the request it
   * answers, if any.
   */
  public record Received(ServerFrame frame, String ref) {}

  /**
   * Reads a server frame under the same limits as a request. Anything that is not a frame of a
   * known type (not JSON, or a type a newer server added) is empty: a client skips it.
   */
  public static Optional<Received> parseFrame(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (!(node instanceof ObjectNode object) || !object.path("type").isTextual()) {
        return Optional.empty();
      }
      ServerFrame frame = MAPPER.treeToValue(object, ServerFrame.class);
      JsonNode ref = object.get("ref");
      return Optional.of(
          new Received(frame, ref != null && ref.isTextual() ? ref.textValue() : null));
    } catch (JsonProcessingException | IllegalArgumentException unreadable) {
      return Optional.empty();
    }
  }

  /**
   * Whether a frame is one API Gateway writes itself, such as {@code {"message":"Internal server
   * error","connectionId":...,"requestId":...}} when an invocation failed: it names no request of
   * the client's, only that one of them got no answer.
   */
  public static boolean isGatewayError(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      return node instanceof ObjectNode object
          && !object.has("type")
          && object.path("message").isTextual()
          && object.path("requestId").isTextual();
    } catch (JsonProcessingException unreadable) {
      return false;
    }
  }

  /** An empty JSON object to build a client request in; {@link #write(ObjectNode)} writes it. */
  public static ObjectNode newRequest(String action) {
    return JsonNodeFactory.instance.objectNode().put("action", action);
  }

  /**
   * A record (such as {@link Media}) as a JSON tree, absent fields left out, to put in a request.
   */
  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  public static String write(ObjectNode request) {
    try {
      return MAPPER.writeValueAsString(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a request", e);
    }
  }

  /** For adapters and tests that read frames back. */
  public static JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + brief(e), e);
    }
  }

  private static String brief(Exception e) {
    String message =
        e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    message = message.replaceAll("\\s+", " ");
    return message.length() > 160 ? message.substring(0, 160) + "..." : message;
  }
}
