package io.checkmark.bench;

import io.checkmark.local.LocalStack;
import io.checkmark.local.LocalStackOptions;
import io.checkmark.testsupport.ProjectStack;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Runs every benchmark in one go and records the run: {@code docs/benchmarks.md} gets the figures
 * between its result markers, {@code docs/benchmarks/latency.svg} the chart. Targets are reported
 * as met or missed; none fails the run. {@code --quick} is the CI smoke run: the same harness on
 * small numbers, checking that it works, not the targets. {@code --only} runs some sections (by
 * their numbers in the results) and prints them; it writes a page only where {@code --docs} says,
 * so that a partial run never replaces the recorded full one.
 *
 * <pre>
 * java -jar benchmarks/target/checkmark-benchmarks.jar [--quick] [--only N,...] [--root DIR]
 *     [--docs DIR]
 * </pre>
 */
public final class BenchmarkSuite {

  static final String RESULTS_START = "<!-- benchmark results: written by the benchmark suite -->";
  static final String RESULTS_END = "<!-- end of benchmark results -->";

  /** The sections, by their numbers in the results. */
  static final int COLD_START = 1;

  static final int WARM_LATENCY = 2;
  static final int END_TO_END = 3;
  static final int DYNAMODB_PER_MESSAGE = 4;
  static final int COST_MODEL = 5;
  static final int LINKED_DEVICES = 6;
  static final int GROUPS = 7;
  static final int MEDIA = 8;
  static final int PUSH = 9;
  static final int TYPING_AND_BLOCKING = 10;
  static final int SCALE = 11;
  static final Set<Integer> ALL_SECTIONS =
      IntStream.rangeClosed(COLD_START, SCALE).boxed().collect(Collectors.toUnmodifiableSet());

  /** How big a run is. */
  record Size(
      int coldStartRuns,
      int warmEmbeddedCalls,
      int warmHttpCalls,
      int pairs,
      Duration phase,
      int inFlightPerSender,
      int idleConnections,
      int fanOutPairs,
      int fanOutMessages,
      int[] groupSizes,
      int groupMessages,
      long[] mediaFileSizes,
      int pushSendsPerPhase,
      int pushMixPhones,
      Duration pushMix,
      int blockingPairs,
      int blockingMessages,
      int typingPairs,
      int typingRounds,
      int warmTypingCalls) {
    static final Size FULL =
        new Size(
            10,
            10_000,
            2_000,
            100,
            Duration.ofSeconds(15),
            // Two each: at this machine's 30 to 40 msg/s, 4 each (400 unanswered) waited past the
            // client SDK's 10 s resend, and the resends' work was counted as the messages'; one
            // each leaves no two messages of a conversation to batch an ack or a receipt.
            2,
            10_000,
            10,
            50,
            new int[] {10, 100, 1024},
            20,
            new long[] {1_000_000, 100_000_000},
            150,
            40,
            Duration.ofSeconds(20),
            5,
            10,
            5,
            10,
            10_000);
    static final Size QUICK =
        new Size(
            2,
            300,
            100,
            10,
            Duration.ofSeconds(3),
            4,
            300,
            2,
            5,
            new int[] {10, 30},
            3,
            new long[] {1_000_000, 4_000_000},
            20,
            10,
            Duration.ofSeconds(4),
            2,
            2,
            2,
            1,
            300);
  }

  /**
   * Where the project is, where the run is written (null: nowhere), how big it is, and which
   * sections run.
   */
  record Options(Path root, Path docs, Size size, Set<Integer> sections) {

    /** Every section, written to {@code docs}. */
    Options(Path root, Path docs, Size size) {
      this(root, docs, size, ALL_SECTIONS);
    }

    boolean runs(int section) {
      return sections.contains(section);
    }
  }

  private BenchmarkSuite() {}

  /** The command line, as picocli reads it. */
  @Command(
      mixinStandardHelpOptions = true,
      version = "checkmark benchmarks 0.1",
      name = "java -jar benchmarks/target/checkmark-benchmarks.jar",
      description = "Runs every benchmark and writes docs/benchmarks.md and its chart.")
  static final class Arguments {
    @Option(names = "--quick", description = "the CI smoke run: small numbers, targets not checked")
    boolean quick;

