package io.checkmark.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.template.SamTemplate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A template's DynamoDB stream running its function as Lambda's event source mapping does: each
 * shard read in order from its oldest record, only the records its filter patterns let through (as
 * Lambda, which counts the others as done), in batches of up to the configured size; a batch whose
 * invocation throws is halved (when bisecting) and retried, one that reports an item failure is
 * retried from that record, and one still failing after the configured retries is recorded as a
 * dead letter (with its shard and sequence numbers, as Lambda sends to the on-failure destination)
 * and passed over, so that the shard goes on.
 */
final class StreamEventSource {

  /** How often an idle stream is read, as Lambda polls a shard about four times a second. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SamTemplate.StreamSource source;
  private final StreamRecordFilter filter;
  private final LocalLambdaFunction function;
  private final DynamoDbClient dynamoDb;
  private final DynamoDbStreamsClient streams;
  private final String region;
  private final InvocationConsole console;
  private final List<String> deadLetters;
  private final LongAdder invocations;
  private final LongAdder invocationsDone;
  private final Map<String, String> iterators = new LinkedHashMap<>();
  private final Map<String, String> lastDelivered = new LinkedHashMap<>();
  private final Set<String> finishedShards = ConcurrentHashMap.newKeySet();
  private String streamArn;

  StreamEventSource(
      SamTemplate.StreamSource source,
      LocalLambdaFunction function,
      DynamoDbClient dynamoDb,
      DynamoDbStreamsClient streams,
      String region,
      InvocationConsole console,
      List<String> deadLetters,
      LongAdder invocations,
      LongAdder invocationsDone) {
    this.source = source;
    this.filter = StreamRecordFilter.of(source.filterPatterns());
    this.function = function;
    this.dynamoDb = dynamoDb;
    this.streams = streams;
    this.region = region;
    this.console = console;
    this.deadLetters = deadLetters;
    this.invocations = invocations;
    this.invocationsDone = invocationsDone;
  }

  /** Dead letters, as a list the stack shares between its event sources. */
  static List<String> newDeadLetterList() {
    return new CopyOnWriteArrayList<>();
  }

  /** Reads the stream every {@link #POLL_INTERVAL} on the given thread, until it is shut down. */
  void start(ScheduledExecutorService poller) {
    poller.scheduleWithFixedDelay(
        this::pollQuietly, 0, POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException failure) {
      // DynamoDB Local stopping, or a hiccup: the next poll starts from the same iterators.
      console.invoked(
          "stream", source.tableName(), "read failed: " + failure.getMessage(), System.nanoTime());
    }
  }

  /** Delivers every record the stream has now, shard by shard, parents before their children. */
  void poll() {
    if (streamArn == null) {
      streamArn =
          dynamoDb.describeTable(r -> r.tableName(source.tableName())).table().latestStreamArn();
    }
    for (Shard shard : shards()) {
      if (finishedShards.contains(shard.shardId())) {
        continue;
      }
      if (shard.parentShardId() != null
          && iterators.containsKey(shard.parentShardId())
          && !finishedShards.contains(shard.parentShardId())) {
        continue;
      }
      readShard(shard.shardId());
    }
  }

