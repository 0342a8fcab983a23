package io.checkmark.aws;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import io.checkmark.template.SamTemplate;
import io.checkmark.template.TableCreator;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Amazon's DynamoDB Local, embedded in the test JVM (no network), with the tables exactly as {@code
 * template.yaml} declares them.
 */
public final class TemplateTables {

  public static final Path TEMPLATE = Path.of("..", "template.yaml");

  private static final DynamoDbClient CLIENT = createWithTables();

  private TemplateTables() {}

  public static DynamoDbClient dynamoDb() {
    return CLIENT;
  }

  /** The function environment the template gives a function, as Lambda would see it. */
  public static Map<String, String> environmentOf(String functionLogicalId) {
    return SamTemplate.load(TEMPLATE).functions().get(functionLogicalId).environment();
  }

  private static DynamoDbClient createWithTables() {
    // Telemetry off: no dynamodb-local-metadata.json in the working directory, no calls out.
    DynamoDbClient client = DynamoDBEmbedded.create(true).dynamoDbClient();
    TableCreator.createTables(client, SamTemplate.load(TEMPLATE).tables());
    return client;
  }
}
