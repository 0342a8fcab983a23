package io.checkmark.local;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How to start a local stack. The defaults are API Gateway's own limits and serverless-offline's
 * port; tests shorten the timeouts and pick a free port.
 *
 * @param port the HTTP and WebSocket port on 127.0.0.1; 0 picks a free one
 * @param s3Port the port of the S3 API for media on 127.0.0.1: by default the next one after {@code
 *     port}, or a free one when that is 0
 * @param template the SAM template to run
 * @param externalEndpoint an AWS endpoint (LocalStack's) for DynamoDB and SNS instead of the
 *     built-in ones, or null
 * @param region the region the functions see
 * @param idleTimeout how long a connection may stay silent before it is closed
 * @param maxConnectionDuration how long a connection may stay open at all
 * @param parameterOverrides template parameter values
 * @param ssmParameters values of the SSM parameters the stack serves (SecureStrings), by name
 * @param persistDirectory where DynamoDB Local keeps its data across restarts (in {@code
 *     dynamodb/}), or null to keep everything in memory
 * @param console where SMS, the banner and a line per invocation are printed
 * @param logFrames whether every frame, both ways, is printed on the console too
 * @param faults the fault plan in force from the start ({@link FaultPlan#NONE} for none)
 */
public record LocalStackOptions(
    int port,
    int s3Port,
    Path template,
    URI externalEndpoint,
    String region,
    Duration idleTimeout,
    Duration maxConnectionDuration,
    Map<String, String> parameterOverrides,
    Map<String, String> ssmParameters,
    Path persistDirectory,
    PrintStream console,
    boolean logFrames,
    FaultPlan faults) {

  public static final int DEFAULT_PORT = 3001;

  public static Builder builder() {
    return new Builder();
  }

  /** Every option with its default: port 3001, {@code ./template.yaml}, API Gateway's timeouts. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private Integer s3Port;
    private Path template = Path.of("template.yaml");
    private URI externalEndpoint;
    private String region = "us-east-1";
    private Duration idleTimeout = Duration.ofMinutes(10);
    private Duration maxConnectionDuration = Duration.ofHours(2);
    private Map<String, String> parameterOverrides = Map.of();
    private Map<String, String> ssmParameters = Map.of();
    private Path persistDirectory;
    private PrintStream console = System.out;
    private boolean logFrames;
    private FaultPlan faults = FaultPlan.NONE;

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder s3Port(int s3Port) {
      this.s3Port = s3Port;
      return this;
    }

    public Builder template(Path template) {
      this.template = template;
      return this;
    }

    public Builder externalEndpoint(URI externalEndpoint) {
      this.externalEndpoint = externalEndpoint;
      return this;
    }

    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    public Builder maxConnectionDuration(Duration maxConnectionDuration) {
      this.maxConnectionDuration = maxConnectionDuration;
      return this;
    }

    public Builder parameterOverrides(Map<String, String> parameterOverrides) {
      this.parameterOverrides = Map.copyOf(parameterOverrides);
      return this;
    }

    /**
     * SSM parameter values by name, such as the test numbers a {@code TestNumbersParameterName}
     * names.
     */
    public Builder ssmParameters(Map<String, String> ssmParameters) {
      this.ssmParameters = Map.copyOf(ssmParameters);
      return this;
    }

    /**
     * Keeps DynamoDB Local's data in this directory, so that it survives a restart; null keeps it
     * in memory.
     */
    public Builder persistDirectory(Path persistDirectory) {
      this.persistDirectory = persistDirectory;
      return this;
    }

    public Builder console(PrintStream console) {
      this.console = console;
      return this;
    }

    public Builder logFrames(boolean logFrames) {
      this.logFrames = logFrames;
      return this;
    }

    /** Starts the stack with this fault plan in force (docs/faults.md). */
    public Builder faults(FaultPlan faults) {
      this.faults = faults;
      return this;
    }

    public LocalStackOptions build() {
      return new LocalStackOptions(
          port,
          s3Port != null ? s3Port : port == 0 ? 0 : port + 1,
          template,
          externalEndpoint,
          region,
          idleTimeout,
          maxConnectionDuration,
          parameterOverrides,
          ssmParameters,
          persistDirectory,
          console,
          logFrames,
          faults);
    }
  }
}
