package io.checkmark.local;

import io.checkmark.local.FaultPlan.CrashPoint;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * One invocation of a function, as the AWS SDK calls made on its thread see it: whether it has
 * crashed, by the fault plan, after its first successful DynamoDB write ({@link
 * CrashPoint#AFTER_WRITE_BEFORE_PUSH} for a WebSocket route, {@link CrashPoint#MID_FAN_OUT_BATCH}
 * for a stream's batch) or, having run fully, before its result is returned ({@link
 * CrashPoint#AFTER_PUSH_BEFORE_REPLY}). A crashed invocation's later SDK calls fail before they
 * leave it ({@link InvocationCrashes}), and its result is replaced by an {@link InjectedCrash}, as
 * nothing of a dead Lambda's work reaches AWS or its caller.
 *
 * <p>Calls are tied to the invocation by the thread that runs it: calls a function makes on threads
 * of its own (a pool pushing in parallel) are not, and go on as a crash might let them.
 */
final class Invocation {

  /** What triggered an invocation, which decides where it crashes after a write. */
  enum Trigger {
    WEBSOCKET_ROUTE(CrashPoint.AFTER_WRITE_BEFORE_PUSH),
    STREAM(CrashPoint.MID_FAN_OUT_BATCH);

    private final CrashPoint afterFirstWrite;

    Trigger(CrashPoint afterFirstWrite) {
      this.afterFirstWrite = afterFirstWrite;
    }
  }

  /** The DynamoDB operations that write. */
  static final Set<String> DYNAMODB_WRITES =
      Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");

  private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();

  private final String function;
  private final Trigger trigger;
  private final Faults faults;
  private boolean wrote;
  private CrashPoint crashedAt;

  private Invocation(String function, Trigger trigger, Faults faults) {
    this.function = function;
    this.trigger = trigger;
    this.faults = faults;
  }

  /**
   * Runs one invocation of {@code function} on this thread: its result, or an {@link InjectedCrash}
   * when the plan crashed it, or what it threw.
   */
  static String run(String function, Trigger trigger, Faults faults, Callable<String> handler)
      throws Exception {
    Invocation invocation = new Invocation(function, trigger, faults);
    CURRENT.set(invocation);
    String result;
    try {
      result = handler.call();
    } catch (Exception failure) {
      if (invocation.crashedAt != null) {
        throw new InjectedCrash(invocation.crashedAt);
      }
      throw failure;
    } finally {
      CURRENT.remove();
    }
    if (invocation.crashedAt != null) {
      throw new InjectedCrash(invocation.crashedAt);
    }
    if (faults.crashes(function, CrashPoint.AFTER_PUSH_BEFORE_REPLY)) {
      throw new InjectedCrash(CrashPoint.AFTER_PUSH_BEFORE_REPLY);
    }
    return result;
  }

  /** The invocation running on this thread, if any. */
  static Optional<Invocation> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Refuses an SDK call of an invocation that has crashed. */
  void beforeCall(String service, String operation) {
    if (crashedAt != null) {
      throw new InjectedCrash(crashedAt, service + " " + operation);
    }
  }

  /** Notes a DynamoDB call that succeeded: the first write is where the plan may crash it. */
  void afterDynamoDbSuccess(String operation) {
    if (!wrote && crashedAt == null && DYNAMODB_WRITES.contains(operation)) {
      wrote = true;
      if (faults.crashes(function, trigger.afterFirstWrite)) {
        crashedAt = trigger.afterFirstWrite;
      }
    }
  }
}
