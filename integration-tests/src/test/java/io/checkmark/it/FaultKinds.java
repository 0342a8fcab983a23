package io.checkmark.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.local.FaultPlan;
import io.checkmark.local.LocalStack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault plans a reliability run puts on the local stack (docs/reliability.md lists them), one
 * kind at a time or all together; each takes the run's seed, so that a seed replays its faults.
 */
final class FaultKinds {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The happy path: nothing injected. */
  static final ReliabilityRun.Faults NONE = new Plan("none", "{}");

  /**
   * Every DynamoDB call of every function and table may be throttled, fail, time out (the call runs
   * and its answer is lost) or be slowed; the functions' SDK retries, and beyond its attempts the
   * invocation fails.
   */
  static final ReliabilityRun.Faults DYNAMODB =
      new Plan(
          "dynamodb",
          """
          {"dynamodb":[
            {"operation":"*","table":"*","error":"ProvisionedThroughputExceededException","rate":0.05},
            {"operation":"*","table":"*","error":"ThrottlingException","rate":0.03},
            {"operation":"*","table":"*","error":"InternalServerError","rate":0.03},
            {"operation":"*","table":"*","error":"timeout","rate":0.02},
            {"operation":"*","table":"*","latencyMs":10,"rate":0.2}]}
          """);

  /**
   * DynamoDB faults at rates the functions' SDK retries absorb (a call fails for good only when all
   * three of its attempts fail): what the build's short run injects, as AWS throttles and fails a
   * call now and then.
   */
  static final ReliabilityRun.Faults DYNAMODB_RETRIED =
      new Plan(
          "dynamodbRetried",
          """
          {"dynamodb":[
            {"operation":"*","table":"*","error":"ProvisionedThroughputExceededException","rate":0.01},
            {"operation":"*","table":"*","error":"ThrottlingException","rate":0.005},
            {"operation":"*","table":"*","error":"InternalServerError","rate":0.003},
            {"operation":"*","table":"*","error":"timeout","rate":0.002},
            {"operation":"*","table":"*","latencyMs":10,"rate":0.2}]}
          """);

  /** Pushes and connection look-ups answered 410 (gone), 429 (throttled) or 500. */
  static final ReliabilityRun.Faults MANAGEMENT_API =
      new Plan(
          "managementApi",
          """
          {"managementApi":[{"status":410,"rate":0.03},{"status":429,"rate":0.05},
            {"status":500,"rate":0.05}]}
          """);

  /**
   * Sends crash after storing and before pushing, any function after doing its work and before
   * answering, and fan-out batches half-way.
   */
  static final ReliabilityRun.Faults CRASHES =
      new Plan(
          "crashes",
          """
          {"crashes":[{"function":"SendFunction","point":"afterWriteBeforePush","rate":0.05},
            {"function":"*","point":"afterPushBeforeReply","rate":0.03},
            {"function":"FanOutFunction","point":"midFanOutBatch","rate":0.2}]}
          """);

  /**
   * Connections closed every few seconds, half of them without {@code $disconnect}, so that stale
   * connection rows meet pushes.
   */
  static final ReliabilityRun.Faults DISCONNECTS =
      new Plan(
          "disconnects",
          """
          {"disconnects":{"dropRate":0.5},"connections":{"maxAgeSeconds":6}}
          """);

  /** API Gateway's idle timeout and 2-hour limit, brought down to seconds. */
  static final ReliabilityRun.Faults CONNECTIONS =
      new Plan(
          "connections",
          """
          {"connections":{"idleTimeoutSeconds":3,"maxAgeSeconds":5}}
          """);

  /** SMS and push publishes failing (the run's devices have push tokens). */
  static final ReliabilityRun.Faults SNS =
      new Plan(
          "sns",
          """
          {"sns":{"smsFailureRate":0.2,"pushFailureRate":0.2}}
          """);

  /** Every kind above at once (the connection lifetimes of {@link #CONNECTIONS}). */
  static final ReliabilityRun.Faults ALL =
      together("all", DYNAMODB, MANAGEMENT_API, CRASHES, DISCONNECTS, CONNECTIONS, SNS);

  private FaultKinds() {}

  /** Every kind by its name, the happy path first and all together last. */
  static Map<String, ReliabilityRun.Faults> all() {
    Map<String, ReliabilityRun.Faults> kinds = new LinkedHashMap<>();
    for (ReliabilityRun.Faults kind :
        List.of(
            NONE,
            DYNAMODB_RETRIED,
            DYNAMODB,
            MANAGEMENT_API,
            CRASHES,
            DISCONNECTS,
            CONNECTIONS,
            SNS,
            ALL)) {
      kinds.put(kind.name(), kind);
    }
    return kinds;
  }

  /** The kinds named in a comma-separated list; every kind when it is blank. */
  static List<ReliabilityRun.Faults> named(String names) {
    Map<String, ReliabilityRun.Faults> kinds = all();
    if (names.isBlank()) {
      return List.copyOf(kinds.values());
    }
    List<ReliabilityRun.Faults> chosen = new ArrayList<>();
    for (String name : Arrays.stream(names.split(",")).map(String::trim).toList()) {
      ReliabilityRun.Faults kind = kinds.get(name);
      if (kind == null) {
        throw new IllegalArgumentException(
            "no fault kind '" + name + "'; the kinds are " + kinds.keySet());
      }
      chosen.add(kind);
    }
    return chosen;
  }

  /**
   * The kinds' plans in one: each section as the last kind naming it has it, so that the plan stays
   * what each kind alone documents.
   */
  static ReliabilityRun.Faults together(String name, ReliabilityRun.Faults... kinds) {
    ObjectNode plan = JSON.createObjectNode();
    for (ReliabilityRun.Faults kind : kinds) {
      try {
        plan.setAll((ObjectNode) JSON.readTree(((Plan) kind).json()));
      } catch (JsonProcessingException malformed) {
        throw new IllegalArgumentException(
            "fault kind " + kind.name() + ": " + malformed, malformed);
      }
    }
    return new Plan(name, plan.toString());
  }

  /** A fault plan in its JSON form (docs/faults.md), put in force with the run's seed. */
  private record Plan(String name, String json) implements ReliabilityRun.Faults {

    @Override
    public void inject(LocalStack stack, long seed) {
      stack.setFaults(FaultPlan.fromJson(json).withSeed(seed));
    }

    @Override
    public void heal(LocalStack stack) {
      stack.healFaults();
    }

    @Override
    public Map<String, Long> injected(LocalStack stack) {
      return stack.injectedFaults();
    }
  }
}
