package io.checkmark.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Makes DynamoDB fail on purpose, as the real service can, by replacing DynamoDB Local's answer
 * with the error DynamoDB would send. The SDK handles it as it would the real one: retries
 * throttling, hands a cancelled transaction to the caller.
 */
final class DynamoDbFaults implements ExecutionInterceptor {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ExecutionAttribute<String> CANCELLED =
      new ExecutionAttribute<>("checkmark.injectedCancellation");
  private static final ExecutionAttribute<String> ANSWER =
      new ExecutionAttribute<>("checkmark.injectedAnswer");

  private final Map<Class<?>, AtomicInteger> throttles = new ConcurrentHashMap<>();
  private final AtomicInteger transactionsToCancel = new AtomicInteger();
  private final Map<Class<?>, AtomicInteger> attempts = new ConcurrentHashMap<>();

  /** The next {@code times} attempts of this request type are throttled. */
  void throttle(Class<? extends SdkRequest> request, int times) {
    throttles.computeIfAbsent(request, type -> new AtomicInteger()).set(times);
  }

  /**
   * The next {@code times} transactions are cancelled because a concurrent transaction touched
   * their first item; the SDK hands that to the caller without retrying.
   */
  void conflictTransactions(int times) {
    transactionsToCancel.set(times);
  }

  /** How many attempts of this request type were sent, injected or not. */
  int attempts(Class<? extends SdkRequest> request) {
    return attempts.computeIfAbsent(request, type -> new AtomicInteger()).get();
  }

  /**
   * Once per call, before the SDK's attempts: a cancelled transaction is answered without running
   * it (the operation is renamed to one DynamoDB Local does not know, which changes nothing).
   */
  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    attributes.putAttribute(CANCELLED, "");
    if (!(context.request() instanceof TransactWriteItemsRequest transaction)
        || transactionsToCancel.getAndDecrement() <= 0) {
      return context.httpRequest();
    }
    attributes.putAttribute(
        CANCELLED, errorBody("TransactionCanceledException", conflict(transaction)));
    return context.httpRequest().toBuilder()
        .putHeader("X-Amz-Target", "DynamoDB_20120810.InjectedFault")
        .build();
  }

  /**
   * Once per attempt: the answer is replaced by the injected error, if any. A throttled request has
   * run on DynamoDB Local all the same, so throttling is injected on reads.
   */
  @Override
  public SdkHttpResponse modifyHttpResponse(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Class<?> type = context.request().getClass();
    attempts.computeIfAbsent(type, any -> new AtomicInteger()).incrementAndGet();
    String injected = attributes.getAttribute(CANCELLED);
    AtomicInteger throttled = throttles.get(type);
    if (injected.isEmpty() && throttled != null && throttled.getAndDecrement() > 0) {
      injected =
          errorBody(
              "ProvisionedThroughputExceededException",
              Map.of("message", "injected: the request rate is too high"));
    }
    attributes.putAttribute(ANSWER, injected);
    if (injected.isEmpty()) {
      return context.httpResponse();
    }
    return context.httpResponse().toBuilder()
        .statusCode(400)
        .removeHeader("x-amz-crc32")
        .removeHeader("Content-Length")
        .build();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    String injected = attributes.getAttribute(ANSWER);
    if (injected.isEmpty()) {
      return context.responseBody();
    }
    return Optional.of(new ByteArrayInputStream(injected.getBytes(StandardCharsets.UTF_8)));
  }

  /** A reason per item, in order, as DynamoDB reports a conflict on the first item. */
  private static Map<String, Object> conflict(TransactWriteItemsRequest transaction) {
    List<Map<String, String>> reasons = new ArrayList<>();
    reasons.add(Map.of("Code", "TransactionConflict"));
    for (int i = 1; i < transaction.transactItems().size(); i++) {
      reasons.add(Map.of("Code", "None"));
    }
    return Map.of(
        "Message",
        "injected: transaction cancelled [TransactionConflict]",
        "CancellationReasons",
        reasons);
  }

  private static String errorBody(String errorType, Map<String, Object> fields) {
    Map<String, Object> error = new LinkedHashMap<>(fields);
    error.put("__type", "com.amazonaws.dynamodb.v20120810#" + errorType);
    try {
      return JSON.writeValueAsString(error);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
