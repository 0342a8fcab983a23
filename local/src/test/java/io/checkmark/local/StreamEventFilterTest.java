package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.local.fixtures.RecordingHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A stream's function gets only the records its template's filter patterns match, with a template
 * that declares no push parameters.
 */
class StreamEventFilterTest {

  private static final String TABLE = "checkmark-local-changes";

  @Test
  void functionGetsOnlyTheRecordsOneOfItsFilterPatternsMatches() {
    try (LocalStack stack =
            LocalStack.start(
                LocalStackOptions.builder()
                    .port(0)
                    .template(Path.of("src/test/resources/streams-template.yaml"))
                    .build());
        DynamoDbClient dynamoDb =
            DynamoDbClient.builder()
                .endpointOverride(stack.dynamoDbEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {

      put(dynamoDb, "wanted", "m");
      put(dynamoDb, "other-kind", "g");
      put(dynamoDb, "wanted", "u");
      dynamoDb.deleteItem(
          r -> r.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("other-kind"))));

      // The removal comes last in the shard: once it is delivered, every record before it was read.
      await().atMost(Duration.ofSeconds(20)).until(() -> delivered().contains("REMOVE other-kind"));
      assertThat(delivered()).containsExactly("INSERT wanted", "REMOVE other-kind");
    }
  }

  private static void put(DynamoDbClient dynamoDb, String key, String kind) {
    dynamoDb.putItem(
        r ->
            r.tableName(TABLE)
                .item(Map.of("pk", AttributeValue.fromS(key), "k", AttributeValue.fromS(kind))));
  }

  /** Every record the function got from this table, as "EVENT key", in order. */
  private static List<String> delivered() {
    return RecordingHandler.EVENTS.stream()
        .flatMap(event -> stream(event.path("Records")))
        .filter(record -> record.path("eventSourceARN").asText().contains(":table/" + TABLE + "/"))
        .map(
            record ->
                record.path("eventName").asText()
                    + " "
                    + record.path("dynamodb").path("Keys").path("pk").path("S").asText())
        .toList();
  }

  private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false);
  }
}