    @Option(
        names = "--root",
        paramLabel = "DIR",
        defaultValue = ".",
        description = "the project, built (default: the current directory)")
    Path root;

    @Option(
        names = "--docs",
        paramLabel = "DIR",
        description =
            "where the results are written (default: DIR/docs; with --only, nowhere unless given)")
    Path docs;

    @Option(
        names = "--only",
        split = ",",
        paramLabel = "N",
        description =
            "run only these sections, by their numbers in the results (4 and 5 come from 3, so"
                + " asking for either runs 3); e.g. --only 3,10")
    Set<Integer> only;
  }

  public static void main(String[] args) throws Exception {
    CommandLine commandLine = new CommandLine(new Arguments());
    Options options;
    try {
      commandLine.parseArgs(args);
      if (CommandLine.printHelpIfRequested(commandLine.getParseResult())) {
        return;
      }
      options = optionsOf(commandLine, commandLine.getCommand());
    } catch (ParameterException refused) {
      System.err.println(refused.getMessage() + " (--help lists the options)");
      System.exit(2);
      return;
    }
    List<Report.Target> targets;
    try {
      targets = run(options, System.out);
    } catch (Exception failure) {
      failure.printStackTrace();
      // The SDK clients and the stack's threads would keep the JVM alive.
      System.exit(1);
      return;
    }
    long missed = targets.stream().filter(target -> !target.met()).count();
    System.out.printf(
        "%nBenchmarks done: %d targets, %d met, %d missed. %s%n",
        targets.size(),
        targets.size() - missed,
        missed,
        options.docs() == null
            ? "Not written (a partial run: --docs DIR writes it)."
            : "Written to " + options.docs().resolve("benchmarks.md") + ".");
    System.exit(0);
  }

  static Options optionsOf(CommandLine commandLine, Arguments arguments) {
    Size size = arguments.quick ? Size.QUICK : Size.FULL;
    if (arguments.only == null) {
      return new Options(
          arguments.root,
          arguments.docs == null ? arguments.root.resolve("docs") : arguments.docs,
          size);
    }
    Set<Integer> sections = new TreeSet<>(arguments.only);
    if (!ALL_SECTIONS.containsAll(sections)) {
      throw new ParameterException(
          commandLine, "--only takes section numbers " + COLD_START + " to " + SCALE);
    }
    if (sections.contains(DYNAMODB_PER_MESSAGE) || sections.contains(COST_MODEL)) {
      sections.add(END_TO_END);
    }
    if (sections.contains(END_TO_END)) {
      sections.addAll(List.of(DYNAMODB_PER_MESSAGE, COST_MODEL));
    }
    return new Options(arguments.root, arguments.docs, size, Set.copyOf(sections));
  }

