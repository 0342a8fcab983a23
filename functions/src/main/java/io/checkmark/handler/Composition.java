package io.checkmark.handler;

import io.checkmark.aws.AccountsTable;
import io.checkmark.aws.ApiGatewayConnections;
import io.checkmark.aws.AwsClients;
import io.checkmark.aws.ConnectionsTable;
import io.checkmark.aws.EmfMetrics;
import io.checkmark.aws.GroupEventsTable;
import io.checkmark.aws.GroupsTable;
import io.checkmark.aws.LinkCodesTable;
import io.checkmark.aws.MessagesTable;
import io.checkmark.aws.PinsTable;
import io.checkmark.aws.PushTargetsTable;
import io.checkmark.aws.RateLimitsTable;
import io.checkmark.aws.S3MediaStore;
import io.checkmark.aws.SnsMobilePush;
import io.checkmark.aws.SnsSms;
import io.checkmark.aws.StorageFailures;
import io.checkmark.core.AccountStore;
import io.checkmark.core.BlockList;
import io.checkmark.core.ConnectionPusher;
import io.checkmark.core.ConnectionStore;
import io.checkmark.core.DevicePushes;
import io.checkmark.core.GroupFanOut;
import io.checkmark.core.GroupService;
import io.checkmark.core.LinkedDevices;
import io.checkmark.core.MediaService;
import io.checkmark.core.MediaStore;
import io.checkmark.core.MessageIds;
import io.checkmark.core.MessageQueue;
import io.checkmark.core.MessagingService;
import io.checkmark.core.MessagingService.Limits;
import io.checkmark.core.Metrics;
import io.checkmark.core.MobilePush;
import io.checkmark.core.Pause;
import io.checkmark.core.PhoneNumbers;
import io.checkmark.core.PresenceService;
import io.checkmark.core.PushNotifications;
import io.checkmark.core.PushPlatform;
import io.checkmark.core.RegistrationPolicy;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.Sessions;
import io.checkmark.core.SmsSender;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The composition root: every object a function's handlers run on, built by plain constructor calls
 * from the function's environment. Lambda builds one per container ({@link #lambda}); the local
 * stack builds one per function from the template's environment; tests build one with their own
 * clock and clients through {@link #builder}. Handlers take it in their constructors and keep what
 * they need. The SDK clients a function may never use are built at their first use instead: SNS at
 * the first SMS or push, Secrets Manager at the first message id, SSM at the first PIN request.
 */
public final class Composition {

  private static Composition lambda;

  /**
   * Phones a fan-out pushes to at once: each push is a connection lookup and a management API call,
   * waiting on the network rather than the CPU.
   */
  private static final int PUSHING_THREADS = 16;

  private final Map<String, String> environment;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** Built when the first SDK client is: tests that pass their own clients have no AWS settings. */
  private AwsClients aws;

  private final Metrics metrics;
  private final ConnectionsTable connections;
  private final AccountsTable accounts;
  private final MessagesTable messages;
  private final ConnectionPusher pusher;
  private final Sessions sessions;
  private final MessagingService messagingService;
  private final RegistrationService registrationService;
  private final LinkedDevices linkedDevices;
  private final GroupService groupService;
  private final GroupFanOut groupFanOut;
  private final MediaService mediaService;
  private final PushNotifications pushNotifications;
  private final PresenceService presenceService;
  private final BlockList blockList;
  private final String testNumbersOverride;

  /** One SNS client for SMS and push, built at the first of either. */
  private SnsClient sns;

  /** A secret id Secrets Manager cannot hold (its names have no spaces), asked for by priming. */
  static final String NO_SUCH_SECRET = "snapstart priming asks for no secret";

  /** Whether the message id key is read from Secrets Manager, not given by a test. */
  private final boolean readsMessageIdKeySecret;

  /** Held here because CRaC holds registered resources only weakly. */
  private SnapStartPriming priming;

  private Composition(Builder builder) {
    this.environment = Map.copyOf(builder.environment);
    this.clock = builder.clock;
    this.testNumbersOverride = builder.testNumbers;
    DynamoDbClient dynamoDb =
        StorageFailures.reported(builder.dynamoDb != null ? builder.dynamoDb : aws().dynamoDb());
    this.pusher =
        builder.pusher != null
            ? builder.pusher
            : new FramePusher(
                new ApiGatewayConnections(
                    aws().managementApi(URI.create(setting("CONNECTIONS_ENDPOINT")))));
    SmsSender sms = builder.sms != null ? builder.sms : new SmsOnFirstUse();
    this.metrics = builder.metrics != null ? builder.metrics : metricsFromEnvironment();
    this.connections = new ConnectionsTable(dynamoDb, setting("CONNECTIONS_TABLE"), clock);
    this.accounts = new AccountsTable(dynamoDb, setting("ACCOUNTS_TABLE"));
    RateLimitsTable rateLimits = new RateLimitsTable(dynamoDb, setting("RATE_LIMITS_TABLE"), clock);
    this.sessions = new Sessions(connections, accounts, pusher, clock);
    byte[] givenKey = builder.messageIdKey;
    this.readsMessageIdKeySecret = givenKey == null;
    Supplier<byte[]> messageIdKey =
        givenKey != null
            ? () -> givenKey
            : () ->
                aws()
                    .secretString(setting("MESSAGE_ID_KEY_SECRET"))
                    .getBytes(StandardCharsets.UTF_8);
    GroupEventsTable groupEvents = new GroupEventsTable(setting("GROUP_EVENTS_TABLE"));
    GroupsTable groups =
        new GroupsTable(dynamoDb, setting("GROUPS_TABLE"), groupEvents, connections, rateLimits);
    this.messages =
        new MessagesTable(
            dynamoDb, setting("MESSAGES_TABLE"), connections, rateLimits, groups, groupEvents);
    MessageIds messageIds = new MessageIds(clock, random, messageIdKey);
    this.mediaService =
        new MediaService(
            builder.mediaStore != null ? builder.mediaStore : new MediaOnFirstUse(),
            rateLimits,
            new MediaService.Limits(
                longNumber("MAX_MEDIA_BYTES", 100L * 1024 * 1024),
                number("MEDIA_UPLOADS_PER_ACCOUNT_PER_HOUR", 200)),
            random);
    int sendsPer10Seconds = number("SENDS_PER_ACCOUNT_PER_10_SECONDS", 160);
    int unknownRecipientsPerDay = number("UNKNOWN_RECIPIENTS_PER_ACCOUNT_PER_DAY", 50);
    this.groupService =
        new GroupService(
            groups,
            accounts,
            messages,
            pusher,
            rateLimits,
            new GroupService.Limits(
                number("GROUPS_PER_ACCOUNT_PER_DAY", 50),
                number("MEMBER_ADDITIONS_PER_ACCOUNT_PER_DAY", 200),
                sendsPer10Seconds,
                unknownRecipientsPerDay),
            messageIds,
            mediaService,
            clock,
            random);
    Executor pushing = Executors.newFixedThreadPool(PUSHING_THREADS, Composition::daemon);
    this.groupFanOut =
        new GroupFanOut(
            accounts,
            messages,
            new DevicePushes(connections, pusher, metrics),
            pushing,
            metrics,
            clock);
    this.presenceService =
        new PresenceService(
            accounts,
            groups,
            connections,
            pusher,
            rateLimits,
            new PresenceService.Limits(
                number("PRESENCE_QUERIES_PER_ACCOUNT_PER_10_SECONDS", 20), unknownRecipientsPerDay),
            metrics,
            pushing,
            clock);
    this.blockList = new BlockList(accounts);
    this.pushNotifications =
        new PushNotifications(
            new PushTargetsTable(dynamoDb, setting("PUSH_TARGETS_TABLE")),
            builder.mobilePush != null ? builder.mobilePush : new MobilePushOnFirstUse(),
            messages,
            accounts,
            connections,
            pusher,
            metrics,
            clock);
    this.messagingService =
        new MessagingService(
            messages,
            accounts,
            groups,
            connections,
            pusher,
            rateLimits,
            new Limits(
                sendsPer10Seconds,
                number("READS_PER_ACCOUNT_PER_10_SECONDS", 160),
                unknownRecipientsPerDay),
            metrics,
            messageIds,
            mediaService,
            pushNotifications,
            clock);
    this.registrationService =
        new RegistrationService(
            registrationPolicy(),
            accounts,
            new PinsTable(dynamoDb, setting("PINS_TABLE")),
            connections,
            messages,
            rateLimits,
            sms,
            metrics,
            sessions,
            clock,
            random);
    this.linkedDevices =
        new LinkedDevices(
            accounts,
            new LinkCodesTable(dynamoDb, setting("LINK_CODES_TABLE")),
            connections,
            pusher,
            messages,
            pushNotifications,
            sessions,
            rateLimits,
            number("LINK_REQUESTS_PER_ADDRESS_PER_HOUR", 20),
            clock,
            Pause.SLEEP,
            random);
  }

  /**
   * The root of this Lambda container, built at the first handler's construction from the process
   * environment, with {@link SnapStartPriming} registered for the snapshot: JSON only, or also the
   * send path's DynamoDB requests and push for a function allowed to read accounts.
   */
  static synchronized Composition lambda(boolean readsAccounts) {
    if (lambda == null) {
      lambda = fromEnvironment(System.getenv());
      lambda.priming = SnapStartPriming.register(lambda, readsAccounts);
    }
    return lambda;
  }

  /**
   * The priming {@link #lambda} registered for this container's snapshot, for the benchmark that
   * runs it as SnapStart would (a JVM without CRaC never calls it).
   */
  static synchronized SnapStartPriming primingOfThisContainer() {
    if (lambda == null) {
      throw new IllegalStateException("no Lambda composition root built in this JVM");
    }
    return lambda.priming;
  }

  private synchronized AwsClients aws() {
    if (aws == null) {
      aws = new AwsClients(environment);
    }
    return aws;
  }

  private synchronized SnsClient sns() {
    if (sns == null) {
      sns = aws().sns();
    }
    return sns;
  }

  public static Composition fromEnvironment(Map<String, String> environment) {
    return builder(environment).build();
  }

  public static Builder builder(Map<String, String> environment) {
    return new Builder(environment);
  }

  public ConnectionStore connections() {
    return connections;
  }

  public RegistrationService registrationService() {
    return registrationService;
  }

  AccountStore accounts() {
    return accounts;
  }

  /** The connections table itself, for priming: handlers reach it through the services. */
  ConnectionsTable connectionsTable() {
    return connections;
  }

  /** The message queues, for priming: handlers reach them through the services. */
  MessageQueue messages() {
    return messages;
  }

  /** The push port, for priming: handlers reach it through the services. */
  ConnectionPusher pusher() {
    return pusher;
  }

  /**
   * For priming, where the message id key is read from Secrets Manager: asks it for {@link
   * #NO_SUCH_SECRET}, which loads and runs the client's whole path, its error included, and reads
   * no secret (the key itself is read at the first event, after restore: see {@link
   * SnapStartPriming}).
   */
  void askForNoSecret() {
    if (!readsMessageIdKeySecret) {
      return;
    }
    try {
      aws().secretString(NO_SUCH_SECRET);
      throw new IllegalStateException("Secrets Manager answered for a secret it cannot hold");
    } catch (SecretsManagerException refused) {
      // Not found, or not allowed (the function may read its key only): as expected.
    }
  }

  public Sessions sessions() {
    return sessions;
  }

  public MessagingService messagingService() {
    return messagingService;
  }

  public Clock clock() {
    return clock;
  }

  public LinkedDevices linkedDevices() {
    return linkedDevices;
  }

  public GroupService groupService() {
    return groupService;
  }

  public GroupFanOut groupFanOut() {
    return groupFanOut;
  }

  public MediaService mediaService() {
    return mediaService;
  }

  public PushNotifications pushNotifications() {
    return pushNotifications;
  }

  public PresenceService presenceService() {
    return presenceService;
  }

  public BlockList blockList() {
    return blockList;
  }

  /** A pushing thread that never keeps a JVM (the local stack's, a test's) from exiting. */
  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "group-pushes");
    thread.setDaemon(true);
    return thread;
  }

  /**
   * The test numbers, read at the first {@code requestPin} and kept: only that function reads them.
   */
  private final class TestNumbersOnFirstUse implements Supplier<Map<String, String>> {
    private Map<String, String> numbers;

    @Override
    public synchronized Map<String, String> get() {
      if (numbers == null) {
        numbers = testNumbers(testNumbersSetting());
      }
      return numbers;
    }
  }

  /** SMS through SNS, with the SNS client built at the first SMS: most functions never send one. */
  private final class SmsOnFirstUse implements SmsSender {
    private SnsSms sms;

    @Override
    public synchronized void send(String phone, String text) {
      if (sms == null) {
        sms = new SnsSms(sns(), environment.get("SMS_SENDER_ID"));
      }
      sms.send(phone, text);
    }
  }

  /**
   * Media in the S3 bucket {@code MEDIA_BUCKET} names, with the S3 client and presigner built at
   * the first use: only the functions that handle media ever load them.
   */
  private final class MediaOnFirstUse implements MediaStore {
    private MediaStore s3;

    private synchronized MediaStore s3() {
      if (s3 == null) {
        s3 = new S3MediaStore(aws().s3(), aws().s3Presigner(), setting("MEDIA_BUCKET"));
      }
      return s3;
    }

    @Override
    public Grant grantUpload(
        String mediaId, String mimeType, long size, String sha256, Duration validity) {
      return s3().grantUpload(mediaId, mimeType, size, sha256, validity);
    }

    @Override
    public Grant grantDownload(String mediaId, Duration validity) {
      return s3().grantDownload(mediaId, validity);
    }

    @Override
    public Optional<Upload> find(String mediaId) {
      return s3().find(mediaId);
    }
  }

  /**
   * Push through SNS mobile push, to the platform applications the environment names ({@code
   * APNS_PLATFORM_APPLICATION_ARN}, {@code APNS_SANDBOX_PLATFORM_APPLICATION_ARN}, {@code
   * FCM_PLATFORM_APPLICATION_ARN}; an empty one is a platform not set up), with the SNS client
   * built at the first use.
   */
  private final class MobilePushOnFirstUse implements MobilePush {
    private final Map<PushPlatform, String> applications = platformApplications();
    private MobilePush sns;

    private synchronized MobilePush sns() {
      if (sns == null) {
        sns = new SnsMobilePush(Composition.this.sns(), applications);
      }
      return sns;
    }

    @Override
    public boolean supports(PushPlatform platform) {
      return applications.containsKey(platform);
    }

    @Override
    public Optional<String> endpointFor(PushPlatform platform, String token) {
      return sns().endpointFor(platform, token);
    }

    @Override
    public Delivery push(String endpoint, PushPlatform platform) {
      return sns().push(endpoint, platform);
    }

    @Override
    public void deleteEndpoint(String endpoint) {
      sns().deleteEndpoint(endpoint);
    }
  }

  private Map<PushPlatform, String> platformApplications() {
    Map<PushPlatform, String> applications = new EnumMap<>(PushPlatform.class);
    for (PushPlatform platform : PushPlatform.values()) {
      String arn = environment.get(platform.name() + "_PLATFORM_APPLICATION_ARN");
      if (arn != null && !arn.isBlank()) {
        applications.put(platform, arn.trim());
      }
    }
    return applications;
  }

  /**
   * EMF lines to standard output, which Lambda ships to CloudWatch; none where they are switched
   * off.
   */
  private Metrics metricsFromEnvironment() {
    if (Boolean.parseBoolean(environment.get("POWERTOOLS_METRICS_DISABLED"))) {
      return Metrics.NONE;
    }
    return new EmfMetrics(
        environment.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "Checkmark"),
        environment.getOrDefault("POWERTOOLS_SERVICE_NAME", "checkmark"));
  }

  private RegistrationPolicy registrationPolicy() {
    Set<Integer> countries =
        Arrays.stream(environment.getOrDefault("ALLOWED_COUNTRY_CODES", "").split(","))
            .map(String::trim)
            .filter(code -> !code.isEmpty())
            .map(Integer::valueOf)
            .collect(Collectors.toSet());
    return new RegistrationPolicy(
        new PhoneNumbers(countries),
        new TestNumbersOnFirstUse(),
        number("PIN_REQUESTS_PER_IP_PER_HOUR", 20),
        number("SMS_PER_PHONE_PER_DAY", 5),
        number("SMS_PER_CALLING_CODE_PER_HOUR", 1000),
        number("AUTH_FAILURES_PER_ADDRESS_PER_HOUR", 100),
        number("AUTH_FAILURES_PER_PHONE_AND_ADDRESS_PER_HOUR", 20),
        number("ANONYMOUS_CONNECTS_PER_ADDRESS_PER_MINUTE", 60));
  }

  /**
   * The test numbers: the tests' own, else the SecureString parameter named by {@code
   * TEST_NUMBERS_PARAMETER}, read once, at the first {@code requestPin}, and never put in the
   * environment, where anyone allowed to read the function's configuration would see them. No
   * parameter named, no SSM client built.
   */
  private String testNumbersSetting() {
    if (testNumbersOverride != null) {
      return testNumbersOverride;
    }
    String parameter = environment.get("TEST_NUMBERS_PARAMETER");
    if (parameter == null || parameter.isBlank()) {
      return "";
    }
    return aws().secureParameter(parameter);
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
        throw new IllegalStateException(
            "the test numbers parameter holds +phone=six-digit-PIN entries separated by commas");
      }
      String phone =
          PhoneNumbers.canonical(trimmed.substring(0, equals).trim())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the test numbers parameter has an entry that is not a valid phone number"));
      numbers.put(phone, trimmed.substring(equals + 1));
    }
    return numbers;
  }

  private int number(String name, int defaultValue) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? defaultValue : Integer.parseInt(value.trim());
  }

  private long longNumber(String name, long defaultValue) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? defaultValue : Long.parseLong(value.trim());
  }

  private String setting(String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is not set");
    }
    return value;
  }

  /**
   * Overrides for tests: a fixed clock, a client on DynamoDB Local, recording SMS and push
   * boundaries, test numbers.
   */
  public static final class Builder {
    private final Map<String, String> environment;
    private Clock clock = Clock.systemUTC();
    private DynamoDbClient dynamoDb;
    private SmsSender sms;
    private ConnectionPusher pusher;
    private Metrics metrics;
    private MediaStore mediaStore;
    private MobilePush mobilePush;
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

    /** Media storage, instead of the S3 bucket {@code MEDIA_BUCKET} names. */
    public Builder mediaStore(MediaStore mediaStore) {
      this.mediaStore = mediaStore;
      return this;
    }

    /** Push through these platforms, instead of SNS mobile push. */
    public Builder mobilePush(MobilePush mobilePush) {
      this.mobilePush = mobilePush;
      return this;
    }

    /**
     * Test numbers as the SecureString parameter would hold them ({@code +phone=PIN,...}), instead
     * of reading it.
     */
    public Builder testNumbers(String testNumbers) {
      this.testNumbers = testNumbers;
      return this;
    }

    /**
     * The message id MAC key, instead of reading the secret {@code MESSAGE_ID_KEY_SECRET} names.
     */
    public Builder messageIdKey(byte[] messageIdKey) {
      this.messageIdKey = messageIdKey.clone();
      return this;
    }

    public Composition build() {
      return new Composition(this);
    }
  }
}
