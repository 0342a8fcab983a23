package io.checkmark.local;

import io.checkmark.template.SamTemplate;
import io.checkmark.template.TemplateException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code java -jar local/target/checkmark-local.jar [options]}: starts the local stack, prints its
 * readiness line, and runs until stopped. {@code --help} lists the options.
 */
public final class LocalStackMain {

  /** The command line, as picocli reads it; unset options keep {@link LocalStackOptions}' own. */
  @Command(
      mixinStandardHelpOptions = true,
      version = "checkmark local stack 0.1",
      name = "java -jar local/target/checkmark-local.jar",
      sortOptions = false,
      description = "Runs template.yaml's functions behind a local API Gateway WebSocket stage.")
  static final class Arguments {
    @Option(
        names = {"-p", "--port"},
        paramLabel = "N",
        description = "HTTP and WebSocket port on 127.0.0.1 (default 3001; 0 picks a free one)")
    Integer port;

    @Option(
        names = "--s3-port",
        paramLabel = "N",
        description =
            "Port of the S3 API for media on 127.0.0.1 (default: the next after --port;"
                + " 0 picks a free one)")
    Integer s3Port;

    @Option(
        names = "--template",
        paramLabel = "PATH",
        description = "SAM template to run (default ./template.yaml)")
    Path template;

    @Option(
        names = "--dynamodb-endpoint",
        paramLabel = "URL",
        description =
            "use this DynamoDB and SNS (LocalStack's) instead of the built-in ones;"
                + " AWS_ENDPOINT_URL in the environment does the same")
    URI externalEndpoint;

    @Option(
        names = "--region",
        paramLabel = "REGION",
        description = "region the functions see (default us-east-1)")
    String region;

    @Option(
        names = "--idle-timeout",
        paramLabel = "SECONDS",
        description = "close silent connections after this long (default 600, as API Gateway)")
    Integer idleTimeoutSeconds;

    @Option(
        names = "--parameter",
        paramLabel = "NAME=VALUE",
        description = "template parameter value; may be repeated")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(
        names = "--ssm-parameter",
        paramLabel = "NAME=VALUE",
        description =
            "an SSM SecureString parameter the functions can read (the test numbers"
                + " TestNumbersParameterName names); may be repeated")
    Map<String, String> ssmParameters = new LinkedHashMap<>();

    @Option(
        names = "--log-frames",
        description = "print every frame, both ways, besides the line per invocation")
    boolean logFrames;

    @Option(
        names = "--persist",
        paramLabel = "DIR",
        description =
            "keep DynamoDB Local's data (accounts, queued messages) and the template's secrets"
                + " in DIR across restarts (default: in memory, gone when the stack stops)")
    Path persistDirectory;

    @Option(
        names = "--faults",
        paramLabel = "FILE",
        description =
            "start with this fault plan (JSON; docs/faults.md) in force; change it at run time"
                + " at /_checkmark/faults")
    Path faults;
  }

  private LocalStackMain() {}

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("log4j2.configurationFile", "checkmark-local-log4j2.xml");
    CommandLine commandLine = new CommandLine(new Arguments());
    // Help wins over everything else on the line, even options that would be refused.
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      commandLine.usage(System.out);
      return;
    }
    LocalStackOptions options;
    try {
      commandLine.parseArgs(args);
      if (CommandLine.printHelpIfRequested(commandLine.getParseResult())) {
        return;
      }
      options = optionsOf(commandLine.getCommand(), System.getenv(), commandLine);
    } catch (ParameterException refused) {
      System.err.println(refused.getMessage() + " (--help lists the options)");
      System.exit(2);
      return;
    }
    LocalStack stack;
    try {
      stack = LocalStack.start(options);
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      // DynamoDB Local leaves non-daemon threads behind; nothing else would end the JVM.
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stack.close();
                  stopped.countDown();
                },
                "local-stack-shutdown"));
    System.out.println(stack.banner());
    stopped.await();
  }

  /** The options {@code args} and the environment give, or a {@link ParameterException}. */
  static LocalStackOptions parse(String[] args, Map<String, String> environment) {
    CommandLine commandLine = new CommandLine(new Arguments());
    commandLine.parseArgs(args);
    return optionsOf(commandLine.getCommand(), environment, commandLine);
  }

  private static LocalStackOptions optionsOf(
      Arguments arguments, Map<String, String> environment, CommandLine commandLine) {
    LocalStackOptions.Builder options = LocalStackOptions.builder();
    String external = environment.get("AWS_ENDPOINT_URL");
    if (external != null && !external.isBlank()) {
      options.externalEndpoint(URI.create(external));
    }
    if (arguments.externalEndpoint != null) {
      options.externalEndpoint(arguments.externalEndpoint);
    }
    if (arguments.port != null) {
      if (arguments.port < 0 || arguments.port > 65_535) {
        throw new ParameterException(commandLine, "--port takes 0 to 65535, not " + arguments.port);
      }
      options.port(arguments.port);
    }
    if (arguments.s3Port != null) {
      if (arguments.s3Port < 0 || arguments.s3Port > 65_535) {
        throw new ParameterException(
            commandLine, "--s3-port takes 0 to 65535, not " + arguments.s3Port);
      }
      options.s3Port(arguments.s3Port);
    }
    if (arguments.template != null) {
      options.template(arguments.template);
    }
    if (arguments.region != null) {
      options.region(arguments.region);
    }
    if (arguments.idleTimeoutSeconds != null) {
      if (arguments.idleTimeoutSeconds < 1) {
        throw new ParameterException(
            commandLine,
            "--idle-timeout takes a number of seconds above 0, not "
                + arguments.idleTimeoutSeconds);
      }
      options.idleTimeout(Duration.ofSeconds(arguments.idleTimeoutSeconds));
    }
    options.logFrames(arguments.logFrames);
    if (arguments.persistDirectory != null) {
      options.persistDirectory(arguments.persistDirectory);
    }
    if (arguments.faults != null) {
      try {
        options.faults(FaultPlan.read(arguments.faults));
      } catch (IllegalArgumentException invalid) {
        throw new ParameterException(commandLine, "--faults " + invalid.getMessage());
      }
    }
    LocalStackOptions built =
        options
            .parameterOverrides(arguments.parameters)
            .ssmParameters(arguments.ssmParameters)
            .build();
    requireTemplateDeclaring(built.template(), arguments.parameters.keySet(), commandLine);
    return built;
  }

  /** The template is there, can be run, and declares every parameter given a value. */
  private static void requireTemplateDeclaring(
      Path template, Set<String> parameters, CommandLine commandLine) {
    if (!Files.isRegularFile(template)) {
      throw new ParameterException(
          commandLine,
          "no SAM template at "
              + template.toAbsolutePath().normalize()
              + ": run from the project's root, or pass --template PATH");
    }
    Set<String> declared;
    try {
      declared = SamTemplate.load(template).parameterNames();
    } catch (TemplateException unusable) {
      throw new ParameterException(commandLine, template + ": " + unusable.getMessage());
    }
    for (String name : parameters) {
      if (!declared.contains(name)) {
        throw new ParameterException(
            commandLine,
            "--parameter "
                + name
                + ": "
                + template
                + " declares no such parameter; it declares "
                + String.join(", ", declared));
      }
    }
  }
}