  static List<Report.Target> run(Options options, PrintStream console) throws Exception {
    Path template = options.root().resolve("template.yaml");
    Path functionsJar =
        requireFile(options.root().resolve("functions/target/checkmark-functions.jar"));
    Path localStackJar = requireFile(options.root().resolve("local/target/checkmark-local.jar"));
    Size size = options.size();
    Report report = new Report(console);
    report.line(
        "Run of %s on %s: %d cores, %s, Java %s (%s).",
        LocalDate.now(),
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.version"),
        size == Size.QUICK ? "quick mode" : "full run");

    LatencyChart chart = new LatencyChart();
    // The end-to-end phases send back to back from few accounts, and every linked device asks for
    // its code from this one address: limits high enough that they measure the work.
    try (LocalStack stack =
        LocalStack.start(
            LocalStackOptions.builder()
                .port(0)
                .template(template)
                .parameterOverrides(
                    Map.of(
                        "SendsPerAccountPer10Seconds",
                        "1000000",
                        "ReadsPerAccountPer10Seconds",
                        "1000000",
                        "LinkRequestsPerAddressPerHour",
                        "1000000",
                        "GroupsPerAccountPerDay",
                        "1000000"))
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build())) {
      if (options.runs(COLD_START)) {
        new ColdStartBenchmark(stack, functionsJar, System.getProperty("java.class.path"))
            .run(report, size.coldStartRuns());
      }
      List<WarmLatencyBenchmark.Latencies> warm = List.of();
      if (options.runs(WARM_LATENCY)) {
        warm =
            new WarmLatencyBenchmark(stack, template)
                .run(report, size.warmEmbeddedCalls(), size.warmHttpCalls());
      }
      CostModel.PerMillion messageCost = null;
      if (options.runs(END_TO_END)) {
        EndToEndBenchmark.Outcome endToEnd =
            new EndToEndBenchmark(stack)
                .run(report, size.pairs(), size.phase(), size.inFlightPerSender(), true);
        messageCost = new CostModel().report(report, endToEnd);
        chart.add("end to end, half load", endToEnd.halfLoadLatency(), "#d62728");
      }
      if (options.runs(LINKED_DEVICES)) {
        new DeviceFanOutBenchmark(stack).run(report, size.fanOutPairs(), size.fanOutMessages());
      }
      try (DynamoDbClient dynamoDb = ProjectStack.dynamoDb(stack)) {
        if (options.runs(GROUPS)) {
          new GroupFanOutBenchmark(stack, dynamoDb)
              .run(report, size.groupSizes(), size.groupMessages());
        }
        if (options.runs(MEDIA)) {
          new MediaBenchmark(stack).run(report, size.mediaFileSizes());
        }
        if (options.runs(PUSH)) {
          new PushBenchmark(stack, dynamoDb)
              .run(report, size.pushSendsPerPhase(), size.pushMixPhones(), size.pushMix());
        }
        if (options.runs(TYPING_AND_BLOCKING)) {
          new TypingAndBlockingBenchmark(stack, dynamoDb, template).run(report, size, messageCost);
        }
      }
      String[] colours = {"#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"};
      int colour = 0;
      for (WarmLatencyBenchmark.Latencies latencies : warm) {
        String where = latencies.backend().startsWith("embedded") ? "embedded" : "HTTP";
        chart.add("warm send, " + where, latencies.send(), colours[colour++]);
        chart.add("warm ack, " + where, latencies.ack(), colours[colour++]);
      }
    }
    if (options.runs(SCALE)) {
      new ScaleBenchmark(localStackJar, template).run(report, size.idleConnections());
    }

    report.section("Targets");
    report.line("| target | measured | limit | |");
    report.line("|---|---|---|---|");
    for (Report.Target target : report.targets()) {
      report.line(
          "| %s | %s %s | %s %s | %s |",
          target.what(),
          Report.format(target.measured()),
          target.unit(),
          target.higherIsBetter() ? "≥" : "≤",
          Report.format(target.limit()),
          target.met() ? "met" : "**missed**");
    }
    if (options.docs() != null) {
      write(
          options.docs(),
          report.markdown(),
          chart.isEmpty()
              ? null
              : chart.svg("Checkmark latency distributions (" + LocalDate.now() + ")"));
    }
    return report.targets();
  }

  /**
   * Puts the results between the markers of {@code benchmarks.md} (creating it if need be) and the
   * chart, if any, beside it.
   */
  static void write(Path docs, String results, String svg) throws IOException {
    Files.createDirectories(docs.resolve("benchmarks"));
    if (svg != null) {
      Files.writeString(docs.resolve("benchmarks/latency.svg"), svg, StandardCharsets.UTF_8);
    }
    Path page = docs.resolve("benchmarks.md");
    String text =
        Files.exists(page)
            ? Files.readString(page, StandardCharsets.UTF_8)
            : "# Benchmarks\n\n![latency](benchmarks/latency.svg)\n\n"
                + RESULTS_START
                + "\n"
                + RESULTS_END
                + "\n";
    int start = text.indexOf(RESULTS_START);
    int end = text.indexOf(RESULTS_END);
    if (start < 0 || end < start) {
      throw new IllegalStateException(page + " has lost its result markers");
    }
    Files.writeString(
        page,
        text.substring(0, start + RESULTS_START.length()) + "\n" + results + text.substring(end),
        StandardCharsets.UTF_8);
  }

  private static Path requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          file + " is missing: build first with mvn -B -q package -DskipTests");
    }
    return file;
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(line -> line.startsWith("model name"))
          .findFirst()
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .orElse("an unknown CPU");
    } catch (IOException | RuntimeException unreadable) {
      return ManagementFactory.getOperatingSystemMXBean().getArch();
    }
  }
}
