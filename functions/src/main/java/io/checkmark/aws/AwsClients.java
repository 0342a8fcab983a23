package io.checkmark.aws;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Builds the AWS SDK clients from a function's environment, with nothing looked up implicitly: the
 * region from {@code AWS_REGION}, the credentials from the variables Lambda sets, and the one
 * endpoint switch shared by the local stack, LocalStack and AWS: {@code
 * AWS_ENDPOINT_URL_<SERVICE>}, else {@code AWS_ENDPOINT_URL}, else the service's public endpoint.
 *
 * <p>Every client retries failed calls the same way, configured here and nowhere else: the SDK's
 * standard strategy (throttling, 5xx and network errors) with {@code SDK_MAX_ATTEMPTS} attempts and
 * capped exponential backoff with jitter; each attempt may take {@code SDK_ATTEMPT_TIMEOUT_MILLIS}
 * and the whole call, retries included, {@code SDK_API_CALL_TIMEOUT_MILLIS}, which keeps a call
 * well inside the function's 10-second timeout.
 */
public final class AwsClients {

  /** The retry and timeout settings, their environment variables and their defaults. */
  public record CallPolicy(int maxAttempts, Duration attemptTimeout, Duration apiCallTimeout) {

    public static final CallPolicy DEFAULT =
        new CallPolicy(3, Duration.ofMillis(1_500), Duration.ofMillis(4_000));

    static CallPolicy from(Map<String, String> environment) {
      return new CallPolicy(
          (int) number(environment, "SDK_MAX_ATTEMPTS", DEFAULT.maxAttempts()),
          Duration.ofMillis(
              number(
                  environment, "SDK_ATTEMPT_TIMEOUT_MILLIS", DEFAULT.attemptTimeout().toMillis())),
          Duration.ofMillis(
              number(
                  environment,
                  "SDK_API_CALL_TIMEOUT_MILLIS",
                  DEFAULT.apiCallTimeout().toMillis())));
    }

    /** The one retry and timeout configuration every client of a function gets. */
    public ClientOverrideConfiguration overrides() {
      return ClientOverrideConfiguration.builder()
          .retryStrategy(
              AwsRetryStrategy.standardRetryStrategy().toBuilder()
                  .maxAttempts(maxAttempts)
                  .backoffStrategy(
                      BackoffStrategy.exponentialDelay(
                          Duration.ofMillis(25), Duration.ofSeconds(1)))
                  .throttlingBackoffStrategy(
                      BackoffStrategy.exponentialDelay(
                          Duration.ofMillis(100), Duration.ofSeconds(1)))
                  .build())
          .apiCallAttemptTimeout(attemptTimeout)
          .apiCallTimeout(apiCallTimeout)
          .build();
    }

    private static long number(Map<String, String> environment, String name, long defaultValue) {
      String value = environment.get(name);
      if (value == null || value.isBlank()) {
        return defaultValue;
      }
      try {
        long parsed = Long.parseLong(value.trim());
        if (parsed < 1) {
          throw new NumberFormatException();
        }
        return parsed;
      } catch (NumberFormatException notANumber) {
        throw new IllegalStateException(
            "environment variable " + name + " must be a positive whole number, not " + value);
      }
    }
  }

  private final Map<String, String> environment;
  private final Region region;
  private final AwsCredentialsProvider credentials;
  private final SdkHttpClient httpClient;
  private final CallPolicy callPolicy;

  public AwsClients(Map<String, String> environment) {
    this.environment = environment;
    this.region = Region.of(required(environment, "AWS_REGION"));
    this.credentials = credentials(environment);
    // The JDK's HttpURLConnection: no Apache or Netty in the Lambda jar, and the fastest cold
    // start; bodies buffered, which spares every call the JDK's 1 ms check of a kept-alive
    // connection.
    this.httpClient = BufferedBodyHttpClient.create();
    this.callPolicy = CallPolicy.from(environment);
  }

  public DynamoDbClient dynamoDb() {
    return dynamoDb(List.of());
  }