  private List<Shard> shards() {
    List<Shard> shards = new ArrayList<>();
    String after = null;
    do {
      String exclusiveStart = after;
      var description =
          streams
              .describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(exclusiveStart))
              .streamDescription();
      shards.addAll(description.shards());
      after = description.lastEvaluatedShardId();
    } while (after != null);
    return shards;
  }

  private void readShard(String shardId) {
    String iterator = iterators.computeIfAbsent(shardId, this::iteratorAfterLastDelivered);
    while (iterator != null) {
      String from = iterator;
      GetRecordsResponse page;
      try {
        page = streams.getRecords(r -> r.shardIterator(from).limit(source.batchSize()));
      } catch (TrimmedDataAccessException | ExpiredIteratorException stale) {
        // DynamoDB Local answers so for an iterator taken while its shard was empty: take another
        // at the next poll, after the last record delivered.
        iterators.remove(shardId);
        return;
      }
      List<Record> wanted = page.records().stream().filter(this::passesFilter).toList();
      if (!wanted.isEmpty()) {
        deliver(shardId, wanted);
      }
      if (!page.records().isEmpty()) {
        lastDelivered.put(
            shardId, page.records().get(page.records().size() - 1).dynamodb().sequenceNumber());
      }
      iterator = page.nextShardIterator();
      if (iterator == null) {
        finishedShards.add(shardId);
        iterators.remove(shardId);
        return;
      }
      iterators.put(shardId, iterator);
      if (page.records().isEmpty()) {
        return;
      }
    }
  }

  private String iteratorAfterLastDelivered(String shardId) {
    String last = lastDelivered.get(shardId);
    return streams
        .getShardIterator(
            r ->
                r.streamArn(streamArn)
                    .shardId(shardId)
                    .shardIteratorType(
                        last == null
                            ? ShardIteratorType.TRIM_HORIZON
                            : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .sequenceNumber(last))
        .shardIterator();
  }

  /** Runs the function on a batch until it succeeds, or bisects or dead-letters what fails. */
  private void deliver(String shardId, List<Record> batch) {
    Deque<List<Record>> pending = new ArrayDeque<>();
    pending.push(batch);
    while (!pending.isEmpty()) {
      List<Record> records = pending.pop();
      for (int retries = 0; ; retries++) {
        long started = System.nanoTime();
        Outcome outcome = invoke(records);
        console.invoked(
            "stream",
            source.tableName(),
            records.size() + " records → " + outcome.describe(),
            started);
        if (outcome.failedFrom() == null) {
          break;
        }
        records = records.subList(outcome.failedFrom(), records.size());
        if (outcome.threw() && source.bisectBatchOnFunctionError() && records.size() > 1) {
          int half = records.size() / 2;
          pending.push(records.subList(half, records.size()));
          pending.push(records.subList(0, half));
          break;
        }
        if (source.maximumRetryAttempts() >= 0 && retries >= source.maximumRetryAttempts()) {
          deadLetter(shardId, records);
          break;
        }
        pause(retries);
      }
    }
  }

  /**
   * What an invocation did: {@code failedFrom} is the index of the first record to retry (null when
   * all succeeded), {@code threw} whether the function failed as a whole.
   */
  private record Outcome(Integer failedFrom, boolean threw, String error) {
    String describe() {
      if (failedFrom == null) {
        return "ok";
      }
      return threw ? "error: " + error : "item failure from record " + (failedFrom + 1);
    }
  }

  private Outcome invoke(List<Record> records) {
    invocations.increment();
    String response;
    try {
      response = function.invoke(eventOf(records), Invocation.Trigger.STREAM);
    } catch (Exception failure) {
      return new Outcome(0, true, String.valueOf(failure.getMessage()));
    } finally {
      invocationsDone.increment();
    }
    if (!source.reportsBatchItemFailures()) {
      return new Outcome(null, false, null);
    }
    try {
      JsonNode failures = JSON.readTree(response).path("batchItemFailures");
      if (!failures.isArray() || failures.isEmpty()) {
        return new Outcome(null, false, null);
      }
      // Lambda goes on from the lowest failed sequence number; one it does not know fails all.
      int from = records.size();
      for (JsonNode failure : failures) {
        String sequence = failure.path("itemIdentifier").asText("");
        int at = -1;
        for (int i = 0; i < records.size(); i++) {
          if (records.get(i).dynamodb().sequenceNumber().equals(sequence)) {
            at = i;
          }
        }
        from = Math.min(from, at < 0 ? 0 : at);
      }
      return new Outcome(from, false, null);
    } catch (java.io.IOException unreadable) {
      return new Outcome(0, true, "the response is not JSON: " + unreadable.getMessage());
    }
  }

  private void deadLetter(String shardId, List<Record> records) {
    ObjectNode letter = JSON.createObjectNode();
    letter
        .putObject("requestContext")
        .put("condition", "RetryAttemptsExhausted")
        .put("functionArn", function.name());
    letter
        .putObject("DDBStreamBatchInfo")
        .put("shardId", shardId)
        .put("startSequenceNumber", records.get(0).dynamodb().sequenceNumber())
        .put("endSequenceNumber", records.get(records.size() - 1).dynamodb().sequenceNumber())
        .put("batchSize", records.size())
        .put("streamArn", streamArn);
    deadLetters.add(letter.toString());
    console.invoked(
        "stream",
        source.tableName(),
        records.size()
            + " records given up after "
            + source.maximumRetryAttempts()
            + " retries (dead letter for "
            + source.onFailureLogicalId()
            + ")",
        System.nanoTime());
  }

  private static void pause(int retries) {
    try {
      Thread.sleep(Math.min(1000, RETRY_PAUSE.toMillis() * (retries + 1)));
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the stack is stopping");
    }
  }

  /** The event Lambda would send for these records, in the DynamoDB stream event's shape. */
  private String eventOf(List<Record> records) {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode array = event.putArray("Records");
    records.forEach(record -> array.add(StreamRecordJson.of(record, region, streamArn)));
    return event.toString();
  }

  /** Whether the mapping's filter patterns let the record through to the function. */
  private boolean passesFilter(Record record) {
    return filter.acceptsAll() || filter.accepts(StreamRecordJson.of(record, region, streamArn));
  }
}
