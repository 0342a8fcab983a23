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
import io.checkmark.local.LocalStack;
import io.checkmark.protocol.WireJson;
import io.checkmark.template.SamTemplate;
import io.checkmark.template.TableCreator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Warm {@code send} and {@code ack}: the real handlers called in-process, one call at a time, after
 * a warm-up, each call timed from event to reply. Once against DynamoDB Local embedded in the JVM
 * (the handler's own cost: parsing, checks, SDK, DynamoDB Local's engine) and once against the
 * local stack's DynamoDB over HTTP (what the functions pay on the local stack). The recipient is
 * connected; pushes go to an in-memory pusher that serializes the frame as the real one does.
 */
final class WarmLatencyBenchmark {

  /** The latencies of one backend, for the report and the chart. */
  record Latencies(String backend, Histogram send, Histogram ack) {}

  private static final String SENDER_PIN = "111111";
  private static final String RECIPIENT_PIN = "222222";

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
                "SendFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:SendFunction",
                1024,
                10))
        .getBody();
  }

  private static String sendFrame(String to, String clientId) {
    return "{\"action\":\"send\",\"to\":\""
        + to
        + "\",\"id\":\""
        + clientId
        + "\",\"body\":\"warm handler benchmark\"}";
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
      return WireJson.write(Frames.typing(typing)).isEmpty()
          ? PushResult.FAILED
          : PushResult.DELIVERED;
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