  /** The DynamoDB client, with {@code faults} seeing every exchange first (tests inject them). */
  DynamoDbClient dynamoDb(List<ExecutionInterceptor> faults) {
    ClientOverrideConfiguration.Builder overrides = callPolicy.overrides().toBuilder();
    faults.forEach(overrides::addExecutionInterceptor);
    return configure(DynamoDbClient.builder(), "DYNAMODB")
        .overrideConfiguration(overrides.build())
        .build();
  }

  /**
   * S3, path-style behind an endpoint override (a local engine has no bucket subdomains), as the
   * presigner is.
   */
  public S3Client s3() {
    return configure(S3Client.builder(), "S3").forcePathStyle(endpointFor("S3") != null).build();
  }

  /** Signs S3 requests as this function: a presigned URL carries the function's permissions. */
  public S3Presigner s3Presigner() {
    URI endpoint = endpointFor("S3");
    S3Presigner.Builder presigner =
        S3Presigner.builder()
            .region(region)
            .credentialsProvider(credentials)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(endpoint != null).build());
    if (endpoint != null) {
      presigner.endpointOverride(endpoint);
    }
    return presigner.build();
  }

  public SnsClient sns() {
    return configure(SnsClient.builder(), "SNS").build();
  }

  /** The decrypted value of an SSM SecureString parameter, read once with a client closed after. */
  public String secureParameter(String name) {
    try (SsmClient ssm = configure(SsmClient.builder(), "SSM").build()) {
      return ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
    }
  }

  /**
   * The current value of a Secrets Manager secret (by ARN or name), read once with a client closed
   * after.
   */
  public String secretString(String secretId) {
    try (SecretsManagerClient secrets =
        configure(SecretsManagerClient.builder(), "SECRETSMANAGER").build()) {
      return secrets.getSecretValue(r -> r.secretId(secretId)).secretString();
    }
  }

  /**
   * The management API of one WebSocket stage. {@code stageEndpoint} is the stage's own ({@code
   * https://{api}.execute-api.{region}.amazonaws.com/{stage}}); an endpoint override replaces its
   * scheme and host and keeps the stage path.
   */
  public ApiGatewayManagementApiClient managementApi(URI stageEndpoint) {
    URI override = endpointFor("APIGATEWAYMANAGEMENTAPI");
    URI endpoint = override == null ? stageEndpoint : override.resolve(stageEndpoint.getRawPath());
    return configure(ApiGatewayManagementApiClient.builder(), "APIGATEWAYMANAGEMENTAPI")
        .endpointOverride(endpoint)
        .build();
  }

  /**
   * The endpoint override for a service ({@code DYNAMODB}, {@code SNS}, ...), or null for AWS's
   * own.
   */
  public URI endpointFor(String service) {
    String specific = environment.get("AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT));
    String endpoint =
        specific != null && !specific.isBlank() ? specific : environment.get("AWS_ENDPOINT_URL");
    return endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint);
  }

  <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(
      B builder, String service) {
    builder.httpClient(httpClient);
    builder.region(region);
    builder.credentialsProvider(credentials);
    builder.overrideConfiguration(callPolicy.overrides());
    URI endpoint = endpointFor(service);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder;
  }

  private static AwsCredentialsProvider credentials(Map<String, String> environment) {
    String accessKey = environment.get("AWS_ACCESS_KEY_ID");
    String secretKey = environment.get("AWS_SECRET_ACCESS_KEY");
    if (accessKey != null && secretKey != null) {
      String sessionToken = environment.get("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(
          sessionToken == null
              ? AwsBasicCredentials.create(accessKey, secretKey)
              : AwsSessionCredentials.create(accessKey, secretKey, sessionToken));
    }
    // Lambda SnapStart environments hand out credentials through the container endpoint instead.
    if (environment.containsKey("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
      return ContainerCredentialsProvider.builder().build();
    }
    throw new IllegalStateException(
        "no AWS credentials in the environment: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }

  static String required(Map<String, String> environment, String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is not set");
    }
    return value;
  }
}
