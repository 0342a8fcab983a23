package io.checkmark.aws;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.checkmark.template.SamTemplate;
import io.checkmark.template.TableCreator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Amazon's DynamoDB Local, embedded in the test JVM (no network), with the tables exactly as {@code
 * template.yaml} declares them.
 */
public final class TemplateTables {

  public static final Path TEMPLATE = Path.of("..", "template.yaml");

  // Telemetry off: no dynamodb-local-metadata.json in the working directory, no calls out.
  private static final AmazonDynamoDBLocal LOCAL = DynamoDBEmbedded.create(true);
  private static final DynamoDbClient CLIENT = createWithTables();

  private TemplateTables() {}

  public static DynamoDbClient dynamoDb() {
    return CLIENT;
  }

  /** The streams of the same tables (the GroupEvents table's feeds the fan-out). */
  public static DynamoDbStreamsClient streams() {
    return LOCAL.dynamoDbStreamsClient();
  }

  /** The function environment the template gives a function, as Lambda would see it. */
  public static Map<String, String> environmentOf(String functionLogicalId) {
    return SamTemplate.load(TEMPLATE).functions().get(functionLogicalId).environment();
  }

  /** The ids in a device's queue of the Messages table, oldest first, read consistently. */
  public static List<String> queuedIds(String messagesTable, String owner) {
    return CLIENT
        .query(
            r ->
                r.tableName(messagesTable)
                    .keyConditionExpression("#q = :owner")
                    .expressionAttributeNames(Map.of("#q", "queue"))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner)))
                    .consistentRead(true))
        .items()
        .stream()
        .map(item -> item.get("id").s())
        .toList();
  }

  private static DynamoDbClient createWithTables() {
    DynamoDbClient client = LOCAL.dynamoDbClient();
    TableCreator.createTables(client, SamTemplate.load(TEMPLATE).tables());
    return client;
  }
}
