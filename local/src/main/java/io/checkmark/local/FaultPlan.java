package io.checkmark.local;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the local stack is to get wrong on purpose, and how often: DynamoDB errors, timeouts and
 * latency by operation and table; management API errors; function crashes at named points; lost
 * {@code $disconnect} events; shorter connection lifetimes; failed SMS and push publishes. Every
 * section may be left out. Read and written as JSON (docs/faults.md shows it); a plan that names a
 * field it does not know, or a rate outside [0, 1], is refused with one line saying where.
 *
 * @param seed the seed of every fault's random choices: the same seed and the same sequence of
 *     calls give the same faults; null lets the stack pick one (and report it)
 * @param dynamodb DynamoDB rules, each drawn for every call it matches
 * @param managementApi management API answers, each drawn for every call
 * @param crashes function crashes at named points
 * @param disconnects {@code $disconnect} events lost, or null
 * @param connections connection lifetimes, or null for the stack's options
 * @param sns SMS and push publish failures, or null
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record FaultPlan(
    Long seed,
    List<DynamoDbFault> dynamodb,
    List<ManagementApiFault> managementApi,
    List<CrashFault> crashes,
    DisconnectFaults disconnects,
    ConnectionLimits connections,
    SnsFaults sns) {

  /** No fault at all. */
  public static final FaultPlan NONE = new FaultPlan(null, null, null, null, null, null, null);

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  /** The DynamoDB operations a rule may name (the data plane and the table calls). */
  static final Set<String> DYNAMODB_OPERATIONS =
      new TreeSet<>(
          List.of(
              "BatchExecuteStatement",
              "BatchGetItem",
              "BatchWriteItem",
              "CreateTable",
              "DeleteItem",
              "DeleteTable",
              "DescribeTable",
              "DescribeTimeToLive",
              "ExecuteStatement",
              "ExecuteTransaction",
              "GetItem",
              "ListTables",
              "PutItem",
              "Query",
              "Scan",
              "TransactGetItems",
              "TransactWriteItems",
              "UpdateItem",
              "UpdateTable",
              "UpdateTimeToLive"));

  /** Matches every operation, table or function. */
  public static final String ANY = "*";

  public FaultPlan {
    dynamodb = dynamodb == null ? List.of() : List.copyOf(dynamodb);
    managementApi = managementApi == null ? List.of() : List.copyOf(managementApi);
    crashes = crashes == null ? List.of() : List.copyOf(crashes);
  }

  /**
   * A DynamoDB rule: calls of {@code operation} (a DynamoDB API name, or {@code *}) on {@code
   * table} (a template logical id such as {@code MessagesTable}, or {@code *}) get {@code error},
   * or wait {@code latencyMs} first, or both, with probability {@code rate}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DynamoDbFault(
      String operation, String table, DynamoDbError error, Integer latencyMs, Double rate) {
    public DynamoDbFault {
      operation = operation == null ? ANY : operation;
      table = table == null ? ANY : table;
    }

    void check() {
      if (!operation.equals(ANY) && !DYNAMODB_OPERATIONS.contains(operation)) {
        throw new IllegalArgumentException(
            "operation "
                + operation
                + " is not a DynamoDB operation; use * or one of "
                + String.join(", ", DYNAMODB_OPERATIONS));
      }
      if (error == null && latencyMs == null) {
        throw new IllegalArgumentException("a DynamoDB rule needs an error, a latencyMs or both");
      }
      if (latencyMs != null && (latencyMs < 0 || latencyMs > 60_000)) {
        throw new IllegalArgumentException("latencyMs must be from 0 to 60000, not " + latencyMs);
      }
      requireRate("rate", rate);
    }

    /** An error rule. */
    public static DynamoDbFault error(
        String operation, String table, DynamoDbError error, double rate) {
      return new DynamoDbFault(operation, table, error, null, rate);
    }

    /** A latency rule. */
    public static DynamoDbFault latency(
        String operation, String table, int latencyMs, double rate) {
      return new DynamoDbFault(operation, table, null, latencyMs, rate);
    }

    boolean matches(String calledOperation, Set<String> calledTables) {
      return (operation.equals(ANY) || operation.equals(calledOperation))
          && (table.equals(ANY) || calledTables.contains(table));
    }
  }

  /** What a DynamoDB rule answers with, named as DynamoDB names it. */
  public enum DynamoDbError {
    /** 400, retried by the SDK with its throttling backoff. */
    @JsonProperty("ProvisionedThroughputExceededException")
    PROVISIONED_THROUGHPUT_EXCEEDED("ProvisionedThroughputExceededException"),
    /** 400, retried by the SDK with its throttling backoff. */
    @JsonProperty("ThrottlingException")
    THROTTLING("ThrottlingException"),
    /** 500, retried by the SDK. */
    @JsonProperty("InternalServerError")
    INTERNAL_SERVER_ERROR("InternalServerError"),
    /**
     * No answer: DynamoDB runs the call, and the connection is closed before the answer is sent.
     */
    @JsonProperty("timeout")
    TIMEOUT("timeout");

    private final String jsonName;

    DynamoDbError(String jsonName) {
      this.jsonName = jsonName;
    }

    /** The name in a plan and in the injected counts. */
    public String jsonName() {
      return jsonName;
    }
  }

  /**
   * Management API calls ({@code POST}, {@code GET}, {@code DELETE} on {@code @connections}) get
   * {@code status} (410 {@code GoneException}, 429 {@code LimitExceededException} or 500) with
   * probability {@code rate}.
   */
  public record ManagementApiFault(Integer status, Double rate) {
    static final Set<Integer> STATUSES = Set.of(410, 429, 500);

    void check() {
      if (status == null || !STATUSES.contains(status)) {
        throw new IllegalArgumentException("status must be 410, 429 or 500, not " + status);
      }
      requireRate("rate", rate);
    }
  }

  /**
   * Invocations of {@code function} (a template logical id, or {@code *}) crash at {@code point}
   * with probability {@code rate}.
   */
  public record CrashFault(String function, CrashPoint point, Double rate) {
    public CrashFault {
      function = function == null ? ANY : function;
    }

    void check() {
      if (point == null) {
        throw new IllegalArgumentException(
            "point is missing; use "
                + Arrays.stream(CrashPoint.values())
                    .map(CrashPoint::jsonName)
                    .collect(Collectors.joining(", ")));
      }
      requireRate("rate", rate);
    }

    boolean matches(String functionLogicalId, CrashPoint at) {
      return point == at && (function.equals(ANY) || function.equals(functionLogicalId));
    }
  }

  /** Where an invocation crashes. */
  public enum CrashPoint {
    /**
     * A WebSocket route's invocation, after its first successful DynamoDB write: nothing it does
     * after reaches AWS, and API Gateway answers the client with an internal error.
     */
    @JsonProperty("afterWriteBeforePush")
    AFTER_WRITE_BEFORE_PUSH("afterWriteBeforePush"),
    /** Any invocation, after it ran fully: its result is lost as if it died before returning. */
    @JsonProperty("afterPushBeforeReply")
    AFTER_PUSH_BEFORE_REPLY("afterPushBeforeReply"),
    /**
     * A stream's invocation, after its first successful DynamoDB write: the batch fails and the
     * event source mapping retries it.
     */
    @JsonProperty("midFanOutBatch")
    MID_FAN_OUT_BATCH("midFanOutBatch");

    private final String jsonName;

    CrashPoint(String jsonName) {
      this.jsonName = jsonName;
    }

    public String jsonName() {
      return jsonName;
    }
  }

  /**
   * A closed connection's {@code $disconnect} is not invoked, with probability {@code dropRate}.
   */
  public record DisconnectFaults(Double dropRate) {
    void check() {
      requireRate("dropRate", dropRate);
    }
  }

  /**
   * Connection lifetimes instead of the stack's options (API Gateway's 10 minutes idle and 2 hours
   * in all); either may be left out.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ConnectionLimits(Integer idleTimeoutSeconds, Integer maxAgeSeconds) {
    void check() {
      if (idleTimeoutSeconds == null && maxAgeSeconds == null) {
        throw new IllegalArgumentException("give idleTimeoutSeconds, maxAgeSeconds or both");
      }
      if (idleTimeoutSeconds != null && idleTimeoutSeconds < 1) {
        throw new IllegalArgumentException(
            "idleTimeoutSeconds must be 1 or more, not " + idleTimeoutSeconds);
      }
      if (maxAgeSeconds != null && maxAgeSeconds < 1) {
        throw new IllegalArgumentException("maxAgeSeconds must be 1 or more, not " + maxAgeSeconds);
      }
    }
  }

  /** SNS publishes that fail with SNS's {@code InternalError}, by kind; either may be left out. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SnsFaults(Double smsFailureRate, Double pushFailureRate) {
    void check() {
      if (smsFailureRate == null && pushFailureRate == null) {
        throw new IllegalArgumentException("give smsFailureRate, pushFailureRate or both");
      }
      if (smsFailureRate != null) {
        requireRate("smsFailureRate", smsFailureRate);
      }
      if (pushFailureRate != null) {
        requireRate("pushFailureRate", pushFailureRate);
      }
    }
  }

  /**
   * This plan, when every rule in it holds together (rates from 0 to 1, known operations, an error
   * or a latency in every DynamoDB rule...); else an {@link IllegalArgumentException} with one line
   * saying where and why, as {@code dynamodb[2]: rate must be from 0 to 1, not 1.5}.
   */
  public FaultPlan validated() {
    for (int i = 0; i < dynamodb.size(); i++) {
      check("dynamodb[" + i + "]", dynamodb.get(i)::check);
    }
    for (int i = 0; i < managementApi.size(); i++) {
      check("managementApi[" + i + "]", managementApi.get(i)::check);
    }
    for (int i = 0; i < crashes.size(); i++) {
      check("crashes[" + i + "]", crashes.get(i)::check);
    }
    if (disconnects != null) {
      check("disconnects", disconnects::check);
    }
    if (connections != null) {
      check("connections", connections::check);
    }
    if (sns != null) {
      check("sns", sns::check);
    }
    return this;
  }

  private static void check(String where, Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException invalid) {
      throw new IllegalArgumentException(where + ": " + invalid.getMessage(), invalid);
    }
  }

  /**
   * The plan in a JSON text, {@linkplain #validated() validated}, or an {@link
   * IllegalArgumentException} with one line saying why.
   */
  public static FaultPlan fromJson(String json) {
    try {
      FaultPlan plan = JSON.readValue(json, FaultPlan.class);
      if (plan == null) {
        throw new IllegalArgumentException("the fault plan is null; give at least {}");
      }
      return plan.validated();
    } catch (JsonProcessingException unreadable) {
      throw new IllegalArgumentException(reason(unreadable), unreadable);
    }
  }

  /** The plan in a JSON file, or an {@link IllegalArgumentException} with one line saying why. */
  public static FaultPlan read(Path file) {
    String json;
    try {
      json = Files.readString(file);
    } catch (NoSuchFileException missing) {
      throw new IllegalArgumentException("no fault plan at " + file.toAbsolutePath().normalize());
    } catch (IOException unreadable) {
      throw new IllegalArgumentException(
          "cannot read the fault plan " + file + ": " + unreadable.getMessage(), unreadable);
    }
    try {
      return fromJson(json);
    } catch (IllegalArgumentException invalid) {
      throw new IllegalArgumentException(file + ": " + invalid.getMessage(), invalid);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException("cannot write a fault plan", impossible);
    }
  }

  /** This plan with its seed set. */
  public FaultPlan withSeed(long newSeed) {
    return new FaultPlan(newSeed, dynamodb, managementApi, crashes, disconnects, connections, sns);
  }

  /** Whether the plan injects nothing and leaves connection lifetimes as they are. */
  @JsonIgnore
  public boolean isEmpty() {
    return dynamodb.isEmpty()
        && managementApi.isEmpty()
        && crashes.isEmpty()
        && disconnects == null
        && connections == null
        && sns == null;
  }

  /** What is active, in one line for the console. */
  public String describe() {
    if (isEmpty()) {
      return "no faults";
    }
    List<String> parts = new ArrayList<>();
    for (DynamoDbFault rule : dynamodb) {
      parts.add(
          "DynamoDB "
              + rule.operation()
              + " on "
              + rule.table()
              + ": "
              + (rule.error() == null ? "" : rule.error().jsonName())
              + (rule.error() != null && rule.latencyMs() != null ? " and " : "")
              + (rule.latencyMs() == null ? "" : "+" + rule.latencyMs() + " ms")
              + " "
              + percent(rule.rate()));
    }
    for (ManagementApiFault rule : managementApi) {
      parts.add("management API " + rule.status() + " " + percent(rule.rate()));
    }
    for (CrashFault rule : crashes) {
      parts.add(
          "crash " + rule.function() + " " + rule.point().jsonName() + " " + percent(rule.rate()));
    }
    if (disconnects != null) {
      parts.add("$disconnect dropped " + percent(disconnects.dropRate()));
    }
    if (connections != null) {
      List<String> limits = new ArrayList<>();
      if (connections.idleTimeoutSeconds() != null) {
        limits.add("idle " + connections.idleTimeoutSeconds() + " s");
      }
      if (connections.maxAgeSeconds() != null) {
        limits.add("at most " + connections.maxAgeSeconds() + " s");
      }
      parts.add("connections " + String.join(", ", limits));
    }
    if (sns != null) {
      parts.add(
          "SNS failures: SMS "
              + percent(sns.smsFailureRate() == null ? 0 : sns.smsFailureRate())
              + ", push "
              + percent(sns.pushFailureRate() == null ? 0 : sns.pushFailureRate()));
    }
    return (seed == null ? "" : "seed " + seed + "; ") + String.join("; ", parts);
  }

  private static String percent(double rate) {
    return BigDecimal.valueOf(rate).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
  }

  private static void requireRate(String name, Double rate) {
    if (rate == null) {
      throw new IllegalArgumentException(name + " is missing");
    }
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " must be from 0 to 1, not " + rate);
    }
  }

  /** One line saying what is wrong with a plan's JSON and where. */
  private static String reason(JsonProcessingException unreadable) {
    if (unreadable instanceof JsonParseException notJson) {
      return "the fault plan is not JSON: "
          + firstLine(notJson.getOriginalMessage())
          + " (line "
          + notJson.getLocation().getLineNr()
          + ", column "
          + notJson.getLocation().getColumnNr()
          + ")";
    }
    if (!(unreadable instanceof JsonMappingException mapping)) {
      return "the fault plan is not JSON: " + firstLine(unreadable.getOriginalMessage());
    }
    String where = path(mapping, mapping instanceof UnrecognizedPropertyException);
    String at = where.isEmpty() ? "the fault plan" : where;
    if (mapping instanceof UnrecognizedPropertyException unknown) {
      return "unknown field \""
          + unknown.getPropertyName()
          + "\" in "
          + at
          + "; known: "
          + unknown.getKnownPropertyIds().stream()
              .map(String::valueOf)
              .collect(Collectors.joining(", "));
    }
    if (mapping instanceof InvalidFormatException invalid && invalid.getTargetType().isEnum()) {
      return at
          + ": \""
          + invalid.getValue()
          + "\" is not one of "
          + Arrays.stream(invalid.getTargetType().getEnumConstants())
              .map(FaultPlan::jsonNameOf)
              .collect(Collectors.joining(", "));
    }
    if (mapping.getOriginalMessage() != null
        && mapping.getOriginalMessage().startsWith("No content to map")) {
      return "the fault plan is empty; give at least {}";
    }
    return at + ": " + firstLine(mapping.getOriginalMessage());
  }

  private static String jsonNameOf(Object constant) {
    if (constant instanceof DynamoDbError error) {
      return error.jsonName();
    }
    if (constant instanceof CrashPoint point) {
      return point.jsonName();
    }
    return String.valueOf(constant);
  }

  /**
   * Where in the plan, as {@code dynamodb[0].error}; without the last step when that is the field
   * at fault itself.
   */
  private static String path(JsonMappingException mapping, boolean withoutLast) {
    StringBuilder path = new StringBuilder();
    List<JsonMappingException.Reference> references = mapping.getPath();
    int steps = withoutLast ? references.size() - 1 : references.size();
    for (JsonMappingException.Reference reference : references.subList(0, Math.max(0, steps))) {
      if (reference.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unreadable";
    }
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
