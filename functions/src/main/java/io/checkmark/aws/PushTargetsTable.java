package io.checkmark.aws;

import io.checkmark.core.DeviceRef;
import io.checkmark.core.PushPlatform;
import io.checkmark.core.PushTarget;
import io.checkmark.core.PushTargetStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The PushTargets table: {@code phone, device → keyGeneration, platform, endpoint, registeredAt,
 * pushedAt}, one item per device that registered a push token, so that one query finds a phone's
 * targets. The index {@value #BY_ENDPOINT} finds the device holding an endpoint when its token
 * moves. {@code pushedAt} is the collapse marker: a push is sent only by whoever moves it forward.
 */
public final class PushTargetsTable implements PushTargetStore {

  static final String BY_ENDPOINT = "devicesByEndpoint";

  private static final String PHONE = "phone";
  private static final String DEVICE = "device";
  private static final String ENDPOINT = "endpoint";
  private static final String REGISTERED_AT = "registeredAt";
  private static final String PUSHED_AT = "pushedAt";

  private static final TableSchema<TargetItem> SCHEMA =
      StaticTableSchema.builder(TargetItem.class)
          .newItemSupplier(TargetItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name(PHONE)
                      .getter(item -> item.phone)
                      .setter((item, v) -> item.phone = v)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              Integer.class,
              a ->
                  a.name(DEVICE)
                      .getter(item -> item.device)
                      .setter((item, v) -> item.device = v)
                      .tags(StaticAttributeTags.primarySortKey()))
          .addAttribute(
              Long.class,
              a ->
                  a.name("keyGeneration")
                      .getter(item -> item.keyGeneration)
                      .setter((item, v) -> item.keyGeneration = v))
          .addAttribute(
              String.class,
              a ->
                  a.name("platform")
                      .getter(item -> item.platform)
                      .setter((item, v) -> item.platform = v))
          .addAttribute(
              String.class,
              a ->
                  a.name(ENDPOINT)
                      .getter(item -> item.endpoint)
                      .setter((item, v) -> item.endpoint = v)
                      .tags(StaticAttributeTags.secondaryPartitionKey(BY_ENDPOINT)))
          .addAttribute(
              Long.class,
              a ->
                  a.name(REGISTERED_AT)
                      .getter(item -> item.registeredAt)
                      .setter((item, v) -> item.registeredAt = v))
          .addAttribute(
              Long.class,
              a ->
                  a.name(PUSHED_AT)
                      .getter(item -> item.pushedAt)
                      .setter((item, v) -> item.pushedAt = v))
          .build();

  private final DynamoDbClient client;
  private final String tableName;
  private final DynamoDbTable<TargetItem> table;

  public PushTargetsTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
    this.table =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
  }

  @Override
  public Optional<PushTarget> put(PushTarget target) {
    TargetItem previous =
        table
            .putItemWithResponse(r -> r.item(itemOf(target)).returnValues(ReturnValue.ALL_OLD))
            .attributes();
    return Optional.ofNullable(previous).map(PushTargetsTable::targetOf);
  }

  @Override
  public List<DeviceRef> holdersOf(String endpoint) {
    return table
        .index(BY_ENDPOINT)
        .query(QueryConditional.keyEqualTo(Key.builder().partitionValue(endpoint).build()))
        .stream()
        .flatMap(page -> page.items().stream())
        .map(item -> new DeviceRef(item.phone, item.device))
        .toList();
  }

  @Override
  public void clearPushed(DeviceRef device) {
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(key(device))
                  .updateExpression("REMOVE pushedAt")
                  .conditionExpression("attribute_exists(pushedAt)"));
    } catch (ConditionalCheckFailedException noTargetOrNotPushed) {
      // Nothing to end: no target, or no push since the last sync.
    }
  }

  @Override
  public List<DeviceRef> detach(String endpoint, DeviceRef keeper) {
    List<DeviceRef> detached = new ArrayList<>();
    holdersOf(endpoint).stream()
        .filter(device -> !device.equals(keeper))
        .forEach(
            device -> {
              if (deleteIf(device, ENDPOINT + " = :endpoint", Map.of(":endpoint", s(endpoint)))) {
                detached.add(device);
              }
            });
    return detached;
  }

  @Override
  public Optional<PushTarget> remove(DeviceRef device) {
    return Optional.ofNullable(table.deleteItem(keyOf(device))).map(PushTargetsTable::targetOf);
  }

  @Override
  public boolean forget(PushTarget target) {
    return deleteIf(
        target.device(),
        ENDPOINT + " = :endpoint AND " + REGISTERED_AT + " = :registeredAt",
        Map.of(
            ":endpoint",
            s(target.endpoint()),
            ":registeredAt",
            n(target.registeredAt().toEpochMilli())));
  }

  @Override
  public List<PushTarget> targetsOf(String phone) {
    return table
        .query(QueryConditional.keyEqualTo(Key.builder().partitionValue(phone).build()))
        .items()
        .stream()
        .map(PushTargetsTable::targetOf)
        .toList();
  }

  @Override
  public boolean claimPush(
      PushTarget target, Instant now, Instant windowStart, Instant lastOnline) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", n(now.toEpochMilli()));
    values.put(":endpoint", s(target.endpoint()));
    values.put(":windowStart", n(windowStart.toEpochMilli()));
    if (lastOnline != null) {
      values.put(":lastOnline", n(lastOnline.toEpochMilli()));
    }
    String pushable =
        "attribute_not_exists(pushedAt) OR pushedAt <= :windowStart"
            + (lastOnline == null ? "" : " OR pushedAt < :lastOnline");
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(key(target.device()))
                  .updateExpression("SET pushedAt = :now")
                  .conditionExpression("endpoint = :endpoint AND (" + pushable + ")")
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException pushedLatelyOrChanged) {
      return false;
    }
  }

  @Override
  public void releasePush(PushTarget target, Instant claimedAt) {
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(key(target.device()))
                  .updateExpression("REMOVE pushedAt")
                  .conditionExpression("pushedAt = :claimedAt")
                  .expressionAttributeValues(Map.of(":claimedAt", n(claimedAt.toEpochMilli()))));
    } catch (ConditionalCheckFailedException claimedSinceOrGone) {
      // Another push claimed it since, or the target is gone: nothing of ours to take back.
    }
  }

  private boolean deleteIf(DeviceRef device, String condition, Map<String, AttributeValue> values) {
    try {
      table.deleteItem(
          r ->
              r.key(keyOf(device))
                  .conditionExpression(
                      Expression.builder().expression(condition).expressionValues(values).build()));
      return true;
    } catch (ConditionalCheckFailedException changed) {
      return false;
    }
  }

  private static Key keyOf(DeviceRef device) {
    return Key.builder().partitionValue(device.phone()).sortValue(device.deviceId()).build();
  }

  private static Map<String, AttributeValue> key(DeviceRef device) {
    return Map.of(PHONE, s(device.phone()), DEVICE, n(device.deviceId()));
  }

  private static TargetItem itemOf(PushTarget target) {
    TargetItem item = new TargetItem();
    item.phone = target.device().phone();
    item.device = target.device().deviceId();
    item.keyGeneration = target.keyGeneration();
    item.platform = target.platform().wireName();
    item.endpoint = target.endpoint();
    item.registeredAt = target.registeredAt().toEpochMilli();
    item.pushedAt = target.pushedAt() == null ? null : target.pushedAt().toEpochMilli();
    return item;
  }

  private static PushTarget targetOf(TargetItem item) {
    return new PushTarget(
        new DeviceRef(item.phone, item.device),
        item.keyGeneration,
        PushPlatform.named(item.platform).orElseThrow(),
        item.endpoint,
        Instant.ofEpochMilli(item.registeredAt),
        item.pushedAt == null ? null : Instant.ofEpochMilli(item.pushedAt));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  /** The stored shape of a push target. */
  private static final class TargetItem {
    private String phone;
    private Integer device;
    private Long keyGeneration;
    private String platform;
    private String endpoint;
    private Long registeredAt;
    private Long pushedAt;
  }
}
