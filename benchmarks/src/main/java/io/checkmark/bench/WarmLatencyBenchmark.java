package io.checkmark.bench;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import io.checkmark.core.ConnectionPusher;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.Metrics;
import io.checkmark.core.QueueItem;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.Typing;
import io.checkmark.handler.AckHandler;
import io.checkmark.handler.Composition;
import io.checkmark.handler.Frames;
import io.checkmark.handler.OutsideLambdaContext;
import io.checkmark.handler.SendHandler;
import io.checkmark.handler.TypingHandler;
import io.checkmark.local.LocalStack;
import io.checkmark.protocol.WireJson;
import io.checkmark.template.SamTemplate;
import io.checkmark.template.TableCreator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Warm {@code send} and {@code ack}: the real handlers called in-process, one call at a time, after
 * a warm-up, each call timed from event to reply. Once against DynamoDB Local embedded in the JVM
 * (the handler's own cost: parsing, checks, SDK, DynamoDB Local's engine) and once against the
 * local stack's DynamoDB over HTTP (what the functions pay on the local stack). The recipient is
 * connected; pushes go to an in-memory pusher that serializes the frame as the real one does. The
 * same harness times a warm {@code typing} for section 10 ({@link #typing}).
 */
final class WarmLatencyBenchmark {

  /** The latencies of one backend, for the report and the chart. */
  record Latencies(String backend, Histogram send, Histogram ack) {}

  private static final String SENDER_PIN = "111111";
  private static final String RECIPIENT_PIN = "222222";

  /**
   * A connection may send 5 typing frames a second; rounds over this many typist connections, each
   * at least this long, keep every one of them under that, so that every timed call pushes.
   */
  private static final int MAX_TYPIST_CONNECTIONS = 1_000;

  private static final Duration MIN_TYPING_ROUND = Duration.ofMillis(250);
  private static final int TYPING_ROUNDS = 10;

  private final LocalStack stack;
  private final Path template;

  WarmLatencyBenchmark(LocalStack stack, Path template) {
    this.stack = stack;
    this.template = template;
  }

  List<Latencies> run(Report report, int embeddedCalls, int httpCalls) {
    report.section("2. Warm handler latency");
    List<Latencies> results = new ArrayList<>();
    // Telemetry off: no dynamodb-local-metadata.json in the working directory, no calls out.
    DynamoDbClient embedded = DynamoDBEmbedded.create(true).dynamoDbClient();
    try {
      TableCreator.createTables(embedded, SamTemplate.load(template).tables());
      results.add(
          measure(
              "embedded DynamoDB Local", embedded, embeddedCalls, "+14155559601", "+14155559602"));
    } finally {
      embedded.close();
    }
    results.add(
        measure("DynamoDB Local over HTTP", null, httpCalls, "+14155559603", "+14155559604"));
    report.line(
        "| backend | calls | send p50 | send p99 | send max | ack p50 | ack p99 | ack max |");
    report.line("|---|---|---|---|---|---|---|---|");
    for (Latencies latencies : results) {
      report.line(
          "| %s | %,d each | %.2f ms | %.2f ms | %.1f ms | %.2f ms | %.2f ms | %.1f ms |",
          latencies.backend(),
          latencies.send().getTotalCount(),
          millis(latencies.send(), 50),
          millis(latencies.send(), 99),
          latencies.send().getMaxValue() / 1e6,
          millis(latencies.ack(), 50),
          millis(latencies.ack(), 99),
          latencies.ack().getMaxValue() / 1e6);
    }
    report.line("");
    for (Latencies latencies : results) {
      report.target(
          "warm send p50, " + latencies.backend(), millis(latencies.send(), 50), 3, false, "ms");
      report.target(
          "warm send p99, " + latencies.backend(), millis(latencies.send(), 99), 10, false, "ms");
      report.target(
          "warm ack p50, " + latencies.backend(), millis(latencies.ack(), 50), 3, false, "ms");
      report.target(
          "warm ack p99, " + latencies.backend(), millis(latencies.ack(), 99), 10, false, "ms");
    }
    return results;
  }

  private Latencies measure(
      String name, DynamoDbClient dynamoDb, int calls, String sender, String recipient) {
    Map<String, String> environment = new HashMap<>(stack.environmentOf("SendFunction"));
    environment.put("AWS_ACCESS_KEY_ID", "benchmark");
    // Thousands of back-to-back sends from one account: the latency of the work, not of refusals.
    environment.put("SENDS_PER_ACCOUNT_PER_10_SECONDS", "1000000");
    Composition.Builder builder =
        Composition.builder(environment)
            .pusher(new SerializingPusher())
            .metrics(Metrics.NONE)
            .testNumbers(sender + "=" + SENDER_PIN + "," + recipient + "=" + RECIPIENT_PIN);
    if (dynamoDb != null) {
      builder.dynamoDb(dynamoDb);
    }
    Composition backend = builder.build();
    String senderConnection = register(backend.registrationService(), sender, SENDER_PIN);
    String recipientConnection = register(backend.registrationService(), recipient, RECIPIENT_PIN);
    SendHandler send = new SendHandler(backend);
    AckHandler ack = new AckHandler(backend);

    int warmUp = Math.max(200, calls / 5);
    List<String> warmIds = new ArrayList<>();
    for (int i = 0; i < warmUp; i++) {
      warmIds.add(messageId(call(send, senderConnection, sendFrame(recipient, "warm-" + i))));
    }
    for (String id : warmIds) {
      call(ack, recipientConnection, ackFrame(id));
    }

    Histogram sendLatency = new Histogram(60_000_000_000L, 3);
    Histogram ackLatency = new Histogram(60_000_000_000L, 3);
    List<String> ids = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      String frame = sendFrame(recipient, "m-" + i);
      long start = System.nanoTime();
      String reply = call(send, senderConnection, frame);
      sendLatency.recordValue(System.nanoTime() - start);
      ids.add(messageId(reply));
    }
    for (String id : ids) {
      String frame = ackFrame(id);
      long start = System.nanoTime();
      String reply = call(ack, recipientConnection, frame);
      ackLatency.recordValue(System.nanoTime() - start);
      if (!reply.contains("\"count\":1")) {
        throw new IllegalStateException("ack of " + id + " answered " + reply);
      }
    }
    return new Latencies(name, sendLatency, ackLatency);
  }

  /**
   * Warm {@code typing} to a phone with one connected device, on DynamoDB Local embedded in the
   * JVM: {@code calls} calls alternating {@code typing} and {@code paused}, timed from event to
   * return, after two untimed rounds. The typist's device is logged in on many connections (see
   * {@link #MAX_TYPIST_CONNECTIONS}), used in turn; every call must push, or the run fails. What a
   * warm function does per event is here: the session and the typing budget from memory, the
   * recipient's connections (kept 10 s) and account (kept 1 s) read when their time is up, and the
   * push.
   */
  Histogram typing(int calls) throws InterruptedException {
    DynamoDbClient embedded = DynamoDBEmbedded.create(true).dynamoDbClient();
    try {
      TableCreator.createTables(embedded, SamTemplate.load(template).tables());
      String typist = "+14155559605";
      String recipient = "+14155559606";
      Map<String, String> environment = new HashMap<>(stack.environmentOf("TypingFunction"));
      environment.put("AWS_ACCESS_KEY_ID", "benchmark");
      SerializingPusher pusher = new SerializingPusher();
      Composition backend =
          Composition.builder(environment)
              .dynamoDb(embedded)
              .pusher(pusher)
              .metrics(Metrics.NONE)
              .testNumbers(typist + "=" + SENDER_PIN + "," + recipient + "=" + RECIPIENT_PIN)
              .build();
      RegistrationService registration = backend.registrationService();
      String typistKey = registerForKey(registration, typist, SENDER_PIN);
      register(registration, recipient, RECIPIENT_PIN);
      int connections = Math.max(1, Math.min(MAX_TYPIST_CONNECTIONS, calls / TYPING_ROUNDS));
      List<String> typistConnections = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        String connectionId = "warm-typist-" + UUID.randomUUID();
        registration.connect(connectionId, Instant.now(), null, null);
        registration.login(connectionId, typist, null, typistKey, null);
        typistConnections.add(connectionId);
      }
      TypingHandler typing = new TypingHandler(backend);
      Histogram latency = new Histogram(60_000_000_000L, 3);
      int rounds = 2 + (calls + connections - 1) / connections;
      int timed = 0;
      for (int round = 0; round < rounds && timed < calls; round++) {
        long roundStart = System.nanoTime();
        for (int i = 0; i < connections && (round < 2 || timed < calls); i++) {
          String frame = typingFrame(recipient, i % 2 == 0 ? "typing" : "paused");
          long start = System.nanoTime();
          String reply = call(typing, "TypingFunction", typistConnections.get(i), frame);
          long took = System.nanoTime() - start;
          if (reply != null) {
            throw new IllegalStateException("typing answered " + reply);
          }
          if (round >= 2) {
            latency.recordValue(took);
            timed++;
          }
        }
        long left = MIN_TYPING_ROUND.toNanos() - (System.nanoTime() - roundStart);
        if (left > 0) {
          Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
      }
      long expected = (long) 2 * connections + timed;
      if (pusher.typingPushed.sum() != expected) {
        throw new IllegalStateException(
            pusher.typingPushed.sum() + " of " + expected + " typing calls pushed");
      }
      return latency;
    } finally {
      embedded.close();
    }
  }

  private static String registerForKey(RegistrationService registration, String phone, String pin) {
    String connectionId = "warm-" + UUID.randomUUID();
    registration.connect(connectionId, Instant.now(), null, null);
    registration.requestPin(phone, null);
    return registration.verifyPin(connectionId, phone, pin, null).deviceKey();
  }

  private static String register(RegistrationService registration, String phone, String pin) {
    String connectionId = "warm-" + UUID.randomUUID();
    registration.connect(connectionId, Instant.now(), null, null);
    registration.requestPin(phone, null);
    registration.verifyPin(connectionId, phone, pin, null);
    return connectionId;
  }

  private static String call(
      RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler,
      String connectionId,
      String body) {
    return call(handler, "SendFunction", connectionId, body);
  }

  private static String call(
      RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler,
      String function,
      String connectionId,
      String body) {
    APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
    event.setBody(body);
    APIGatewayV2WebSocketEvent.RequestContext request =
        new APIGatewayV2WebSocketEvent.RequestContext();
    request.setConnectionId(connectionId);
    request.setEventType("MESSAGE");
    request.setRequestId(UUID.randomUUID().toString());
    event.setRequestContext(request);
    return handler
        .handleRequest(
            event,
            new OutsideLambdaContext(
                function, "arn:aws:lambda:us-east-1:000000000000:function:" + function, 1024, 10))
        .getBody();
  }

  private static String sendFrame(String to, String clientId) {
    return "{\"action\":\"send\",\"to\":\""
        + to
        + "\",\"id\":\""
        + clientId
        + "\",\"body\":\"warm handler benchmark\"}";
  }

  private static String typingFrame(String to, String state) {
    return "{\"action\":\"typing\",\"to\":\"" + to + "\",\"state\":\"" + state + "\"}";
  }

  private static String ackFrame(String messageId) {
    return "{\"action\":\"ack\",\"messageIds\":[\"" + messageId + "\"]}";
  }

  private static String messageId(String acceptedReply) {
    String id = WireJson.readTree(acceptedReply).path("messageId").asText(null);
    if (id == null) {
      throw new IllegalStateException("send answered " + acceptedReply);
    }
    return id;
  }

  static double millis(Histogram histogram, double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1e6;
  }

  /**
   * Stands in for the management API: serializes the frame as the real pusher does, then reports it
   * delivered.
   */
  private static final class SerializingPusher implements ConnectionPusher {

    private final LongAdder typingPushed = new LongAdder();

    @Override
    public PushResult push(String connectionId, QueueItem item) {
      return WireJson.write(Frames.of(item)).isEmpty() ? PushResult.FAILED : PushResult.DELIVERED;
    }

    @Override
    public PushResult pushDeviceReplaced(String connectionId) {
      return PushResult.DELIVERED;
    }

    @Override
    public PushResult pushDeviceUnlinked(String connectionId) {
      return PushResult.DELIVERED;
    }

    @Override
    public PushResult pushLinked(String connectionId, DeviceRef device, String deviceKey) {
      return PushResult.DELIVERED;
    }

    @Override
    public PushResult pushTyping(String connectionId, Typing typing) {
      if (WireJson.write(Frames.typing(typing)).isEmpty()) {
        return PushResult.FAILED;
      }
      typingPushed.increment();
      return PushResult.DELIVERED;
    }

    @Override
    public int sizeAsPushed(QueueItem item) {
      return Frames.sizeAsPushed(item);
    }

    @Override
    public void close(String connectionId) {}

    @Override
    public Liveness liveness(String connectionId) {
      return Liveness.OPEN;
    }
  }
}
