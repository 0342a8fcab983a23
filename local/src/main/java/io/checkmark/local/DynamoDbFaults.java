package io.checkmark.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DynamoDB failures injected on purpose, to see a function crash half-way and the system recover:
 * the next calls of one operation by one function (told apart by the access key it signs with, its
 * logical id) are answered with DynamoDB's {@code InternalServerError}, which the SDK retries and,
 * when every attempt got one, throws.
 */
final class DynamoDbFaults {

  private static final Pattern ACCESS_KEY = Pattern.compile("Credential=([^/]+)/");
  private static final String OPERATION_PREFIX = "DynamoDB_20120810.";

  private final Map<String, Countdown> rules = new ConcurrentHashMap<>();

  /**
   * After {@code afterCalls} more calls of {@code operation} (e.g. TransactWriteItems) by the
   * function succeed, the {@code times} calls after them fail.
   */
  void fail(String functionLogicalId, String operation, int afterCalls, int times) {
    rules.put(functionLogicalId + " " + operation, new Countdown(afterCalls, times));
  }

  /** Calls to let through, then calls to fail. */
  private record Countdown(AtomicInteger toPass, AtomicInteger toFail) {
    Countdown(int toPass, int toFail) {
      this(new AtomicInteger(toPass), new AtomicInteger(toFail));
    }

    boolean failsNow() {
      return toPass.getAndDecrement() <= 0 && toFail.getAndDecrement() > 0;
    }
  }

  /** Whether this request is to be failed, counting it if so. */
  boolean failsNow(String target, String authorization) {
    if (rules.isEmpty() || target == null || authorization == null) {
      return false;
    }
    Matcher key = ACCESS_KEY.matcher(authorization);
    if (!target.startsWith(OPERATION_PREFIX) || !key.find()) {
      return false;
    }
    Countdown rule = rules.get(key.group(1) + " " + target.substring(OPERATION_PREFIX.length()));
    return rule != null && rule.failsNow();
  }
}
