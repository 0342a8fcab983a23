package io.checkmark.local;

import io.checkmark.local.FaultPlan.CrashFault;
import io.checkmark.local.FaultPlan.CrashPoint;
import io.checkmark.local.FaultPlan.DynamoDbError;
import io.checkmark.local.FaultPlan.DynamoDbFault;
import io.checkmark.local.FaultPlan.ManagementApiFault;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fault plan in force and its random choices: every edge of the stack asks here whether the
 * call in hand is to fail. Each rule draws from a random of its own, seeded from the plan's seed
 * and the rule's place in the plan, once for every call it matches; so the same seed and the same
 * sequence of calls give the same faults, and a rule's schedule does not shift when rules are added
 * after it or in other sections. Counts what was injected, by kind, since the stack started.
 */
final class Faults {

  /** What a DynamoDB call gets: first a wait, then an error or DynamoDB's own answer. */
  record DynamoDbOutcome(int latencyMs, DynamoDbError error) {
    static final DynamoDbOutcome NONE = new DynamoDbOutcome(0, null);
  }

  private final Set<String> tables;
  private final Set<String> functions;
  private final Duration idleTimeout;
  private final Duration maxConnectionAge;
  private final PrintStream console;
  private final Map<String, LongAdder> injected = new ConcurrentHashMap<>();
  private final List<Runnable> connectionLimitListeners = new CopyOnWriteArrayList<>();
  private volatile Active active = new Active(FaultPlan.NONE);

  /**
   * @param tables the template's table logical ids, which DynamoDB rules may name
   * @param functions the template's function logical ids, which crash rules may name
   * @param idleTimeout the options' idle timeout, in force when the plan sets none
   * @param maxConnectionAge the options' connection maximum, in force when the plan sets none
   * @param console where a change of faults is announced
   */
  Faults(
      Set<String> tables,
      Set<String> functions,
      Duration idleTimeout,
      Duration maxConnectionAge,
      PrintStream console) {
    this.tables = Set.copyOf(tables);
    this.functions = Set.copyOf(functions);
    this.idleTimeout = idleTimeout;
    this.maxConnectionAge = maxConnectionAge;
    this.console = console;
  }

  /** Puts a plan in force as {@link #install} does, and says on the console what is in force. */
  FaultPlan set(FaultPlan plan) {
    FaultPlan installed = install(plan);
    console.println(
        installed.isEmpty()
            ? "Faults healed: none from now on"
            : "Faults now: " + installed.describe());
    return installed;
  }

  /**
   * Puts a plan in force, after checking the tables and functions it names against the template; a
   * plan without a seed gets one. Returns the plan in force.
   */
  FaultPlan install(FaultPlan plan) {
    plan.validated();
    for (int i = 0; i < plan.dynamodb().size(); i++) {
      String table = plan.dynamodb().get(i).table();
      if (!table.equals(FaultPlan.ANY) && !tables.contains(table)) {
        throw new IllegalArgumentException(
            "dynamodb["
                + i
                + "].table: the template has no table "
                + table
                + "; use * or one of "
                + String.join(", ", new TreeSet<>(tables)));
      }
    }
    for (int i = 0; i < plan.crashes().size(); i++) {
      String function = plan.crashes().get(i).function();
      if (!function.equals(FaultPlan.ANY) && !functions.contains(function)) {
        throw new IllegalArgumentException(
            "crashes["
                + i
                + "].function: the template has no function "
                + function
                + "; use * or one of "
                + String.join(", ", new TreeSet<>(functions)));
      }
    }
    FaultPlan seeded =
        plan.seed() != null || plan.isEmpty()
            ? plan
            : plan.withSeed(ThreadLocalRandom.current().nextInt(1_000_000));
    active = new Active(seeded);
    connectionLimitListeners.forEach(Runnable::run);
    return seeded;
  }

  FaultPlan plan() {
    return active.plan;
  }

  /** How many faults of each kind were injected since the stack started, by kind. */
  Map<String, Long> injected() {
    Map<String, Long> counts = new TreeMap<>();
    injected.forEach((kind, count) -> counts.put(kind, count.sum()));
    return counts;
  }

  /** Whether some DynamoDB rule names a table, so that a call's tables must be read. */
  boolean dynamoDbRulesNameTables() {
    return active.dynamoDbRulesNameTables;
  }

  boolean hasDynamoDbRules() {
    return !active.dynamoDb.isEmpty();
  }

  /** What the plan does to one DynamoDB call on these tables (logical ids). */
  DynamoDbOutcome dynamoDb(String operation, Set<String> calledTables) {
    int latency = 0;
    DynamoDbError error = null;
    for (Rule<DynamoDbFault> rule : active.dynamoDb) {
      if (rule.fault.matches(operation, calledTables) && rule.fires(rule.fault.rate())) {
        if (rule.fault.latencyMs() != null) {
          latency += rule.fault.latencyMs();
          count("dynamodb.latency");
        }
        if (error == null && rule.fault.error() != null) {
          error = rule.fault.error();
        }
      }
    }
    if (error != null) {
      count("dynamodb." + error.jsonName());
    }
    return latency == 0 && error == null
        ? DynamoDbOutcome.NONE
        : new DynamoDbOutcome(latency, error);
  }

