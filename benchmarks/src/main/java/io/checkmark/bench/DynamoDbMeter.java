package io.checkmark.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Counts the DynamoDB requests the functions make and the capacity units they consume: every
 * request is sent with {@code ReturnConsumedCapacity=TOTAL}, and DynamoDB Local answers with units
 * by the service's rules (reads per 4 KB, strongly consistent reads whole, writes per 1 KB), except
 * for transactions: for {@code TransactWriteItems} it answers a flat 4 per table whatever the
 * number of items, where the service bills 2 units per started KB of every item in it (a condition
 * check included). Those are counted here from the request: a put by its item's size, a delete,
 * update or check, whose stored item the request does not show, as one KB. Only requests signed by
 * a function are counted (on the local stack each signs with its logical id), not the benchmark's
 * own setup, in all and by function. Registered for every SDK client in the JVM through the SDK's
 * global interceptor list.
 */
public final class DynamoDbMeter implements ExecutionInterceptor {

  private static final ExecutionAttribute<Boolean> BY_FUNCTION =
      new ExecutionAttribute<>("checkmark.byFunction");
  private static final ExecutionAttribute<String> SIGNER =
      new ExecutionAttribute<>("checkmark.signer");
  private static final Pattern SIGNED_BY = Pattern.compile("Credential=([A-Za-z0-9]+Function)/");
  private static final Map<String, DoubleAdder> READ_UNITS_BY_FUNCTION = new ConcurrentHashMap<>();
  private static final Map<String, DoubleAdder> WRITE_UNITS_BY_FUNCTION = new ConcurrentHashMap<>();
  private static final Map<String, LongAdder> REQUESTS = new ConcurrentHashMap<>();
  private static final Map<String, DoubleAdder> UNITS = new ConcurrentHashMap<>();
  private static final Map<String, Map<String, LongAdder>> REQUESTS_BY_FUNCTION =
      new ConcurrentHashMap<>();
  private static final Map<String, Map<String, DoubleAdder>> UNITS_BY_FUNCTION =
      new ConcurrentHashMap<>();
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

  /** Read and write units one function has consumed so far: {read, write}. */
  public static double[] unitsOf(String functionLogicalId) {
    return new double[] {
      READ_UNITS_BY_FUNCTION.getOrDefault(functionLogicalId, new DoubleAdder()).sum(),
      WRITE_UNITS_BY_FUNCTION.getOrDefault(functionLogicalId, new DoubleAdder()).sum()
    };
  }

  public static Reading read() {
    return readingOf(REQUESTS, UNITS);
  }

  /** What one function (its logical id, such as {@code SendFunction}) has asked so far. */
  public static Reading readOf(String functionLogicalId) {
    return readingOf(
        REQUESTS_BY_FUNCTION.getOrDefault(functionLogicalId, Map.of()),
        UNITS_BY_FUNCTION.getOrDefault(functionLogicalId, Map.of()));
  }

  private static Reading readingOf(
      Map<String, LongAdder> requestCounts, Map<String, DoubleAdder> unitSums) {
    Map<String, Long> requests = new TreeMap<>();
    requestCounts.forEach((operation, count) -> requests.put(operation, count.sum()));
    Map<String, Double> units = new TreeMap<>();
    unitSums.forEach((operation, sum) -> units.put(operation, sum.sum()));
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
    Matcher signer =
        SIGNED_BY.matcher(context.httpRequest().firstMatchingHeader("Authorization").orElse(""));
    boolean byFunction = signer.find();
    attributes.putAttribute(BY_FUNCTION, byFunction);
    if (byFunction) {
      attributes.putAttribute(SIGNER, signer.group(1));
    }
    if (byFunction && context.request() instanceof DynamoDbRequest) {
      String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      REQUESTS.computeIfAbsent(operation, name -> new LongAdder()).increment();
      REQUESTS_BY_FUNCTION
          .computeIfAbsent(signer.group(1), name -> new ConcurrentHashMap<>())
          .computeIfAbsent(operation, name -> new LongAdder())
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
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    DoubleAdder units = UNITS.computeIfAbsent(operation, name -> new DoubleAdder());
    String function = attributes.getAttribute(SIGNER);
    DoubleAdder functionUnits =
        (READS.contains(operation) ? READ_UNITS_BY_FUNCTION : WRITE_UNITS_BY_FUNCTION)
            .computeIfAbsent(function, name -> new DoubleAdder());
    DoubleAdder functionOperationUnits =
        UNITS_BY_FUNCTION
            .computeIfAbsent(function, name -> new ConcurrentHashMap<>())
            .computeIfAbsent(operation, name -> new DoubleAdder());
    List<DoubleAdder> sums = List.of(units, functionUnits, functionOperationUnits);
    if (context.request() instanceof TransactWriteItemsRequest transaction) {
      double transactionUnits = transactionalWriteUnits(transaction);
      sums.forEach(sum -> sum.add(transactionUnits));
      return;
    }
    SdkResponse response = context.response();
    response
        .getValueForField("ConsumedCapacity", Object.class)
        .ifPresent(
            consumed -> {
              if (consumed instanceof ConsumedCapacity single) {
                sums.forEach(sum -> add(sum, single));
              } else if (consumed instanceof List<?> several) {
                several.forEach(each -> sums.forEach(sum -> add(sum, (ConsumedCapacity) each)));
              }
            });
  }

  /** Two write units per started KB of each item of a successful write transaction. */
  static double transactionalWriteUnits(TransactWriteItemsRequest transaction) {
    double units = 0;
    for (TransactWriteItem action : transaction.transactItems()) {
      long bytes = action.put() == null ? 1024 : itemBytes(action.put().item());
      units += 2 * Math.max(1, Math.ceil(bytes / 1024.0));
    }
    return units;
  }

  /**
   * An item's size as DynamoDB counts it: each attribute's name and value in UTF-8, numbers by
   * their digits, and a few bytes for each list or map and its elements.
   */
  static long itemBytes(Map<String, AttributeValue> item) {
    long bytes = 0;
    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
      bytes += utf8Bytes(attribute.getKey()) + valueBytes(attribute.getValue());
    }
    return bytes;
  }

  private static long valueBytes(AttributeValue value) {
    if (value.s() != null) {
      return utf8Bytes(value.s());
    } else if (value.n() != null) {
      return (value.n().length() + 1) / 2 + 1;
    } else if (value.b() != null) {
      return value.b().asByteArray().length;
    } else if (value.hasM()) {
      return 3 + value.m().size() + itemBytes(value.m());
    } else if (value.hasL()) {
      return 3 + value.l().stream().mapToLong(element -> 1 + valueBytes(element)).sum();
    } else if (value.hasSs()) {
      return value.ss().stream().mapToLong(DynamoDbMeter::utf8Bytes).sum();
    } else if (value.hasNs()) {
      return value.ns().stream().mapToLong(number -> (number.length() + 1) / 2 + 1).sum();
    }
    return 1;
  }

  private static long utf8Bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void add(DoubleAdder units, ConsumedCapacity consumed) {
    if (consumed.capacityUnits() != null) {
      units.add(consumed.capacityUnits());
    }
  }
}
