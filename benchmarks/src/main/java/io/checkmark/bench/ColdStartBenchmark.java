package io.checkmark.bench;

import io.checkmark.bench.probe.ColdStartProbe;
import io.checkmark.handler.SnapStartProbe;
import io.checkmark.local.LocalStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of the {@code send} handler: a new JVM on one core with the Lambda runtime's JVM flags
 * loads the handler and handles its first event against the local stack's DynamoDB; the same for a
 * naive version of it. Spawn to READY is init, spawn to DONE is what the first user waits for (less
 * the runtime's own start, which is the same for both). Then the same function as SnapStart runs
 * it: init, the priming hook SnapStart calls before its snapshot, and the first event, of which the
 * classes it still loads and its milliseconds are counted.
 */
final class ColdStartBenchmark {

  /** The flags the java21 runtime starts with, for a 1024 MB function, and the template's own. */
  static final List<String> LAMBDA_JVM_FLAGS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xshare:auto",
          "-XX:MaxHeapSize=870m",
          "-XX:MaxMetaspaceSize=100m",
          "-XX:ReservedCodeCacheSize=100m",
          "-XX:+TieredCompilation",
          "-XX:TieredStopAtLevel=1");

  private record Variant(String name, String handlerClass, String classPath) {}

  /** One run: milliseconds from spawn to READY and to DONE. */
  private record Run(double readyMillis, double doneMillis) {}

  /** One primed run: classes loaded during the first event, and its milliseconds. */
  private record PrimedRun(long classes, double eventMillis) {}

  private final LocalStack stack;
  private final Path functionsJar;
  private final String benchmarkClassPath;

  ColdStartBenchmark(LocalStack stack, Path functionsJar, String benchmarkClassPath) {
    this.stack = stack;
    this.functionsJar = functionsJar;
    this.benchmarkClassPath = benchmarkClassPath;
  }

  void run(Report report, int runs) throws Exception {
    Devices devices = new Devices(stack);
    Devices.Device sender = devices.register(true);
    Devices.Device recipient = devices.register(false);
    Path probeClasses = probeClasses();
    Map<String, String> environment = new HashMap<>(stack.environmentOf("SendFunction"));
    // As in Lambda: metrics on (EMF lines on stdout), not the local stack's console-friendly
    // default.
    environment.remove("POWERTOOLS_METRICS_DISABLED");
    List<Variant> variants =
        List.of(
            new Variant(
                "checkmark",
                "io.checkmark.handler.SendHandler",
                probeClasses + java.io.File.pathSeparator + functionsJar.toAbsolutePath()),
            new Variant("naive", "io.checkmark.bench.naive.NaiveSendHandler", benchmarkClassPath));
    String primedClassPath = variants.get(0).classPath();
    Map<String, List<Run>> results = new HashMap<>();
    List<PrimedRun> primed = new ArrayList<>();
    boolean oneCore = Files.isExecutable(Path.of("/usr/bin/taskset"));
    for (int i = 0; i < runs; i++) {
      // Alternate the variants so that a disturbance on the machine hits all alike.
      for (Variant variant : variants) {
        results
            .computeIfAbsent(variant.name(), name -> new ArrayList<>())
            .add(spawn(variant, environment, sender, recipient, variant.name() + "-" + i, oneCore));
      }
      primed.add(
          spawnPrimed(primedClassPath, environment, sender, recipient, "primed-" + i, oneCore));
    }

    report.section("1. Cold start of `send`");
    report.line(
        "%d runs per variant, %s, flags `%s`; first event = a `send` to a registered, offline recipient"
            + " (reads, transaction, connection lookup) against the local stack's DynamoDB.",
        runs,
        oneCore ? "one core (`taskset -c 0`)" : "all cores (no taskset here)",
        String.join(" ", LAMBDA_JVM_FLAGS));
    report.line("");
    report.line(
        "| variant | spawn → ready (median) | spawn → first event done (median) | min | max |");
    report.line("|---|---|---|---|---|");
    for (Variant variant : variants) {
      List<Run> measured = results.get(variant.name());
      double[] done = measured.stream().mapToDouble(Run::doneMillis).sorted().toArray();
      report.line(
          "| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms |",
          variant.name(),
          median(measured.stream().mapToDouble(Run::readyMillis).toArray()),
          median(done),
          done[0],
          done[done.length - 1]);
    }
    report.line("");
    double primedClasses = median(primed.stream().mapToDouble(PrimedRun::classes).toArray());
    double primedMillis = median(primed.stream().mapToDouble(PrimedRun::eventMillis).toArray());
    report.line(
        "As SnapStart runs it (init, then the priming hook `beforeCheckpoint`, then the first event,"
            + " %d runs, same flags): the first event still loads %.0f classes (median; %d to %d)"
            + " and takes %.0f ms (median).",
        primed.size(),
        primedClasses,
        primed.stream().mapToLong(PrimedRun::classes).min().orElseThrow(),
        primed.stream().mapToLong(PrimedRun::classes).max().orElseThrow(),
        primedMillis);
    report.line("");
    double ours = median(results.get("checkmark").stream().mapToDouble(Run::doneMillis).toArray());
    double naive = median(results.get("naive").stream().mapToDouble(Run::doneMillis).toArray());
    report.target("cold start, spawn → first event done (median)", ours, 700, false, "ms");
    report.target("naive / checkmark cold start", naive / ours, 2, true, "×");
    report.target(
        "classes loaded during the first event after SnapStart priming (median)",
        primedClasses,
        100,
        false,
        "classes");
  }

  /**
   * One JVM as SnapStart runs the function: init, the priming hook, the first event, which the
   * probe itself measures (classes loaded, milliseconds).
   */
  private PrimedRun spawnPrimed(
      String classPath,
      Map<String, String> environment,
      Devices.Device sender,
      Devices.Device recipient,
      String clientId,
      boolean oneCore)
      throws IOException, InterruptedException {
    List<String> command = javaCommand(oneCore);
    command.addAll(
        List.of(
            "-cp",
            classPath,
            SnapStartProbe.class.getName(),
            sender.connectionId(),
            recipient.phone(),
            clientId));
    Process process = start(command, environment);
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("DONE ")) {
          String[] done = line.split(" ", 4);
          if (!done[3].contains("\"type\":\"accepted\"")) {
            throw new IllegalStateException("the primed send function answered " + done[3]);
          }
          return new PrimedRun(Long.parseLong(done[1]), Double.parseDouble(done[2]));
        }
      }
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    throw new IllegalStateException(
        "the primed send function ended without handling its event (exit "
            + process.waitFor()
            + ")");
  }

  private static List<String> javaCommand(boolean oneCore) {
    List<String> command = new ArrayList<>();
    if (oneCore) {
      command.addAll(List.of("/usr/bin/taskset", "-c", "0"));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(LAMBDA_JVM_FLAGS);
    return command;
  }

  private static Process start(List<String> command, Map<String, String> environment)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().clear();
    builder.environment().putAll(environment);
    return builder.start();
  }

  private Run spawn(
      Variant variant,
      Map<String, String> environment,
      Devices.Device sender,
      Devices.Device recipient,
      String clientId,
      boolean oneCore)
      throws IOException, InterruptedException {
    List<String> command = javaCommand(oneCore);
    command.addAll(
        List.of(
            "-cp",
            variant.classPath(),
            ColdStartProbe.class.getName(),
            variant.handlerClass(),
            sender.connectionId(),
            recipient.phone(),
            clientId));
    long spawned = System.nanoTime();
    Process process = start(command, environment);
    double ready = -1;
    String reply = null;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        double at = (System.nanoTime() - spawned) / 1e6;
        if (line.equals("READY")) {
          ready = at;
        } else if (line.startsWith("DONE ")) {
          reply = line.substring(5);
          if (!reply.contains("\"type\":\"accepted\"")) {
            throw new IllegalStateException(variant.name() + " answered " + reply);
          }
          process.destroy();
          process.waitFor(10, TimeUnit.SECONDS);
          return new Run(ready, at);
        }
      }
    } finally {
      process.destroyForcibly();
    }
    throw new IllegalStateException(
        variant.name() + " ended without handling its event (exit " + process.waitFor() + ")");
  }

  /**
   * The probes' classes, copied out so that the real variant's class path is the Lambda jar and
   * them only.
   */
  private static Path probeClasses() throws IOException {
    Path directory = Files.createTempDirectory("checkmark-probe");
    for (Class<?> type : List.of(ColdStartProbe.class, SnapStartProbe.class)) {
      String resource = type.getName().replace('.', '/') + ".class";
      Path target = directory.resolve(resource);
      Files.createDirectories(target.getParent());
      try (InputStream bytes =
          ColdStartBenchmark.class.getClassLoader().getResourceAsStream(resource)) {
        Files.copy(bytes, target);
      }
    }
    directory.toFile().deleteOnExit();
    return directory;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
