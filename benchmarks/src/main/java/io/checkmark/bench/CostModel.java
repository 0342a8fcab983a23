package io.checkmark.bench;

import io.checkmark.local.Traffic;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cost per million delivered messages and per connected user-month, from the end-to-end run's
 * counts and AWS list prices, and per million typing events from section 10's. Lambda time is
 * modelled, not measured (the local stack's functions share a JVM with everything else): each
 * invocation costs its own work plus the round trips it waits on, at in-region latencies stated
 * below; for typing, its own work is the warm handler's measured mean.
 */
final class CostModel {

  static final String PRICES_AS_OF = "2026-11-25";
  // us-east-1 list prices, first tier.
  static final double WEBSOCKET_MESSAGE = 1.00 / 1e6;
  static final double CONNECTION_MINUTE = 0.25 / 1e6;
  static final double LAMBDA_REQUEST = 0.20 / 1e6;
  static final double LAMBDA_ARM_GB_SECOND = 0.0000133334;
  static final double DYNAMODB_WRITE_UNIT = 0.625 / 1e6;
  static final double DYNAMODB_READ_UNIT = 0.125 / 1e6;

  static final double FUNCTION_MEMORY_GB = 1.0;
  static final double WORK_PER_INVOCATION_MS = 2;
  static final double DYNAMODB_ROUND_TRIP_MS = 5;
  static final double POST_TO_CONNECTION_MS = 10;

  /** The client SDK pings every 5 minutes and reconnects before API Gateway's 2-hour limit. */
  static final double PINGS_PER_MONTH = 30 * 24 * 60 / 5.0;

  static final double MINUTES_PER_MONTH = 30 * 24 * 60;
  static final double RECONNECTS_PER_MONTH = MINUTES_PER_MONTH / 110;

  /**
   * Typing events per message sent, for what typing adds per message: {@code typing} at the first
   * keystroke and {@code paused} as the message goes, for a message written within the SDK's
   * 3-second repeat (each further 3 seconds of writing adds one {@code typing}).
   */
  static final double TYPING_EVENTS_PER_MESSAGE = 2;

  private static final Set<String> ROUTES_WITHOUT_REPLY = Set.of("$connect", "$disconnect");

  /** Dollars per million delivered messages, by service. */
  record PerMillion(
      double apiGateway, double lambdaRequests, double lambdaDuration, double dynamoDb) {
    double total() {
      return apiGateway + lambdaRequests + lambdaDuration + dynamoDb;
    }
  }

  /**
   * What one typing event took, measured: gateway messages in and out, invocations, pushes ({@code
   * postToConnection}s), DynamoDB requests and units, and the warm handler's own time.
   */
  record TypingEvent(
      double messagesIn,
      double messagesOut,
      double invocations,
      double pushes,
      double requests,
      double readUnits,
      double writeUnits,
      double workMillis) {}

  /** Dollars per million typing events. */
  static PerMillion priceTyping(TypingEvent event) {
    return price(
        event.messagesIn() + event.messagesOut(),
        event.invocations(),
        event.workMillis(),
        event.requests(),
        event.pushes(),
        event.readUnits(),
        event.writeUnits());
  }

  /** Returns the measured cost per million delivered messages. */
  PerMillion report(Report report, EndToEndBenchmark.Outcome run) {
    double delivered = run.delivered();
    Traffic.Snapshot traffic = run.traffic();
    DynamoDbMeter.Reading dynamoDb = run.dynamoDb();
    double messages = (traffic.messagesIn() + traffic.messagesOut()) / delivered;
    double invocations = traffic.invocations() / delivered;
    long replies =
        traffic.invocationsByRoute().entrySet().stream()
            .filter(route -> !ROUTES_WITHOUT_REPLY.contains(route.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    double pushes = Math.max(0, traffic.messagesOut() - replies) / delivered;
    double requests = dynamoDb.requests() / delivered;
    double readUnits = dynamoDb.readUnits() / delivered;
    double writeUnits = dynamoDb.writeUnits() / delivered;
    PerMillion measured =
        price(
            messages, invocations, WORK_PER_INVOCATION_MS, requests, pushes, readUnits, writeUnits);
    // Protocol v2 as built, with every ack and receipt batched away: the send frame, its reply and
    // the push; one send invocation making its transaction (dedup record, session check, rate-limit
    // hit, the copy: four items at the transactional rate, 8 write units) and the recipient lookup
    // (a GSI query, 0.5 read units); the copy's delete inside an ack transaction (2 write units).
    PerMillion minimum = price(3, 1, WORK_PER_INVOCATION_MS, 2, 1, 0.5, 10);
    // The same design with nothing batched, as a conversation one message at a time: also the ack
    // frame and its reply, the receipt's push, its ack frame and reply (8 messages, 3 invocations);
    // the ack transaction (session check, delete, receipt: 6 write units), the receipt's lookup
    // (0.5 read units) and the receipt's conditional delete (1 write unit): 5 requests, 15 write
    // units, 1 read unit.
    PerMillion lockstep = price(8, 3, WORK_PER_INVOCATION_MS, 5, 2, 1, 15);
    // What this run's frames cost whatever the storage behind them (each frame and invocation the
    // protocol asks for), plus the least any queue writes: the copy stored and deleted, 2 units.
    double framesAndLeastStorage =
        measured.apiGateway() + measured.lambdaRequests() + 2 * DYNAMODB_WRITE_UNIT * 1e6;

    report.section("4. DynamoDB requests and capacity units per delivered message");
    report.line(
        "Over the end-to-end run's two phases (%,d messages delivered, each with its delivered receipt),"
            + " counted by an SDK interceptor on every function's client; units are DynamoDB Local's"
            + " `ConsumedCapacity` answers, except for write transactions, counted from the request"
            + " by the service's rule (2 units per started KB of every item).",
        run.delivered());
    report.line("");
    report.line("| operation | requests per message | capacity units per message |");
    report.line("|---|---|---|");
    dynamoDb
        .requestsByOperation()
        .forEach(
            (operation, count) ->
                report.line(
                    "| %s | %.2f | %.2f |",
                    operation,
                    count / delivered,
                    dynamoDb.unitsByOperation().getOrDefault(operation, 0.0) / delivered));
    report.line(
        "| **total** | **%.2f** | **%.2f** (%.2f read, %.2f write) |",
        requests, readUnits + writeUnits, readUnits, writeUnits);
    report.line("");
    report.line(
        "Gateway traffic per delivered message: %.2f WebSocket messages (%.2f in, %.2f out), %.2f function"
            + " invocations (%s), %.2f pushes.",
        messages,
        traffic.messagesIn() / delivered,
        traffic.messagesOut() / delivered,
        invocations,
        perRoute(traffic, delivered),
        pushes);
    report.line("");
    report.target("DynamoDB requests per delivered message", requests, 4, false, "");
    report.target(
        "DynamoDB capacity units per delivered message", readUnits + writeUnits, 5, false, "");

    report.section("5. Cost model");
    report.line(
        "List prices, us-east-1, first tier, as of %s: API Gateway WebSocket $1.00 per million messages"
            + " (32 KB each) and $0.25 per million connection-minutes; Lambda $0.20 per million requests and"
            + " $0.0000133334 per GB-second on arm64; DynamoDB on-demand $0.625 per million write request units"
            + " and $0.125 per million read request units. Lambda time is modelled: %.0f ms of work per"
            + " invocation, %.0f ms per DynamoDB request, %.0f ms per `postToConnection`, at %.0f GB.",
        PRICES_AS_OF,
        WORK_PER_INVOCATION_MS,
        DYNAMODB_ROUND_TRIP_MS,
        POST_TO_CONNECTION_MS,
        FUNCTION_MEMORY_GB);
    report.line("");
    report.line(
        "| per million delivered messages | API Gateway | Lambda requests | Lambda duration | DynamoDB | total |");
    report.line("|---|---|---|---|---|---|");
    row(report, "this run", measured);
    row(report, "theoretical minimum of this design", minimum);
    row(report, "this design, nothing batched", lockstep);
    report.line("");
    report.line(
        "The minimum assumes every ack and receipt batched away, leaving per message the `send` frame,"
            + " its `accepted` reply and the push (3 WebSocket messages), one `send` invocation, its transaction"
            + " (dedup record, session check, rate-limit hit and the copy: 4 items at the transactional rate,"
            + " 8 write units), the recipient lookup (0.5 read units) and the copy's delete inside an ack"
            + " transaction (2 write units). Nothing batched (one message per ack frame) adds the ack and its"
            + " reply, the receipt's push, its ack and reply, the ack transaction (session check, delete,"
            + " receipt: 6 write units), the receipt's lookup and its conditional delete (1 write unit). The send"
            + " transaction alone is $%.2f of DynamoDB and API Gateway's per-message price $%.2f, so no configuration of this"
            + " design reaches $9.00; the project is at %.2f× its minimum and %.2f× the unbatched figure.",
        8 * DYNAMODB_WRITE_UNIT * 1e6,
        minimum.apiGateway(),
        measured.total() / minimum.total(),
        measured.total() / lockstep.total());
    report.line("");
    report.line(
        "Any storage design: this run's WebSocket messages and invocations, which the protocol asks for"
            + " whatever stores the queue (each `ack` answered by `acked`), cost $%.2f, and the least any"
            + " queue writes, the copy stored and deleted (2 write units), $%.2f more: $%.2f per million, %s.",
        measured.apiGateway() + measured.lambdaRequests(),
        2 * DYNAMODB_WRITE_UNIT * 1e6,
        framesAndLeastStorage,
        framesAndLeastStorage > 9
            ? "over $9.00 before the Lambda time of a single request"
            : "under $9.00: the target is open to a queue without transactions");
    double idle =
        MINUTES_PER_MONTH * CONNECTION_MINUTE
            + PINGS_PER_MONTH
                * (2 * WEBSOCKET_MESSAGE
                    + LAMBDA_REQUEST
                    + WORK_PER_INVOCATION_MS / 1000 * FUNCTION_MEMORY_GB * LAMBDA_ARM_GB_SECOND)
            + RECONNECTS_PER_MONTH
                * (2 * LAMBDA_REQUEST
                    + 3 * (DYNAMODB_WRITE_UNIT + DYNAMODB_READ_UNIT)
                    + 2
                        * (WORK_PER_INVOCATION_MS + 2 * DYNAMODB_ROUND_TRIP_MS)
                        / 1000
                        * FUNCTION_MEMORY_GB
                        * LAMBDA_ARM_GB_SECOND);
    report.line("");
    report.line(
        "A connected user-month (always connected, pinging every 5 minutes, reconnecting every 110 minutes)"
            + " costs **$%.4f** before messages; with 1,000 messages delivered to the user a month, **$%.4f**.",
        idle, idle + 1000 * measured.total() / 1e6);
    report.line("");
    report.line(
        "Typing frames are not in these figures (the run sends none); section 10 prices them, per"
            + " typing event and per message.");
    report.target("cost per million delivered messages", measured.total(), 9.00, false, "$");
    return measured;
  }

  private static PerMillion price(
      double messages,
      double invocations,
      double workPerInvocationMillis,
      double requests,
      double pushes,
      double readUnits,
      double writeUnits) {
    double lambdaSeconds =
        (invocations * workPerInvocationMillis
                + requests * DYNAMODB_ROUND_TRIP_MS
                + pushes * POST_TO_CONNECTION_MS)
            / 1000;
    return new PerMillion(
        messages * WEBSOCKET_MESSAGE * 1e6,
        invocations * LAMBDA_REQUEST * 1e6,
        lambdaSeconds * FUNCTION_MEMORY_GB * LAMBDA_ARM_GB_SECOND * 1e6,
        (writeUnits * DYNAMODB_WRITE_UNIT + readUnits * DYNAMODB_READ_UNIT) * 1e6);
  }

  static void row(Report report, String name, PerMillion cost) {
    report.line(
        "| %s | $%.2f | $%.2f | $%.2f | $%.2f | **$%.2f** |",
        name,
        cost.apiGateway(),
        cost.lambdaRequests(),
        cost.lambdaDuration(),
        cost.dynamoDb(),
        cost.total());
  }

  private static String perRoute(Traffic.Snapshot traffic, double delivered) {
    return traffic.invocationsByRoute().entrySet().stream()
        .map(
            route ->
                route.getKey()
                    + " "
                    + String.format(Locale.ROOT, "%.2f", route.getValue() / delivered))
        .collect(Collectors.joining(", "));
  }
}
