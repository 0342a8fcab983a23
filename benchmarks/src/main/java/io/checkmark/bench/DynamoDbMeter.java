package io.checkmark.bench;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Counts the DynamoDB requests the functions make and the capacity units DynamoDB says they
 * consumed: every request is sent with {@code ReturnConsumedCapacity=TOTAL}, and DynamoDB Local
 * answers with units by the service's own rules (reads per 4 KB, writes per 1 KB, transactions
 * double). Only requests signed by a function are counted (on the local stack each signs with its
 * logical id), not the benchmark's own setup. Registered for every SDK client in the JVM through
 * the SDK's global interceptor list.
 */
public final class DynamoDbMeter implements ExecutionInterceptor {

  private static final ExecutionAttribute<Boolean> BY_FUNCTION =
      new ExecutionAttribute<>("checkmark.byFunction");
  private static final Map<String, LongAdder> REQUESTS = new ConcurrentHashMap<>();
  private static final Map<String, DoubleAdder> UNITS = new ConcurrentHashMap<>();
  private static final Set<String> READS = Set.of("GetItem", "BatchGetItem", "Query", "Scan");

  /** What the functions asked of DynamoDB between two readings, by operation. */
  public record Reading(
      Map<String, Long> requestsByOperation, Map<String, Double> unitsByOperation) {

    public long requests() {
      return requestsByOperation.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Read request units as on-demand tables bill them. */
    public double readUnits() {
      return unitsByOperation.entrySet().stream()
          .filter(e -> READS.contains(e.getKey()))
          .mapToDouble(Map.Entry::getValue)
          .sum();
    }

    /** Write request units as on-demand tables bill them. */
    public double writeUnits() {
      return unitsByOperation.entrySet().stream()
          .filter(e -> !READS.contains(e.getKey()))
          .mapToDouble(Map.Entry::getValue)
          .sum();
    }

    public Reading since(Reading earlier) {
      Map<String, Long> requests = new TreeMap<>(requestsByOperation);
      earlier.requestsByOperation.forEach(
          (operation, count) -> requests.merge(operation, -count, Long::sum));
      requests.values().removeIf(count -> count == 0);
      Map<String, Double> units = new TreeMap<>(unitsByOperation);
      earlier.unitsByOperation.forEach(
          (operation, count) -> units.merge(operation, -count, Double::sum));
      return new Reading(requests, units);
    }
  }

  public static Reading read() {
    Map<String, Long> requests = new TreeMap<>();
    REQUESTS.forEach((operation, count) -> requests.put(operation, count.sum()));
    Map<String, Double> units = new TreeMap<>();
    UNITS.forEach((operation, sum) -> units.put(operation, sum.sum()));
    return new Reading(requests, units);
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
    if (request instanceof GetItemRequest get) {
      return get.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof PutItemRequest put) {
      return put.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof DeleteItemRequest delete) {
      return delete.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof UpdateItemRequest update) {
      return update.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof QueryRequest query) {
      return query.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof BatchGetItemRequest batchGet) {
      return batchGet.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof BatchWriteItemRequest batchWrite) {
      return batchWrite.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof TransactWriteItemsRequest transaction) {
      return transaction.toBuilder().returnConsumedCapacity(total).build();
    }
    return request;
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    boolean byFunction =
        context
            .httpRequest()
            .firstMatchingHeader("Authorization")
            .filter(authorization -> authorization.matches(".*Credential=[A-Za-z0-9]+Function/.*"))
            .isPresent();
    attributes.putAttribute(BY_FUNCTION, byFunction);
    if (byFunction && context.request() instanceof DynamoDbRequest) {
      REQUESTS
          .computeIfAbsent(
              attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
              name -> new LongAdder())
          .increment();
    }
  }

  @Override
  public void afterUnmarshalling(
      Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
    if (!Boolean.TRUE.equals(attributes.getAttribute(BY_FUNCTION))
        || !(context.request() instanceof DynamoDbRequest)) {
      return;
    }
    DoubleAdder units =
        UNITS.computeIfAbsent(
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
            name -> new DoubleAdder());
    SdkResponse response = context.response();
    response
        .getValueForField("ConsumedCapacity", Object.class)
        .ifPresent(
            consumed -> {
              if (consumed instanceof ConsumedCapacity single) {
                add(units, single);
              } else if (consumed instanceof List<?> several) {
                several.forEach(each -> add(units, (ConsumedCapacity) each));
              }
            });
  }

  private static void add(DoubleAdder units, ConsumedCapacity consumed) {
    if (consumed.capacityUnits() != null) {
      units.add(consumed.capacityUnits());
    }
  }
}
