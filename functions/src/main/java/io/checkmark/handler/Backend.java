package io.checkmark.handler;

import io.checkmark.aws.AccountsTable;
import io.checkmark.aws.ApiGatewayConnections;
import io.checkmark.aws.AwsClients;
import io.checkmark.aws.ConnectionsTable;
import io.checkmark.aws.EmfMetrics;
import io.checkmark.aws.MessagesTable;
import io.checkmark.aws.PinsTable;
import io.checkmark.aws.RateLimitsTable;
import io.checkmark.aws.SnsSms;
import io.checkmark.core.ConnectionPusher;
import io.checkmark.core.ConnectionStore;
import io.checkmark.core.MessageIds;
import io.checkmark.core.MessagingService;
import io.checkmark.core.MessagingService.Limits;
import io.checkmark.core.Metrics;
import io.checkmark.core.PhoneNumbers;
import io.checkmark.core.RegistrationPolicy;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.Sessions;
import io.checkmark.core.SmsSender;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the handlers of one function run on: its configuration, read from the function's
 * environment, and the services built from it. Lambda builds one from the process environment;
 * the local stack builds one per function from the template's environment; tests build one with
 * their own clock and clients. Everything is built on first use, so a function pays only for what
 * its handler needs.
 */
public final class Backend {

  private final Map<String, String> environment;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Supplier<AwsClients> aws;
  private final Supplier<DynamoDbClient> dynamoDb;
  private final Supplier<SmsSender> sms;
  private final Supplier<ConnectionPusher> pusher;
  private final Supplier<ConnectionsTable> connections;
  private final Supplier<RegistrationService> registrationService;
  private final Supplier<Sessions> sessions;
  private final Supplier<Metrics> metrics;
  private final Supplier<AccountsTable> accounts;
  private final Supplier<RateLimitsTable> rateLimits;
  private final Supplier<MessagingService> messagingService;
  private final String testNumbersOverride;
  /** Held here because CRaC holds registered resources only weakly. */
  private SnapStartPriming priming;

  private Backend(Builder builder) {
    this.environment = Map.copyOf(builder.environment);
    this.clock = builder.clock;
    this.testNumbersOverride = builder.testNumbers;
    this.aws = memoize(() -> new AwsClients(environment));
    this.dynamoDb = builder.dynamoDb != null ? () -> builder.dynamoDb : memoize(() -> aws.get().dynamoDb());
    this.sms = builder.sms != null ? () -> builder.sms
        : memoize(() -> new SnsSms(aws.get().sns(), environment.get("SMS_SENDER_ID")));
    this.pusher = builder.pusher != null ? () -> builder.pusher
        : memoize(() -> new FramePusher(new ApiGatewayConnections(aws.get().managementApi(URI.create(setting("CONNECTIONS_ENDPOINT"))))));
    this.connections = memoize(() -> new ConnectionsTable(dynamoDb.get(), setting("CONNECTIONS_TABLE"), clock));
    this.accounts = memoize(() -> new AccountsTable(dynamoDb.get(), setting("ACCOUNTS_TABLE")));
    this.metrics = builder.metrics != null ? () -> builder.metrics : memoize(this::metricsFromEnvironment);
    this.rateLimits = memoize(() -> new RateLimitsTable(dynamoDb.get(), setting("RATE_LIMITS_TABLE"), clock));
    this.messagingService = memoize(() -> new MessagingService(
        new MessagesTable(dynamoDb.get(), setting("MESSAGES_TABLE"), connections.get(), rateLimits.get()),
        accounts.get(), connections.get(), pusher.get(), rateLimits.get(),
        new Limits(number("SENDS_PER_ACCOUNT_PER_10_SECONDS", 160), number("READS_PER_ACCOUNT_PER_10_SECONDS", 160),
            number("UNKNOWN_RECIPIENTS_PER_ACCOUNT_PER_DAY", 50)),
        metrics.get(), new MessageIds(clock, random, memoize(() -> messageIdKey(builder.messageIdKey))), clock));
    this.sessions = memoize(() -> new Sessions(connections.get(), accounts.get(), pusher.get(), clock));
    this.registrationService = memoize(() -> new RegistrationService(registrationPolicy(),
        accounts.get(),
        new PinsTable(dynamoDb.get(), setting("PINS_TABLE")),
        connections.get(),
        rateLimits.get(),
        sms.get(), metrics.get(), sessions.get(), clock, random));
  }

  /**
   * What a handler's no-argument constructor uses in Lambda: the function's environment, and
   * {@link SnapStartPriming} registered for the snapshot (JSON only).
   */
  static Backend forLambda() {
    return primedForSnapshot(false);
  }

  /** As {@link #forLambda()}, for a function allowed to read accounts: priming also runs the DynamoDB client. */
  static Backend forLambdaReadingAccounts() {
    return primedForSnapshot(true);
  }

  private static Backend primedForSnapshot(boolean readsAccounts) {
    Backend backend = fromEnvironment(System.getenv());
    backend.priming = SnapStartPriming.register(backend, readsAccounts);
    return backend;
  }

