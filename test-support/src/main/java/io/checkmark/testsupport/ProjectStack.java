package io.checkmark.testsupport;

import io.checkmark.local.LocalStack;
import io.checkmark.local.LocalStackOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/** The project's own local stack for tests and benchmarks: its template, any free port. */
public final class ProjectStack {

  private ProjectStack() {}

  /**
   * The project's template.yaml: the {@code checkmark.template} property, else the parent folder's.
   */
  public static Path template() {
    return Path.of(System.getProperty("checkmark.template", "../template.yaml"));
  }

  /** Options for a stack of the project's template on a free port; add what a suite needs. */
  public static LocalStackOptions.Builder options() {
    return LocalStackOptions.builder().port(0).template(template());
  }

  /**
   * A port nothing listens on right now: for a stack that must come back on the same port, or for a
   * client that must find nobody there.
   */
  public static int unusedPort() {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    } catch (IOException noPort) {
      throw new UncheckedIOException("no free port on this machine", noPort);
    }
  }

  /** A client on the stack's S3 server, with all rights, as a developer's AWS CLI has them. */
  public static S3Client s3(LocalStack stack) {
    return S3Client.builder()
        .endpointOverride(stack.s3Endpoint())
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** A client on the stack's DynamoDB Local, to look at the tables as they are. */
  public static DynamoDbClient dynamoDb(LocalStack stack) {
    return DynamoDbClient.builder()
        .endpointOverride(stack.dynamoDbEndpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
