package io.checkmark.handler;

import io.checkmark.aws.AwsClients;
import io.checkmark.aws.ConnectionsTable;
import io.checkmark.core.ConnectionService;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the handlers of one function run on: its configuration, read from the function's
 * environment, and the services built from it. Lambda builds one from the process environment;
 * the local stack builds one per function from the template's environment; tests build one with
 * their own clock and clients. Services are built on first use, so a function pays only for
 * what its handler needs.
 */
public final class Backend {

  private final Map<String, String> environment;
  private final Clock clock;
  private final Supplier<DynamoDbClient> dynamoDb;
  private ConnectionService connectionService;

  private Backend(Builder builder) {
    this.environment = Map.copyOf(builder.environment);
    this.clock = builder.clock;
    DynamoDbClient given = builder.dynamoDb;
    this.dynamoDb = given != null ? () -> given : memoize(() -> new AwsClients(environment).dynamoDb());
  }

  public static Backend fromEnvironment(Map<String, String> environment) {
    return builder(environment).build();
  }

  public static Builder builder(Map<String, String> environment) {
    return new Builder(environment);
  }

  public synchronized ConnectionService connectionService() {
    if (connectionService == null) {
      connectionService = new ConnectionService(
          new ConnectionsTable(dynamoDb.get(), setting("CONNECTIONS_TABLE"), clock));
    }
    return connectionService;
  }

  public Clock clock() {
    return clock;
  }

  private String setting(String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is not set");
    }
    return value;
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }

  /** Overrides for tests: a fixed clock, a client on DynamoDB Local. */
  public static final class Builder {
    private final Map<String, String> environment;
    private Clock clock = Clock.systemUTC();
    private DynamoDbClient dynamoDb;

    private Builder(Map<String, String> environment) {
      this.environment = environment;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder dynamoDb(DynamoDbClient dynamoDb) {
      this.dynamoDb = dynamoDb;
      return this;
    }

    public Backend build() {
      return new Backend(this);
    }
  }
}
