package io.checkmark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time this JVM's threads spent over a stretch of the run, by thread pool (a thread's name
 * without its number, as Linux shows it in {@code /proc/self/task}, the JIT compiler's and the
 * garbage collector's threads included), and the process's in all: where the CPU went, in
 * milliseconds per unit of work, which other load on the machine changes far less than it changes
 * rates. Threads that end during the stretch lose their share; the process total keeps it. Where
 * there is no {@code /proc}, only the total.
 */
final class CpuByThread {

  /** Linux counts a thread's CPU in ticks of this length (USER_HZ, 100 on every current kernel). */
  private static final double MILLIS_PER_TICK = 10;

  private static final Path TASKS = Path.of("/proc/self/task");

  private final Map<String, Long> startByTask = ticksByTask();
  private final long processStart = processCpuNanos();

  /** Milliseconds of CPU per {@code units} since this was made, by pool. */
  Map<String, Double> millisPer(double units) {
    Map<String, Long> ticksByPool = new HashMap<>();
    for (Map.Entry<String, Long> task : ticksByTask().entrySet()) {
      String[] idAndName = task.getKey().split(" ", 2);
      long spent = task.getValue() - startByTask.getOrDefault(task.getKey(), 0L);
      ticksByPool.merge(pool(idAndName[1]), spent, Long::sum);
    }
    Map<String, Double> millis = new HashMap<>();
    ticksByPool.forEach((pool, ticks) -> millis.put(pool, ticks * MILLIS_PER_TICK / units));
    return millis;
  }

  /** The whole process's CPU milliseconds per {@code units} since this was made. */
  double processMillisPer(double units) {
    return (processCpuNanos() - processStart) / 1e6 / units;
  }

  /** {@code lambda-12} and {@code lambda-3} are one pool, as are {@code GC Thread#0} and #1. */
  private static String pool(String threadName) {
    return threadName.replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-", "-");
  }

  /** Ticks of CPU (user and system) by {@code "<task id> <name>"}; empty without {@code /proc}. */
  private static Map<String, Long> ticksByTask() {
    Map<String, Long> ticks = new HashMap<>();
    try (Stream<Path> tasks = Files.list(TASKS)) {
      tasks.forEach(
          task -> {
            try {
              String stat = Files.readString(task.resolve("stat"));
              // pid (comm) state ...: the name may hold spaces and parentheses, so split at the
              // last.
              int open = stat.indexOf('(');
              int close = stat.lastIndexOf(')');
              String[] fields = stat.substring(close + 2).split(" ");
              // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
              long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
              ticks.put(task.getFileName() + " " + stat.substring(open + 1, close), used);
            } catch (IOException | RuntimeException ended) {
              // The thread ended while being read: its time is lost, as for any that ends.
            }
          });
    } catch (IOException noProc) {
      // Not Linux: the total alone.
    }
    return ticks;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
