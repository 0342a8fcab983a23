package io.checkmark.local;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the gateway has carried, counted as API Gateway bills it: messages in from clients, messages
 * out to them (route replies and management-API posts), and function invocations by route. The
 * benchmarks turn these into cost per delivered message.
 */
public final class Traffic {

  /** The counts at one moment; {@link #since} gives those of an interval. */
  public record Snapshot(Map<String, Long> invocationsByRoute, long messagesIn, long messagesOut) {

    public long invocations() {
      return invocationsByRoute.values().stream().mapToLong(Long::longValue).sum();
    }

    public Snapshot since(Snapshot earlier) {
      Map<String, Long> invocations = new TreeMap<>(invocationsByRoute);
      earlier.invocationsByRoute.forEach(
          (route, count) -> invocations.merge(route, -count, Long::sum));
      invocations.values().removeIf(count -> count == 0);
      return new Snapshot(
          invocations, messagesIn - earlier.messagesIn, messagesOut - earlier.messagesOut);
    }
  }

  private final Map<String, LongAdder> invocations = new ConcurrentHashMap<>();
  private final LongAdder messagesIn = new LongAdder();
  private final LongAdder messagesOut = new LongAdder();

  void invoked(String routeKey) {
    invocations.computeIfAbsent(routeKey, key -> new LongAdder()).increment();
  }

  void messageIn() {
    messagesIn.increment();
  }

  void messageOut() {
    messagesOut.increment();
  }

  public Snapshot snapshot() {
    Map<String, Long> byRoute = new TreeMap<>();
    invocations.forEach((route, count) -> byRoute.put(route, count.sum()));
    return new Snapshot(byRoute, messagesIn.sum(), messagesOut.sum());
  }
}
