package io.checkmark.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar local/target/checkmark-local.jar [--port N] [--template PATH]
 * [--dynamodb-endpoint URL] [--region R] [--idle-timeout SECONDS] [--parameter NAME=VALUE]...
 * [--ssm-parameter NAME=VALUE]... [--persist DIR]}
 */
public final class LocalStackMain {

  private static final String USAGE =
      """
      usage: java -jar local/target/checkmark-local.jar [options]
        --port N                 HTTP and WebSocket port on 127.0.0.1 (default 3001; 0 picks a free one)
        --template PATH          SAM template to run (default ./template.yaml)
        --dynamodb-endpoint URL  use this DynamoDB and SNS (LocalStack's) instead of the built-in ones;
                                 AWS_ENDPOINT_URL in the environment does the same
        --region REGION          region the functions see (default us-east-1)
        --idle-timeout SECONDS   close silent connections after this long (default 600, as API Gateway)
        --parameter NAME=VALUE   template parameter value; may be repeated
        --ssm-parameter NAME=VALUE
                                 an SSM SecureString parameter the functions can read (the test numbers
                                 TestNumbersParameterName names); may be repeated
        --persist DIR            keep DynamoDB Local's data (accounts, queued messages) and the
                                 template's secrets in DIR across restarts (default: in memory, gone
                                 when the stack stops)
      """;

  private LocalStackMain() {}

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("log4j2.configurationFile", "checkmark-local-log4j2.xml");
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(USAGE);
      return;
    }
    LocalStackOptions options;
    try {
      options = parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
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
    System.out.println(stack.readinessLine());
    stopped.await();
  }

  static LocalStackOptions parse(String[] args, Map<String, String> environment) {
    LocalStackOptions.Builder options = LocalStackOptions.builder();
    String external = environment.get("AWS_ENDPOINT_URL");
    if (external != null && !external.isBlank()) {
      options.externalEndpoint(URI.create(external));
    }
    Map<String, String> parameters = new HashMap<>();
    Map<String, String> ssmParameters = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--port" -> options.port(number(option, value));
        case "--template" -> {
          Path template = Path.of(value);
          if (!Files.isRegularFile(template)) {
            throw new IllegalArgumentException("no template at " + template.toAbsolutePath());
          }
          options.template(template);
        }
        case "--dynamodb-endpoint" -> options.externalEndpoint(URI.create(value));
        case "--region" -> options.region(value);
        case "--idle-timeout" -> options.idleTimeout(Duration.ofSeconds(number(option, value)));
        case "--parameter" -> putNameAndValue(option, value, parameters);
        case "--ssm-parameter" -> putNameAndValue(option, value, ssmParameters);
        case "--persist" -> options.persistDirectory(Path.of(value));
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    return options.parameterOverrides(parameters).ssmParameters(ssmParameters).build();
  }

  /** {@code NAME=VALUE}, split at the first {@code =}: a value may hold more. */
  private static void putNameAndValue(
      String option, String nameAndValue, Map<String, String> into) {
    int equals = nameAndValue.indexOf('=');
    if (equals < 1) {
      throw new IllegalArgumentException(option + " takes NAME=VALUE");
    }
    into.put(nameAndValue.substring(0, equals), nameAndValue.substring(equals + 1));
  }

  private static int number(String option, String value) {
    try {
      int number = Integer.parseInt(value);
      if (number < 0) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a whole number, not " + value);
    }
  }
}
