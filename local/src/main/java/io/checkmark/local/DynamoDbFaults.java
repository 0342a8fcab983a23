package io.checkmark.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.local.FaultPlan.DynamoDbError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * DynamoDB's edge: each call of the DynamoDB API on its way to DynamoDB Local, failed or delayed
 * when the fault plan says so, answered as DynamoDB answers (its error JSON and status, so that the
 * SDK's retry strategy sees what it would see from AWS). Calls signed by the stack's own clients
 * (its stream pollers) are left alone, so that they neither fail nor use up the plan's draws.
 *
 * <p>Also the older, scripted failures: the next calls of one operation by one function (told apart
 * by the access key it signs with, its logical id) answered with {@code InternalServerError}.
 */
final class DynamoDbFaults {

  /** The access key the stack's own DynamoDB clients sign with. */
  static final String STACK_ACCESS_KEY = "CheckmarkLocalStack";

  private static final Pattern ACCESS_KEY = Pattern.compile("Credential=([^/]+)/");
  private static final String OPERATION_PREFIX = "DynamoDB_20120810.";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Faults faults;
  private final Map<String, String> tableLogicalIds;
  private final Map<String, Countdown> scripted = new ConcurrentHashMap<>();

  /**
   * @param tableLogicalIds the template's tables: logical id by table name
   */
  DynamoDbFaults(Faults faults, Map<String, String> tableLogicalIds) {
    this.faults = faults;
    this.tableLogicalIds = Map.copyOf(tableLogicalIds);
  }

  /**
   * After {@code afterCalls} more calls of {@code operation} (e.g. TransactWriteItems) by the
   * function succeed, the {@code times} calls after them fail.
   */
  void fail(String functionLogicalId, String operation, int afterCalls, int times) {
    scripted.put(functionLogicalId + " " + operation, new Countdown(afterCalls, times));
  }

  /** Calls to let through, then calls to fail. */
  private record Countdown(AtomicInteger toPass, AtomicInteger toFail) {
    Countdown(int toPass, int toFail) {
      this(new AtomicInteger(toPass), new AtomicInteger(toFail));
    }

    boolean failsNow() {
      return toPass.getAndDecrement() <= 0 && toFail.getAndDecrement() > 0;
    }
  }

  /**
   * Passes a DynamoDB request to {@code dynamoDb}, or answers it with an injected fault; waits
   * first when the plan adds latency.
   */
  boolean handle(Request request, Response response, Callback callback, Handler dynamoDb)
      throws Exception {
    String target = request.getHeaders().get("X-Amz-Target");
    String accessKey = accessKey(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    if (!target.startsWith(OPERATION_PREFIX) || STACK_ACCESS_KEY.equals(accessKey)) {
      return dynamoDb.handle(request, response, callback);
    }
    String operation = target.substring(OPERATION_PREFIX.length());
    Countdown countdown = scripted.get(accessKey + " " + operation);
    if (countdown != null && countdown.failsNow()) {
      faults.countScriptedDynamoDbFailure();
      answer(DynamoDbError.INTERNAL_SERVER_ERROR, response, callback);
      return true;
    }
    if (!faults.hasDynamoDbRules()) {
      return dynamoDb.handle(request, response, callback);
    }
    Request forwarded = request;
    Set<String> tables = Set.of();
    if (faults.dynamoDbRulesNameTables()) {
      ByteBuffer body = Content.Source.asByteBuffer(request);
      tables = tablesOf(body.slice());
      forwarded = withBody(request, body);
    }
    Faults.DynamoDbOutcome outcome = faults.dynamoDb(operation, tables);
    if (outcome.latencyMs() > 0) {
      Thread.sleep(outcome.latencyMs());
    }
    if (outcome.error() == DynamoDbError.TIMEOUT) {
      return dynamoDb.handle(
          forwarded, new AnswerLost(forwarded, response), cut(request, callback));
    }
    if (outcome.error() != null) {
      answer(outcome.error(), response, callback);
      return true;
    }
    return dynamoDb.handle(forwarded, response, callback);
  }

  /** DynamoDB's own answer for each error, status and JSON body. */
  private static void answer(DynamoDbError error, Response response, Callback callback) {
    int status;
    String type;
    String message;
    switch (error) {
      case PROVISIONED_THROUGHPUT_EXCEEDED -> {
        status = 400;
        type = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException";
        message =
            "The level of configured provisioned throughput for the table was exceeded."
                + " Consider increasing your provisioning level with the UpdateTable API.";
      }
      case THROTTLING -> {
        status = 400;
        type = "com.amazon.coral.availability#ThrottlingException";
        message = "Rate of requests exceeds the allowed throughput.";
      }
      case INTERNAL_SERVER_ERROR -> {
        status = 500;
        type = "com.amazonaws.dynamodb.v20120810#InternalServerError";
        message = "Internal server error";
      }
      default -> throw new IllegalArgumentException(error + " has no answer: it gets none");
    }
    HttpResponses.write(
        response,
        callback,
        status,
        CONTENT_TYPE,
        HttpResponses.toJson(Map.of("__type", type, "message", message)));
  }

  /** The logical ids of the tables a call names (its own name where it is not the template's). */
  private Set<String> tablesOf(ByteBuffer body) throws IOException {
    byte[] bytes = new byte[body.remaining()];
    body.get(bytes);
    JsonNode call = JSON.readTree(bytes);
    Set<String> names = new LinkedHashSet<>();
    if (call == null) {
      return names;
    }
    if (call.path("TableName").isTextual()) {
      names.add(call.get("TableName").textValue());
    }
    call.path("RequestItems").fieldNames().forEachRemaining(names::add);
    for (JsonNode item : call.path("TransactItems")) {
      item.elements()
          .forEachRemaining(
              action -> {
                if (action.path("TableName").isTextual()) {
                  names.add(action.get("TableName").textValue());
                }
              });
    }
    Set<String> logicalIds = new LinkedHashSet<>();
    names.forEach(name -> logicalIds.add(tableLogicalIds.getOrDefault(name, name)));
    return logicalIds;
  }

  private static String accessKey(String authorization) {
    if (authorization == null) {
      return null;
    }
    Matcher key = ACCESS_KEY.matcher(authorization);
    return key.find() ? key.group(1) : null;
  }

  /** The request with the body already read from it, to be read again. */
  private static Request withBody(Request request, ByteBuffer body) {
    ByteBufferContentSource content = new ByteBufferContentSource(body);
    return new Request.Wrapper(request) {
      @Override
      public Content.Chunk read() {
        return content.read();
      }

      @Override
      public void demand(Runnable demandCallback) {
        content.demand(demandCallback);
      }

      @Override
      public void fail(Throwable failure) {
        content.fail(failure);
      }
    };
  }

  /**
   * Once DynamoDB has run the call, closes the connection instead of answering: the client's
   * attempt fails as one that timed out does, not knowing whether the call took effect.
   */
  private static Callback cut(Request request, Callback callback) {
    // Completing the exchange on a closed connection sends nothing, and logs nothing either.
    Runnable close =
        () -> {
          request.getConnectionMetaData().getConnection().getEndPoint().close();
          callback.succeeded();
        };
    return Callback.from(close, failure -> close.run());
  }

  /** A response whose body goes nowhere. */
  private static final class AnswerLost extends Response.Wrapper {
    AnswerLost(Request request, Response response) {
      super(request, response);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback written) {
      written.succeeded();
    }
  }
}
