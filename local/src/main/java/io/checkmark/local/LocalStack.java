package io.checkmark.local;

import com.amazonaws.services.dynamodbv2.local.monitoring.Telemetry;
import com.amazonaws.services.dynamodbv2.local.server.AbstractLocalDynamoDBServerHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import io.checkmark.core.RegistrationService;
import io.checkmark.template.SamTemplate;
import io.checkmark.template.TableCreator;
import io.checkmark.template.TableDefinition;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Checkmark's local stack: the template's WebSocket API emulated on one loopback port, its
 * functions running in this process, DynamoDB Local with the template's tables, SMS and push
 * capture and the management API, all behind that port as LocalStack serves its services behind
 * 4566. {@link #start} returns once the stack is ready; {@link #close} stops all of it.
 */
public final class LocalStack implements AutoCloseable {

  /**
   * Concurrent invocations, like a Lambda concurrency limit, sized for the machine: the functions,
   * DynamoDB Local and the clients share its cores, and DynamoDB Local runs one table's writes one
   * at a time, so invocations beyond a few per core only wait on its locks and take the CPU from
   * the one holding them (docs/benchmarks.md: 64 threads cost 28 % more CPU per message than 8 on 2
   * cores). Those over the limit queue until a thread is free, never refused.
   */
  private static final int INVOCATION_THREADS = 4 * Runtime.getRuntime().availableProcessors();

  /** Held so that the level set on it is not lost to garbage collection. */
  private static final java.util.logging.Logger SQLITE_LOG =
      java.util.logging.Logger.getLogger("com.almworks.sqlite4java");

  /**
   * DynamoDB Local's SDK v1 warns at start that JAXB is missing and it encodes base64 itself: true,
   * harmless, and nothing a developer can act on. Held for the same reason.
   */
  private static final java.util.logging.Logger SDK_V1_BASE64_LOG =
      java.util.logging.Logger.getLogger("com.amazonaws.util.Base64");

  private final Parts parts;

  private LocalStack(Parts parts) {
    this.parts = parts;
  }

  public static LocalStack start(LocalStackOptions options) {
    if (options.externalEndpoint() != null && options.persistDirectory() != null) {
      throw new IllegalArgumentException(
          "--persist keeps the built-in DynamoDB Local's data; an external endpoint"
              + " (LocalStack) keeps its own");
    }
    SamTemplate template =
        SamTemplate.load(
            options.template(), templateParameters(options), options.region(), "checkmark-local");
    Parts parts = new Parts();
    parts.stage = template.stageName();
    QueuedThreadPool threads = new QueuedThreadPool(400, 8);
    threads.setName("local-stack");
    parts.server = new Server(threads);
    ServerConnector connector = new ServerConnector(parts.server);
    connector.setHost("127.0.0.1");
    connector.setPort(options.port());
    parts.server.addConnector(connector);
    try {
      // Bind first: the functions' environment needs the port, and --port 0 picks it now.
      connector.open();
      parts.endpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort());
      parts.dynamoDbEndpoint =
          options.externalEndpoint() == null ? parts.endpoint : options.externalEndpoint();
      parts.dynamoDbLocal =
          options.externalEndpoint() == null
              ? startDynamoDbLocal(options.persistDirectory())
              : null;
      parts.persistDirectory = options.persistDirectory();
      parts.region = options.region();

      parts.invocations =
          new ThreadPoolExecutor(
              INVOCATION_THREADS,
              INVOCATION_THREADS,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              daemonThreads("lambda"));
      ScheduledThreadPoolExecutor timers =
          new ScheduledThreadPoolExecutor(1, daemonThreads("connection-timer"));
      // Every connection schedules its 2-hour age limit and cancels it when it closes: without
      // this, a reconnect storm leaves every cancelled limit queued for two hours.
      timers.setRemoveOnCancelPolicy(true);
      parts.timers = timers;
      parts.connections = new ConnectionRegistry();
      List<TableDefinition> tables = template.tables();
      Map<String, String> tableLogicalIds = new LinkedHashMap<>();
      tables.forEach(table -> tableLogicalIds.put(table.tableName(), table.logicalId()));
      parts.faults =
          new Faults(
              Set.copyOf(tableLogicalIds.values()),
              template.functions().keySet(),
              options.idleTimeout(),
              options.maxConnectionDuration(),
              options.console());
      parts.dynamoDbFaults = new DynamoDbFaults(parts.faults, tableLogicalIds);
      parts.sms = new SmsCapture(options.region(), options.console());
      parts.pushes = new PushCapture(options.region(), options.console());
      parts.pushEndpoints = new PlatformEndpoints(options.region(), parts.pushes);
      WebSocketUpgradeHandler webSockets =
          WebSocketUpgradeHandler.from(
              parts.server,
              container -> {
                container.setIdleTimeout(options.idleTimeout());
                // The gateway enforces API Gateway's frame and message limits itself; Jetty only
                // caps what it buffers.
                container.setMaxFrameSize(2L * WebSocketGateway.MAX_MESSAGE_BYTES);
                container.setAutoFragment(false);
                container.setMaxTextMessageSize(2L * WebSocketGateway.MAX_MESSAGE_BYTES);
                container.setMaxBinaryMessageSize(2L * WebSocketGateway.MAX_MESSAGE_BYTES);
              });
      webSockets.setHandler(
          new EdgeHandler(
              parts.stage,
              parts.dynamoDbLocal,
              new ManagementApi(parts.connections, parts.faults),
              parts.sms,
              parts.pushes,
              parts.pushEndpoints,
              new SsmParameters(
                  options.ssmParameters(), options.region(), SamTemplate.LOCAL_ACCOUNT_ID),
              LocalSecrets.forTemplate(template.secrets().values(), options.persistDirectory()),
              parts.dynamoDbFaults,
              parts.faults));
      parts.server.setHandler(webSockets);
      // The AWS endpoints serve before the functions start: a function may read its parameters at
      // start-up.
      parts.server.start();

      parts.buckets = template.buckets();
      parts.objectStorage =
          LocalObjectStorage.start(options.s3Port(), parts.buckets, options.persistDirectory());

      try (DynamoDbClient dynamoDb = adminClient(parts.dynamoDbEndpoint, options.region())) {
        TableCreator.createTables(dynamoDb, tables);
      }
      parts.tableNames = tables.stream().map(TableDefinition::tableName).toList();

      Map<String, LocalLambdaFunction> functions = new LinkedHashMap<>();
      parts.functionEnvironments = new LinkedHashMap<>();
      template
          .functions()
          .forEach(
              (id, function) -> {
                Map<String, String> environment =
                    functionEnvironment(
                        function, options, parts.endpoint, parts.objectStorage.endpoint());
                parts.functionEnvironments.put(id, Map.copyOf(environment));
                functions.put(
                    id,
                    LocalLambdaFunction.load(
                        function, environment, options.region(), parts.faults));
              });
      parts.gateway =
          new WebSocketGateway(
              template,
              functions,
              new ApiGatewayEvents(
                  "local" + Integer.toHexString(connector.getLocalPort()), parts.stage),
              parts.connections,
              parts.invocations,
              parts.timers,
              parts.faults,
              parts.traffic,
              new InvocationConsole(options.console(), options.logFrames()));
      parts.routeKeys = parts.gateway.routeKeys();
      // A thread per stream, as Lambda polls each event source mapping on its own: a backlog of
      // group fan-outs does not hold up pushes.
      parts.streamPoller =
          Executors.newScheduledThreadPool(
              Math.max(1, template.streamSources().size()), daemonThreads("stream-event-source"));
      parts.streamClients = adminClient(parts.dynamoDbEndpoint, options.region());
      parts.streamsClient = adminStreamsClient(parts.dynamoDbEndpoint, options.region());
      InvocationConsole streamConsole = new InvocationConsole(options.console(), false);
      for (SamTemplate.StreamSource source : template.streamSources()) {
        new StreamEventSource(
                source,
                functions.get(source.functionLogicalId()),
                parts.streamClients,
                parts.streamsClient,
                options.region(),
                streamConsole,
                parts.deadLetters,
                parts.streamInvocations,
                parts.streamInvocationsDone)
            .start(parts.streamPoller);
      }
      webSockets.getServerWebSocketContainer().addMapping("/" + parts.stage, parts.gateway);
      // In force once the stack is up: its own start-up calls never fail.
      parts.faults.install(options.faults());
      return new LocalStack(parts);
    } catch (Exception e) {
      parts.stopAll();
      throw new IllegalStateException("the local stack did not start: " + e.getMessage(), e);
    }
  }

  /** Where clients connect: {@code ws://127.0.0.1:<port>/<stage>}. */
  public URI webSocketUrl() {
    return URI.create("ws://" + parts.endpoint.getAuthority() + "/" + parts.stage);
  }

  /**
   * The batches of stream records the event sources gave up on, one JSON object each, as Lambda
   * sends them to an event source mapping's on-failure destination.
   */
  public List<String> deadLetters() {
    return List.copyOf(parts.deadLetters);
  }

  /**
   * Lets the function's next {@code afterCalls} calls of a DynamoDB operation (e.g. {@code
   * TransactWriteItems}) through, then answers the {@code times} after them with DynamoDB's {@code
   * InternalServerError}: a fault injected on purpose, to watch a function fail half-way and the
   * system recover. The SDK tries each call {@code SDK_MAX_ATTEMPTS} times (3 in the template), so
   * that many failures in a row fail one call. Only the built-in DynamoDB Local can be made to
   * fail. Counted in {@link #injectedFaults()} as {@code dynamodb.InternalServerError}; a fault
   * plan (docs/faults.md) injects failures by rate instead.
   */
  public void failDynamoDbCalls(
      String functionLogicalId, String operation, int afterCalls, int times) {
    parts.dynamoDbFaults.fail(functionLogicalId, operation, afterCalls, times);
  }

  /**
   * Puts a fault plan in force from now on, in place of the one before (docs/faults.md), and says
   * so on the console; returns it, with the seed the stack picked when it had none. A plan naming a
   * table or function the template lacks is refused with an {@link IllegalArgumentException}.
   */
  public FaultPlan setFaults(FaultPlan plan) {
    return parts.faults.set(plan);
  }

  /**
   * No fault from now on, and connection lifetimes back to the options' values. What was injected
   * stays counted.
   */
  public void healFaults() {
    parts.faults.set(FaultPlan.NONE);
  }

  /** The fault plan in force ({@link FaultPlan#NONE} when healed). */
  public FaultPlan faults() {
    return parts.faults.plan();
  }

  /**
   * How many faults were injected since the stack started, by kind: {@code
   * dynamodb.ThrottlingException}, {@code dynamodb.latency}, {@code managementApi.410}, {@code
   * crash.afterWriteBeforePush}, {@code disconnect.dropped}, {@code sns.sms}, {@code sns.push}...
   * Kinds never injected are absent.
   */
  public Map<String, Long> injectedFaults() {
    return parts.faults.injected();
  }

  /** Invocations of functions by the template's streams so far (Lambda bills each). */
  public long streamInvocations() {
    return parts.streamInvocations.sum();
  }

  /** Invocations by the template's streams that have begun and not yet returned. */
  public long streamInvocationsRunning() {
    return parts.streamInvocations.sum() - parts.streamInvocationsDone.sum();
  }

  /** Messages in and out and invocations by route so far, as API Gateway would bill them. */
  public Traffic.Snapshot traffic() {
    return parts.traffic.snapshot();
  }

  /**
   * The environment a function runs with here, template variables resolved: what a process needs to
   * run that function's handler against this stack (the cold-start benchmark's child JVMs).
   */
  public Map<String, String> environmentOf(String functionLogicalId) {
    Map<String, String> environment = parts.functionEnvironments.get(functionLogicalId);
    if (environment == null) {
      throw new IllegalArgumentException("no function " + functionLogicalId + " in the template");
    }
    return environment;
  }

  /**
   * The HTTP endpoint for AWS SDKs ({@code AWS_ENDPOINT_URL}), the management API and the SMS and
   * push capture.
   */
  public URI endpoint() {
    return parts.endpoint;
  }

  /** The S3 API for media: presigned uploads and downloads go here. */
  public URI s3Endpoint() {
    return parts.objectStorage.endpoint();
  }

  /** The name of the template's bucket with this logical id, as the functions see it. */
  public String bucketName(String logicalId) {
    return parts.buckets.stream()
        .filter(bucket -> bucket.logicalId().equals(logicalId))
        .map(SamTemplate.Bucket::name)
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("no bucket " + logicalId + " in the template"));
  }

  public URI dynamoDbEndpoint() {
    return parts.dynamoDbEndpoint;
  }

  public String stage() {
    return parts.stage;
  }

  /** The SMS texts captured for one phone number, oldest first. */
  public List<String> smsTo(String phoneNumber) {
    return parts.sms.messagesTo(phoneNumber);
  }

  /**
   * The PIN in the last SMS captured for a phone number: the text's only run of six digits, as the
   * protocol promises. For tools and tests that register through the stack.
   */
  public String lastPinSentTo(String phoneNumber) {
    List<String> texts = smsTo(phoneNumber);
    if (texts.isEmpty()) {
      throw new IllegalStateException("no SMS was sent to " + phoneNumber);
    }
    Matcher pin = RegistrationService.PIN_IN_SMS.matcher(texts.get(texts.size() - 1));
    if (!pin.find()) {
      throw new IllegalStateException(
          "no PIN in the last SMS to " + phoneNumber + ": " + texts.get(texts.size() - 1));
    }
    return pin.group();
  }

  /** The ARNs of the SNS platform endpoints holding this device token, oldest first. */
  public List<String> pushEndpointsOfToken(String token) {
    return parts.pushEndpoints.endpointsOfToken(token);
  }

  /**
   * The push notifications published to one platform endpoint, oldest first, each with the fields
   * {@code /_aws/sns/platform-endpoint-messages} lists ({@code Message}, {@code MessageAttributes},
   * {@code MessageId}...).
   */
  public List<Map<String, Object>> pushNotificationsTo(String endpointArn) {
    return parts.pushes.notificationsTo(endpointArn);
  }

  public void clearPushNotifications() {
    parts.pushes.clear();
  }

  /**
   * Disables every platform endpoint holding this device token, as SNS does when APNs or FCM
   * reports it invalid, so that publishing to them fails with {@code EndpointDisabledException};
   * returns their ARNs (none when no endpoint holds it).
   */
  public List<String> invalidatePushToken(String token) {
    return parts.pushEndpoints.invalidateToken(token);
  }

  public Set<String> openConnectionIds() {
    Set<String> ids = new TreeSet<>();
    parts.connections.all().forEach(connection -> ids.add(connection.id()));
    return ids;
  }

  /**
   * Drops a connection without a close handshake and without running {@code $disconnect}, as a
   * phone that loses its network does: its Connections row stays behind, stale.
   */
  public boolean dropWithoutDisconnect(String connectionId) {
    Optional<LocalConnection> connection = parts.connections.find(connectionId);
    connection.ifPresent(
        found -> {
          parts.connections.remove(connectionId);
          found.dropSilently();
        });
    return connection.isPresent();
  }

  /** The line printed when the stack is ready. */
  public String readinessLine() {
    return "Checkmark local stack ready: "
        + webSocketUrl()
        + " (HTTP and AWS endpoint "
        + parts.endpoint
        + ", "
        + parts.routeKeys.size()
        + " routes, "
        + parts.tableNames.size()
        + " tables"
        + (parts.dynamoDbEndpoint.equals(parts.endpoint)
            ? ""
            : ", DynamoDB at " + parts.dynamoDbEndpoint)
        + ", S3 at "
        + parts.objectStorage.endpoint()
        + (parts.persistDirectory == null ? "" : ", data kept in " + parts.persistDirectory)
        + ")";
  }

  /**
   * The readiness line, then where everything is and how to look at it: what a developer needs in
   * their first minutes.
   */
  public String banner() {
    String http = parts.endpoint.toString();
    String dynamoDb = parts.dynamoDbEndpoint.toString();
    return String.join(
        System.lineSeparator(),
        readinessLine(),
        "  Web client       " + http + "/   (open it in a browser)",
        "  WebSocket        " + webSocketUrl() + "   (try: wscat -c " + webSocketUrl() + ")",
        "  Management API   " + http + "/" + parts.stage + "/@connections/{connectionId}",
        "  DynamoDB         " + dynamoDb + "   tables: " + String.join(", ", parts.tableNames),
        "  S3 (media)       "
            + parts.objectStorage.endpoint()
            + "   buckets: "
            + String.join(", ", parts.buckets.stream().map(SamTemplate.Bucket::name).toList())
            + "   (try: aws s3 ls --endpoint-url "
            + parts.objectStorage.endpoint()
            + ")",
        "  SNS, SSM, Secrets Manager  " + http,
        "  SMS sent         "
            + http
            + SmsCapture.MESSAGES_PATH
            + "   (PINs are printed below as they are sent)",
        "  Pushes sent      "
            + http
            + PushCapture.MESSAGES_PATH
            + "   (mark a token invalid: POST {\"token\": ...} to "
            + http
            + PlatformEndpoints.INVALID_TOKENS_PATH
            + ")",
        "  Look inside:     AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws dynamodb scan"
            + " --table-name "
            + parts.tableNames.get(0)
            + " --endpoint-url "
            + dynamoDb
            + " --region "
            + parts.region,
        faultsLine(http),
        "One line per invocation follows; --log-frames shows every frame. Ctrl-C stops the stack.");
  }

  /** The banner's line on faults: the plan in force, and where to change it. */
  private String faultsLine(String http) {
    FaultPlan plan = parts.faults.plan();
    if (plan.isEmpty()) {
      return "  Faults           none   (inject some: PUT a plan to "
          + http
          + FaultsEndpoint.PATH
          + ")";
    }
    return "  Faults           "
        + plan.describe()
        + "   (GET, PUT a plan, DELETE to heal: "
        + http
        + FaultsEndpoint.PATH
        + ")";
  }

  @Override
  public void close() {
    parts.stopAll();
  }

  /**
   * The user's parameter values over the ARNs of this stack's push applications, so that the
   * functions push through its SNS; with an external endpoint (LocalStack) SNS is that endpoint's,
   * whose applications' ARNs the user gives. A template that does not declare the push parameters
   * takes their values without complaint and leaves them unused.
   */
  private static Map<String, String> templateParameters(LocalStackOptions options) {
    if (options.externalEndpoint() != null) {
      return options.parameterOverrides();
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (PushPlatform platform : PushPlatform.values()) {
      parameters.put(platform.templateParameter(), platform.applicationArn(options.region()));
    }
    parameters.putAll(options.parameterOverrides());
    return parameters;
  }

  private static Map<String, String> functionEnvironment(
      SamTemplate.LambdaFunction function,
      LocalStackOptions options,
      URI endpoint,
      URI s3Endpoint) {
    Map<String, String> environment = new LinkedHashMap<>(function.environment());
    environment.put("AWS_REGION", options.region());
    environment.put("AWS_DEFAULT_REGION", options.region());
    // Each function signs with its own key, as each Lambda has its own role: requests can be told
    // apart.
    environment.putIfAbsent("AWS_ACCESS_KEY_ID", function.logicalId());
    environment.putIfAbsent("AWS_SECRET_ACCESS_KEY", "test");
    environment.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
    environment.put(
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMegabytes()));
    environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    // EMF lines would bury the console; the metrics code itself is covered by the functions' tests.
    environment.putIfAbsent("POWERTOOLS_METRICS_DISABLED", "true");
    // DynamoDB Local shares this process's cores with every function and client: under a burst an
    // attempt can take seconds where DynamoDB answers in milliseconds, so calls get more time here.
    environment.put("SDK_ATTEMPT_TIMEOUT_MILLIS", "10000");
    environment.put("SDK_API_CALL_TIMEOUT_MILLIS", "30000");
    // Media always goes to this stack's S3 server, which checks presigned uploads as S3 does.
    environment.put("AWS_ENDPOINT_URL_S3", s3Endpoint.toString());
    if (options.externalEndpoint() == null) {
      environment.put("AWS_ENDPOINT_URL", endpoint.toString());
    } else {
      // LocalStack serves DynamoDB and SNS; the WebSocket management API and the template's secrets
      // are ours, and SSM when given values.
      environment.put("AWS_ENDPOINT_URL", options.externalEndpoint().toString());
      environment.put("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI", endpoint.toString());
      environment.put("AWS_ENDPOINT_URL_SECRETSMANAGER", endpoint.toString());
      if (!options.ssmParameters().isEmpty()) {
        environment.put("AWS_ENDPOINT_URL_SSM", endpoint.toString());
      }
    }
    return environment;
  }

  /**
   * DynamoDB Local in this process: in memory, or in {@code persistDirectory/dynamodb/} (its {@code
   * -dbPath}), where the tables of an earlier run are found again. The subdirectory leaves the
   * persistence directory room for what other emulated services keep.
   */
  private static AbstractLocalDynamoDBServerHandler startDynamoDbLocal(Path persistDirectory)
      throws Exception {
    Telemetry.configureTelemetry("LocalStack", "in-process", false);
    SQLITE_LOG.setLevel(java.util.logging.Level.SEVERE);
    SDK_V1_BASE64_LOG.setLevel(java.util.logging.Level.SEVERE);
    boolean inMemory = persistDirectory == null;
    String dbPath = null;
    if (!inMemory) {
      dbPath =
          Files.createDirectories(persistDirectory.resolve("dynamodb")).toAbsolutePath().toString();
    }
    // One database for every access key (DynamoDB Local would keep one per key): the functions, the
    // tests and a developer's own AWS CLI all see the same tables.
    return new LocalDynamoDBServerHandler(
        new LocalDynamoDBRequestHandler(0, inMemory, dbPath, true, false), null);
  }

  private static DynamoDbClient adminClient(URI endpoint, String region) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.of(region))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(DynamoDbFaults.STACK_ACCESS_KEY, "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static DynamoDbStreamsClient adminStreamsClient(URI endpoint, String region) {
    return DynamoDbStreamsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.of(region))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The stack's parts: assembled one by one, so that a failed start stops what did start. */
  private static final class Parts {
    final Traffic traffic = new Traffic();
    Map<String, Map<String, String>> functionEnvironments;
    Server server;
    ThreadPoolExecutor invocations;
    ScheduledExecutorService timers;
    AbstractLocalDynamoDBServerHandler dynamoDbLocal;
    ConnectionRegistry connections;
    WebSocketGateway gateway;
    SmsCapture sms;
    PushCapture pushes;
    PlatformEndpoints pushEndpoints;
    URI endpoint;
    URI dynamoDbEndpoint;
    Path persistDirectory;
    String region;
    String stage;
    List<String> routeKeys;
    List<String> tableNames;
    List<SamTemplate.Bucket> buckets;
    LocalObjectStorage objectStorage;
    ScheduledExecutorService streamPoller;
    DynamoDbClient streamClients;
    DynamoDbStreamsClient streamsClient;
    final List<String> deadLetters = StreamEventSource.newDeadLetterList();
    Faults faults;
    DynamoDbFaults dynamoDbFaults;
    final LongAdder streamInvocations = new LongAdder();
    final LongAdder streamInvocationsDone = new LongAdder();

    void stopAll() {
      // No new connection from here on: clients told to go away must not reconnect to this stack.
      if (gateway != null) {
        gateway.stopAccepting();
      }
      // The event sources next: a fan-out under way may finish, none starts.
      if (streamPoller != null) {
        streamPoller.shutdown();
        try {
          streamPoller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException stopNow) {
          Thread.currentThread().interrupt();
        }
        streamPoller.shutdownNow();
      }
      // Invocations first, so that the connections the server closes do not start $disconnect on a
      // stopping stack; those not started are dropped. Those under way may finish (they take
      // milliseconds): an interrupted one would fail half-way and say so on the console.
      if (invocations != null) {
        invocations.shutdown();
        invocations.getQueue().clear();
        try {
          invocations.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException stopNow) {
          Thread.currentThread().interrupt();
        }
        invocations.shutdownNow();
      }
      if (timers != null) {
        timers.shutdownNow();
      }
      try {
        if (connections != null) {
          // Clients learn at once that the stack went away, as from API Gateway, and reconnect.
          CompletableFuture.allOf(
                  connections.all().stream()
                      .map(LocalConnection::goAway)
                      .toArray(CompletableFuture[]::new))
              .completeOnTimeout(null, 1, TimeUnit.SECONDS)
              .exceptionally(notSent -> null)
              .join();
        }
        if (server != null) {
          server.stop();
        }
      } catch (Exception e) {
        throw new IllegalStateException("the local stack did not stop cleanly", e);
      } finally {
        if (objectStorage != null) {
          objectStorage.close();
        }
        if (dynamoDbLocal != null) {
          dynamoDbLocal.close();
        }
      }
    }
  }
}
