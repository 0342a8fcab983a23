package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.local.TestSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The README's first command, for real: {@code java -jar local/target/checkmark-local.jar} in a
 * process of its own, and a WebSocket client talking to it.
 */
class LocalStackProcessTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern READY =
      Pattern.compile("ready: (ws://\\S+) \\(HTTP and AWS endpoint (http://\\S+),");

  private static Process process;
  private static URI webSocketUrl;
  private static URI endpoint;
  private static DynamoDbClient dynamoDb;

  @BeforeAll
  static void startJar() throws Exception {
    Path jar = Path.of(System.getProperty("checkmark.local.jar"));
    assertThat(jar).as("the local stack jar, built by the local module").exists();
    process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    jar.toString(),
                    "--port",
                    "0",
                    "--template",
                    System.getProperty("checkmark.template")))
            .redirectErrorStream(true)
            .start();
    String line = awaitReadiness(process, Duration.ofSeconds(60));
    Matcher ready = READY.matcher(line);
    assertThat(ready.find()).as("readiness line: %s", line).isTrue();
    webSocketUrl = URI.create(ready.group(1));
    endpoint = URI.create(ready.group(2));
    dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stopJar() throws Exception {
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (process != null) {
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the stack stops on SIGTERM").isTrue();
    }
  }

  @Test
  void pingGetsPong() throws Exception {
    try (TestSocket socket = TestSocket.connect(webSocketUrl)) {
      JsonNode reply = JSON.readTree(socket.send("{\"action\":\"ping\",\"ref\":\"p1\"}").next());

      assertThat(reply.get("type").asText()).isEqualTo("pong");
      assertThat(reply.get("ref").asText()).isEqualTo("p1");
    }
  }

  @Test
  void unknownActionGetsUnknownAction() throws Exception {
    try (TestSocket socket = TestSocket.connect(webSocketUrl)) {
      JsonNode reply = JSON.readTree(socket.send("{\"action\":\"fly\"}").next());

      assertThat(reply.get("type").asText()).isEqualTo("error");
      assertThat(reply.get("code").asText()).isEqualTo("UNKNOWN_ACTION");
      assertThat(reply.get("action").asText()).isEqualTo("fly");
    }
  }

  @Test
  void connectionRowAppearsWhileConnectedAndDisappearsAfterClose() throws Exception {
    List<String> before = connectionIds();
    String connectionId;
    try (TestSocket socket = TestSocket.connect(webSocketUrl)) {
      socket.send("{\"action\":\"ping\"}").next();
      // Other tests' rows may still be on their way out, so compare sets, not sizes.
      List<String> added = connectionIds().stream().filter(id -> !before.contains(id)).toList();
      assertThat(added).as("rows added while this socket is open").hasSize(1);
      connectionId = added.get(0);
    }

    String closed = connectionId;
    await("row of " + closed + " removed by $disconnect")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !connectionIds().contains(closed));
  }

  private static List<String> connectionIds() {
    return dynamoDb.scan(r -> r.tableName("ConnectionsTable").consistentRead(true)).items().stream()
        .map(item -> item.get("id"))
        .map(AttributeValue::s)
        .toList();
  }

  private static String awaitReadiness(Process process, Duration limit) throws Exception {
    BufferedReader output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> readiness =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                StringBuilder seen = new StringBuilder();
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                  if (line.contains("Checkmark local stack ready")) {
                    Thread drain = new Thread(() -> drain(output), "local-stack-output");
                    drain.setDaemon(true);
                    drain.start();
                    return line;
                  }
                  seen.append(line).append('\n');
                }
                throw new IllegalStateException(
                    "the local stack exited before it was ready:\n" + seen);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    return readiness.get(limit.toSeconds(), TimeUnit.SECONDS);
  }

  private static void drain(BufferedReader output) {
    try {
      while (output.readLine() != null) {
        // Keeps the child from blocking on a full pipe.
      }
    } catch (IOException closed) {
      // The process ended.
    }
  }
}
