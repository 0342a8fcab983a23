package io.checkmark.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;

/**
 * A DynamoDB table as the template declares it, ready to be created elsewhere than in AWS: keys,
 * indexes, its time-to-live attribute and its stream's view type, if any.
 */
public record TableDefinition(
    String logicalId,
    String tableName,
    List<AttributeDefinition> attributes,
    List<KeySchemaElement> keySchema,
    List<GlobalSecondaryIndex> globalSecondaryIndexes,
    List<LocalSecondaryIndex> localSecondaryIndexes,
    Optional<String> timeToLiveAttribute,
    Optional<String> streamViewType) {

  static TableDefinition fromProperties(
      String logicalId, String tableName, Map<String, Object> properties) {
    List<AttributeDefinition> attributes = new ArrayList<>();
    for (Map<String, Object> attribute : maps(properties.get("AttributeDefinitions"))) {
      attributes.add(
          AttributeDefinition.builder()
              .attributeName(String.valueOf(attribute.get("AttributeName")))
              .attributeType(String.valueOf(attribute.get("AttributeType")))
              .build());
    }
    List<GlobalSecondaryIndex> globalIndexes = new ArrayList<>();
    for (Map<String, Object> index : maps(properties.get("GlobalSecondaryIndexes"))) {
      globalIndexes.add(
          GlobalSecondaryIndex.builder()
              .indexName(String.valueOf(index.get("IndexName")))
              .keySchema(keySchema(index.get("KeySchema")))
              .projection(projection(index.get("Projection")))
              .build());
    }
    List<LocalSecondaryIndex> localIndexes = new ArrayList<>();
    for (Map<String, Object> index : maps(properties.get("LocalSecondaryIndexes"))) {
      localIndexes.add(
          LocalSecondaryIndex.builder()
              .indexName(String.valueOf(index.get("IndexName")))
              .keySchema(keySchema(index.get("KeySchema")))
              .projection(projection(index.get("Projection")))
              .build());
    }
    Map<String, Object> ttl = SamTemplate.mapOrEmpty(properties.get("TimeToLiveSpecification"));
    Optional<String> ttlAttribute =
        Boolean.parseBoolean(String.valueOf(ttl.get("Enabled")))
            ? Optional.of(String.valueOf(ttl.get("AttributeName")))
            : Optional.empty();
    Object streamViewType =
        SamTemplate.mapOrEmpty(properties.get("StreamSpecification")).get("StreamViewType");
    TableDefinition table =
        new TableDefinition(
            logicalId,
            tableName,
            attributes,
            keySchema(properties.get("KeySchema")),
            globalIndexes,
            localIndexes,
            ttlAttribute,
            Optional.ofNullable(streamViewType).map(String::valueOf));
    table.checkKeysAreDefined();
    return table;
  }

  /** The request that creates this table on demand, as every Checkmark table is billed. */
  public CreateTableRequest createTableRequest() {
    CreateTableRequest.Builder request =
        CreateTableRequest.builder()
            .tableName(tableName)
            .attributeDefinitions(attributes)
            .keySchema(keySchema)
            .billingMode(BillingMode.PAY_PER_REQUEST);
    if (!globalSecondaryIndexes.isEmpty()) {
      request.globalSecondaryIndexes(globalSecondaryIndexes);
    }
    if (!localSecondaryIndexes.isEmpty()) {
      request.localSecondaryIndexes(localSecondaryIndexes);
    }
    streamViewType.ifPresent(
        viewType ->
            request.streamSpecification(
                stream -> stream.streamEnabled(true).streamViewType(viewType)));
    return request.build();
  }

  private void checkKeysAreDefined() {
    List<KeySchemaElement> allKeys = new ArrayList<>(keySchema);
    globalSecondaryIndexes.forEach(index -> allKeys.addAll(index.keySchema()));
    localSecondaryIndexes.forEach(index -> allKeys.addAll(index.keySchema()));
    for (KeySchemaElement key : allKeys) {
      boolean defined =
          attributes.stream().anyMatch(a -> a.attributeName().equals(key.attributeName()));
      if (!defined) {
        throw new TemplateException(
            "table "
                + logicalId
                + " uses key attribute "
                + key.attributeName()
                + " that its AttributeDefinitions do not define");
      }
    }
  }

  private static List<KeySchemaElement> keySchema(Object declared) {
    List<KeySchemaElement> keys = new ArrayList<>();
    for (Map<String, Object> key : maps(declared)) {
      keys.add(
          KeySchemaElement.builder()
              .attributeName(String.valueOf(key.get("AttributeName")))
              .keyType(String.valueOf(key.get("KeyType")))
              .build());
    }
    return keys;
  }

  private static Projection projection(Object declared) {
    Map<String, Object> projection = SamTemplate.mapOrEmpty(declared);
    Projection.Builder builder =
        Projection.builder()
            .projectionType(String.valueOf(projection.getOrDefault("ProjectionType", "ALL")));
    Object nonKey = projection.get("NonKeyAttributes");
    if (nonKey instanceof List<?> names && !names.isEmpty()) {
      builder.nonKeyAttributes(names.stream().map(String::valueOf).toList());
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object value) {
    return value instanceof List ? (List<Map<String, Object>>) value : List.of();
  }
}
