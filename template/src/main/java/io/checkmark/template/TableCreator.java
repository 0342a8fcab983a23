package io.checkmark.template;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/** Creates a template's tables, with their indexes and TTL, on any DynamoDB endpoint. */
public final class TableCreator {

  private TableCreator() {}

  /** Creates each table that does not exist yet and waits until all are active. */
  public static void createTables(DynamoDbClient dynamoDb, List<TableDefinition> tables) {
    for (TableDefinition table : tables) {
      try {
        dynamoDb.createTable(table.createTableRequest());
      } catch (ResourceInUseException alreadyThere) {
        // Running against a persistent endpoint (LocalStack) a second time: the table is kept as it
        // is.
        continue;
      }
      dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(table.tableName()));
      table
          .timeToLiveAttribute()
          .ifPresent(
              attribute ->
                  dynamoDb.updateTimeToLive(
                      r ->
                          r.tableName(table.tableName())
                              .timeToLiveSpecification(
                                  ttl -> ttl.attributeName(attribute).enabled(true))));
    }
  }
}
