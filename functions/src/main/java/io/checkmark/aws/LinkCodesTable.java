package io.checkmark.aws;

import io.checkmark.core.LinkCodeStore;
import io.checkmark.core.LinkRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The LinkCodes table: {@code codeHash → connectionId, name, expiresAt (TTL, epoch seconds)}, one
 * item per link code waiting for its primary's approval. A code is claimed by deleting its item on
 * condition that it has not expired, which returns the item to one claimant only.
 */
public final class LinkCodesTable implements LinkCodeStore {

  private static final TableSchema<LinkItem> SCHEMA =
      StaticTableSchema.builder(LinkItem.class)
          .newItemSupplier(LinkItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name("codeHash")
                      .getter(item -> item.codeHash)
                      .setter((item, v) -> item.codeHash = v)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              String.class,
              a ->
                  a.name("connectionId")
                      .getter(item -> item.connectionId)
                      .setter((item, v) -> item.connectionId = v))
          .addAttribute(
              String.class,
              a -> a.name("name").getter(item -> item.name).setter((item, v) -> item.name = v))
          .addAttribute(
              Long.class,
              a ->
                  a.name("expiresAt")
                      .getter(item -> item.expiresAt)
                      .setter((item, v) -> item.expiresAt = v))
          .build();

  private final DynamoDbTable<LinkItem> table;

  public LinkCodesTable(DynamoDbClient client, String tableName) {
    this.table =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
  }

  @Override
  public void save(LinkRequest request) {
    LinkItem item = new LinkItem();
    item.codeHash = request.codeHash();
    item.connectionId = request.connectionId();
    item.name = request.name();
    item.expiresAt = request.expiresAt().getEpochSecond();
    table.putItem(item);
  }

  @Override
  public Optional<LinkRequest> claim(String codeHash, Instant now) {
    try {
      LinkItem claimed =
          table.deleteItem(
              r ->
                  r.key(Key.builder().partitionValue(codeHash).build())
                      .conditionExpression(
                          Expression.builder()
                              .expression("expiresAt > :now")
                              .expressionValues(
                                  Map.of(
                                      ":now",
                                      AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
                              .build()));
      return Optional.of(
          new LinkRequest(
              claimed.codeHash,
              claimed.connectionId,
              claimed.name,
              Instant.ofEpochSecond(claimed.expiresAt)));
    } catch (ConditionalCheckFailedException unknownUsedOrExpired) {
      return Optional.empty();
    }
  }

  /** The stored shape of a link code. */
  private static final class LinkItem {
    private String codeHash;
    private String connectionId;
    private String name;
    private Long expiresAt;
  }
}