  public static Backend fromEnvironment(Map<String, String> environment) {
    return builder(environment).build();
  }

  public static Builder builder(Map<String, String> environment) {
    return new Builder(environment);
  }

  public ConnectionStore connections() {
    return connections.get();
  }

  public RegistrationService registrationService() {
    return registrationService.get();
  }

  AccountsTable accounts() {
    return accounts.get();
  }

  public Sessions sessions() {
    return sessions.get();
  }

  public MessagingService messagingService() {
    return messagingService.get();
  }

  /**
   * The key that message ids carry a MAC by: the one a test gives, else the Secrets Manager secret
   * that {@code MESSAGE_ID_KEY_SECRET} names, read once, on first need (the local stack builds its
   * handlers before its endpoint serves).
   */
  private byte[] messageIdKey(byte[] given) {
    return given != null ? given : aws.get().secretString(setting("MESSAGE_ID_KEY_SECRET")).getBytes(StandardCharsets.UTF_8);
  }

  /** EMF lines to standard output, which Lambda ships to CloudWatch; none where they are switched off. */
  private Metrics metricsFromEnvironment() {
    if (Boolean.parseBoolean(environment.get("POWERTOOLS_METRICS_DISABLED"))) {
      return Metrics.NONE;
    }
    return new EmfMetrics(environment.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "Checkmark"),
        environment.getOrDefault("POWERTOOLS_SERVICE_NAME", "checkmark"));
  }

  private RegistrationPolicy registrationPolicy() {
    Set<Integer> countries = Arrays.stream(environment.getOrDefault("ALLOWED_COUNTRY_CODES", "").split(","))
        .map(String::trim).filter(code -> !code.isEmpty()).map(Integer::valueOf).collect(Collectors.toSet());
    return new RegistrationPolicy(new PhoneNumbers(countries), memoize(() -> testNumbers(testNumbersSetting())),
        number("PIN_REQUESTS_PER_IP_PER_HOUR", 20),
        number("SMS_PER_PHONE_PER_DAY", 5),
        number("SMS_PER_CALLING_CODE_PER_HOUR", 1000),
        number("AUTH_FAILURES_PER_ADDRESS_PER_HOUR", 100),
        number("AUTH_FAILURES_PER_PHONE_AND_ADDRESS_PER_HOUR", 20),
        number("ANONYMOUS_CONNECTS_PER_ADDRESS_PER_MINUTE", 60));
  }

  /**
   * The test numbers: the tests' own, else the SecureString parameter named by {@code
   * TEST_NUMBERS_PARAMETER}, read once, at the first {@code requestPin}, and never put in the environment,
   * where anyone allowed to read the function's configuration would see them. No parameter named,
   * no SSM client built.
   */
  private String testNumbersSetting() {
    if (testNumbersOverride != null) {
      return testNumbersOverride;
    }
    String parameter = environment.get("TEST_NUMBERS_PARAMETER");
    if (parameter == null || parameter.isBlank()) {
      return "";
    }
    return aws.get().secureParameter(parameter);
  }

  /**
   * {@code +14155550100=123456,+14155550101=654321}: test numbers and their fixed PINs, keyed by
   * their canonical E.164 form like everything else.
   */
  static Map<String, String> testNumbers(String setting) {
    Map<String, String> numbers = new LinkedHashMap<>();
    for (String entry : setting.split(",")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int equals = trimmed.indexOf('=');
      if (equals < 1 || !trimmed.substring(equals + 1).matches("[0-9]{6}")) {
        throw new IllegalStateException("the test numbers parameter holds +phone=six-digit-PIN entries separated by commas");
      }
      String phone = PhoneNumbers.canonical(trimmed.substring(0, equals).trim())
          .orElseThrow(() -> new IllegalStateException("the test numbers parameter has an entry that is not a valid phone number"));
      numbers.put(phone, trimmed.substring(equals + 1));
    }
    return numbers;
  }

  private int number(String name, int defaultValue) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? defaultValue : Integer.parseInt(value.trim());
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

  /** Overrides for tests: a fixed clock, a client on DynamoDB Local, recording SMS and push boundaries, test numbers. */
  public static final class Builder {
    private final Map<String, String> environment;
    private Clock clock = Clock.systemUTC();
    private DynamoDbClient dynamoDb;
    private SmsSender sms;
    private ConnectionPusher pusher;
    private Metrics metrics;
    private String testNumbers;
    private byte[] messageIdKey;

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

    public Builder sms(SmsSender sms) {
      this.sms = sms;
      return this;
    }

    public Builder pusher(ConnectionPusher pusher) {
      this.pusher = pusher;
      return this;
    }

    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Test numbers as the SecureString parameter would hold them ({@code +phone=PIN,...}), instead of reading it. */
    public Builder testNumbers(String testNumbers) {
      this.testNumbers = testNumbers;
      return this;
    }

    /** The message id MAC key, instead of reading the secret {@code MESSAGE_ID_KEY_SECRET} names. */
    public Builder messageIdKey(byte[] messageIdKey) {
      this.messageIdKey = messageIdKey.clone();
      return this;
    }

    public Backend build() {
      return new Backend(this);
    }
  }
}