  /** Counts a DynamoDB failure scripted by {@link LocalStack#failDynamoDbCalls}. */
  void countScriptedDynamoDbFailure() {
    count("dynamodb." + DynamoDbError.INTERNAL_SERVER_ERROR.jsonName());
  }

  /** The status a management API call is to get instead of its answer, or 0. */
  int managementApiStatus() {
    int status = 0;
    for (Rule<ManagementApiFault> rule : active.managementApi) {
      if (rule.fires(rule.fault.rate()) && status == 0) {
        status = rule.fault.status();
      }
    }
    if (status != 0) {
      count("managementApi." + status);
    }
    return status;
  }

  /** Whether an invocation of this function crashes at this point. */
  boolean crashes(String functionLogicalId, CrashPoint point) {
    boolean crash = false;
    for (Rule<CrashFault> rule : active.crashes) {
      if (rule.fault.matches(functionLogicalId, point) && rule.fires(rule.fault.rate())) {
        crash = true;
      }
    }
    if (crash) {
      count("crash." + point.jsonName());
    }
    return crash;
  }

  /** Whether the {@code $disconnect} of a connection that closed is lost. */
  boolean dropsDisconnect() {
    Rule<Double> rule = active.disconnectDrops;
    boolean dropped = rule != null && rule.fires(rule.fault);
    if (dropped) {
      count("disconnect.dropped");
    }
    return dropped;
  }

  /** Whether an SMS publish fails. */
  boolean failsSms() {
    Rule<Double> rule = active.smsFailures;
    boolean failed = rule != null && rule.fires(rule.fault);
    if (failed) {
      count("sns.sms");
    }
    return failed;
  }

  /** Whether a push publish fails. */
  boolean failsPush() {
    Rule<Double> rule = active.pushFailures;
    boolean failed = rule != null && rule.fires(rule.fault);
    if (failed) {
      count("sns.push");
    }
    return failed;
  }

  /** How long a connection may stay silent now. */
  Duration idleTimeout() {
    FaultPlan.ConnectionLimits limits = active.plan.connections();
    return limits == null || limits.idleTimeoutSeconds() == null
        ? idleTimeout
        : Duration.ofSeconds(limits.idleTimeoutSeconds());
  }

  /** How long a connection may stay open now. */
  Duration maxConnectionAge() {
    FaultPlan.ConnectionLimits limits = active.plan.connections();
    return limits == null || limits.maxAgeSeconds() == null
        ? maxConnectionAge
        : Duration.ofSeconds(limits.maxAgeSeconds());
  }

  /** Runs {@code listener} whenever a plan is put in force, so that it applies the new limits. */
  void onConnectionLimitsChange(Runnable listener) {
    connectionLimitListeners.add(listener);
  }

  private void count(String kind) {
    injected.computeIfAbsent(kind, any -> new LongAdder()).increment();
  }

  /** A fault with its own seeded random. */
  private static final class Rule<F> {
    final F fault;
    private final SplittableRandom random;

    Rule(F fault, long seed, String kind, int index) {
      this.fault = fault;
      // The golden ratio's odd multiplier spreads neighbouring seeds apart; the kind and index
      // give every rule a stream of its own.
      this.random =
          new SplittableRandom(seed * 0x9E3779B97F4A7C15L + kind.hashCode() * 1_000_003L + index);
    }

    synchronized boolean fires(double rate) {
      return random.nextDouble() < rate;
    }
  }

  /** A plan with the randoms of its rules, swapped as a whole when the plan changes. */
  private static final class Active {
    final FaultPlan plan;
    final List<Rule<DynamoDbFault>> dynamoDb = new ArrayList<>();
    final List<Rule<ManagementApiFault>> managementApi = new ArrayList<>();
    final List<Rule<CrashFault>> crashes = new ArrayList<>();
    final Rule<Double> disconnectDrops;
    final Rule<Double> smsFailures;
    final Rule<Double> pushFailures;
    final boolean dynamoDbRulesNameTables;

    Active(FaultPlan plan) {
      this.plan = plan;
      long seed = plan.seed() == null ? 0 : plan.seed();
      for (int i = 0; i < plan.dynamodb().size(); i++) {
        dynamoDb.add(new Rule<>(plan.dynamodb().get(i), seed, "dynamodb", i));
      }
      for (int i = 0; i < plan.managementApi().size(); i++) {
        managementApi.add(new Rule<>(plan.managementApi().get(i), seed, "managementApi", i));
      }
      for (int i = 0; i < plan.crashes().size(); i++) {
        crashes.add(new Rule<>(plan.crashes().get(i), seed, "crashes", i));
      }
      disconnectDrops =
          plan.disconnects() == null
              ? null
              : new Rule<>(plan.disconnects().dropRate(), seed, "disconnects", 0);
      smsFailures =
          plan.sns() == null || plan.sns().smsFailureRate() == null
              ? null
              : new Rule<>(plan.sns().smsFailureRate(), seed, "sns.sms", 0);
      pushFailures =
          plan.sns() == null || plan.sns().pushFailureRate() == null
              ? null
              : new Rule<>(plan.sns().pushFailureRate(), seed, "sns.push", 0);
      dynamoDbRulesNameTables =
          plan.dynamodb().stream().anyMatch(rule -> !rule.table().equals(FaultPlan.ANY));
    }
  }
}
