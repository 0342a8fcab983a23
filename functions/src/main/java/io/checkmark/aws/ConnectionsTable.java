package io.checkmark.aws;

import io.checkmark.core.Connection;
import io.checkmark.core.ConnectionStore;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbIndex;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.IgnoreNullsMode;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The Connections table: one row per open WebSocket, keyed by connection id, with the phone, device
 * and registration generation it is logged in as; the sparse index {@code byPhone} finds the
 * connections of every device of a phone.
 */
public final class ConnectionsTable implements ConnectionStore {

  /** Binds update a row that exists: a connection deleted by {@code $disconnect} stays deleted. */
  private static final Expression STILL_OPEN =
      Expression.builder().expression("attribute_exists(id)").build();

  /**
   * Rows outlive API Gateway's 2-hour connection maximum by an hour, so that a row whose {@code
   * $disconnect} never ran still disappears by TTL.
   */
  static final Duration ROW_LIFETIME = Duration.ofHours(3);

  static final String BY_PHONE = "devicesByPhone";

  private static final TableSchema<ConnectionItem> SCHEMA =
      StaticTableSchema.builder(ConnectionItem.class)
          .newItemSupplier(ConnectionItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name("id")
                      .getter(ConnectionItem::getId)
                      .setter(ConnectionItem::setId)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              Long.class,
              a ->
                  a.name("connectedAt")
                      .getter(ConnectionItem::getConnectedAt)
                      .setter(ConnectionItem::setConnectedAt))
          .addAttribute(
              String.class,
              a ->
                  a.name("sourceIp")
                      .getter(ConnectionItem::getSourceIp)
                      .setter(ConnectionItem::setSourceIp))
          .addAttribute(
              String.class,
              a ->
                  a.name("phone")
                      .getter(ConnectionItem::getPhone)
                      .setter(ConnectionItem::setPhone)
                      .tags(StaticAttributeTags.secondaryPartitionKey(BY_PHONE)))
          .addAttribute(
              Integer.class,
              a ->
                  a.name("deviceId")
                      .getter(ConnectionItem::getDeviceId)
                      .setter(ConnectionItem::setDeviceId))
          .addAttribute(
              Long.class,
              a ->
                  a.name("keyGeneration")
                      .getter(ConnectionItem::getKeyGeneration)
                      .setter(ConnectionItem::setKeyGeneration))
          .addAttribute(
              Long.class,
              a ->
                  a.name("expiresAt")
                      .getter(ConnectionItem::getExpiresAt)
                      .setter(ConnectionItem::setExpiresAt))
          .build();

  private final DynamoDbClient client;
  private final DynamoDbTable<ConnectionItem> table;
  private final DynamoDbIndex<ConnectionItem> byPhone;
  private final Clock clock;

  public ConnectionsTable(DynamoDbClient client, String tableName, Clock clock) {
    this.client = client;
    this.table =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
    this.byPhone = table.index(BY_PHONE);
    this.clock = clock;
  }

  @Override
  public void save(Connection connection) {
    ConnectionItem item = new ConnectionItem();
    item.setId(connection.id());
    item.setConnectedAt(connection.connectedAt().toEpochMilli());
    item.setSourceIp(connection.sourceIp());
    item.setPhone(connection.phone());
    item.setDeviceId(connection.deviceId());
    item.setKeyGeneration(connection.keyGeneration());
    item.setExpiresAt(expiry());
    table.putItem(item);
  }

  @Override
  public Optional<Connection> find(String connectionId) {
    ConnectionItem item = table.getItem(r -> r.key(key(connectionId)).consistentRead(true));
    return Optional.ofNullable(item).map(ConnectionsTable::connectionOf);
  }

  @Override
  public Optional<Connection> remove(String connectionId) {
    return Optional.ofNullable(table.deleteItem(key(connectionId)))
        .map(ConnectionsTable::connectionOf);
  }

  private static Connection connectionOf(ConnectionItem item) {
    return new Connection(
        item.getId(),
        item.getConnectedAt() == null ? null : Instant.ofEpochMilli(item.getConnectedAt()),
        item.getSourceIp(),
        item.getPhone(),
        item.getDeviceId(),
        item.getKeyGeneration());
  }

  @Override
  public boolean bind(String connectionId, DeviceRef device, long keyGeneration) {
    ConnectionItem item = new ConnectionItem();
    item.setId(connectionId);
    item.setPhone(device.phone());
    item.setDeviceId(device.deviceId());
    item.setKeyGeneration(keyGeneration);
    item.setExpiresAt(expiry());
    try {
      table.updateItem(
          r ->
              r.item(item)
                  .ignoreNullsMode(IgnoreNullsMode.SCALAR_ONLY)
                  .conditionExpression(STILL_OPEN));
      return true;
    } catch (ConditionalCheckFailedException disconnected) {
      // $disconnect deleted the row first: the connection is gone, and a bind must not bring it
      // back.
      return false;
    }
  }

  @Override
  public void unbind(String connectionId) {
    client.updateItem(
        r ->
            r.tableName(table.tableName())
                .key(Map.of("id", AttributeValue.fromS(connectionId)))
                .updateExpression("REMOVE phone, deviceId, keyGeneration"));
  }

  @Override
  public List<Connection> connectionsOf(String phone) {
    return byPhone.query(QueryConditional.keyEqualTo(k -> k.partitionValue(phone))).stream()
        .flatMap(page -> page.items().stream())
        .map(
            item ->
                new Connection(
                    item.getId(), null, null, phone, item.getDeviceId(), item.getKeyGeneration()))
        .toList();
  }

  /**
   * The item that makes a transaction commit only while the connection is still bound to the
   * session's device and key generation: a login as another phone or device anywhere, or the
   * device's unlinking, fails it. Rows written before devices existed have no device id: the
   * primary's.
   */
  TransactWriteItem stillBound(Session session) {
    return TransactWriteItem.builder()
        .conditionCheck(
            check ->
                check
                    .tableName(table.tableName())
                    .key(Map.of("id", AttributeValue.fromS(session.connectionId())))
                    .conditionExpression(
                        "phone = :phone AND keyGeneration = :generation AND "
                            + (session.isPrimary()
                                ? "(deviceId = :device OR attribute_not_exists(deviceId))"
                                : "deviceId = :device"))
                    .expressionAttributeValues(
                        Map.of(
                            ":phone",
                            AttributeValue.fromS(session.phone()),
                            ":generation",
                            AttributeValue.fromN(Long.toString(session.keyGeneration())),
                            ":device",
                            AttributeValue.fromN(Integer.toString(session.deviceId())))))
        .build();
  }

  /**
   * Whether no row of the connection exists, asked as a transaction of one condition check: it
   * writes nothing whatever its answer. SnapStart priming runs it on a connection id API Gateway
   * cannot issue, so that a committed transaction's response path is loaded before the snapshot.
   */
  public boolean absentInTransaction(String connectionId) {
    try {
      client.transactWriteItems(
          r ->
              r.transactItems(
                  TransactWriteItem.builder()
                      .conditionCheck(
                          check ->
                              check
                                  .tableName(table.tableName())
                                  .key(Map.of("id", AttributeValue.fromS(connectionId)))
                                  .conditionExpression("attribute_not_exists(id)"))
                      .build()));
      return true;
    } catch (TransactionCanceledException present) {
      return false;
    }
  }

  @Override
  public void delete(String connectionId) {
    table.deleteItem(key(connectionId));
  }

  @Override
  public void forgetGone(String connectionId) {
    Expression connectedBeforeTheGrace =
        Expression.builder()
            .expression("connectedAt < :openedBefore")
            .putExpressionValue(
                ":openedBefore",
                AttributeValue.fromN(
                    Long.toString(clock.instant().minus(HANDSHAKE_GRACE).toEpochMilli())))
            .build();
    try {
      table.deleteItem(r -> r.key(key(connectionId)).conditionExpression(connectedBeforeTheGrace));
    } catch (ConditionalCheckFailedException stillOpening) {
      // Connected within the grace, or already deleted: kept as it is.
    }
  }

  private long expiry() {
    return clock.instant().plus(ROW_LIFETIME).getEpochSecond();
  }

  private static Key key(String connectionId) {
    return Key.builder().partitionValue(connectionId).build();
  }

  /** The row as stored; private so that no annotation or schema leaks into the domain. */
  private static final class ConnectionItem {
    private String id;
    private Long connectedAt;
    private String sourceIp;
    private String phone;
    private Integer deviceId;
    private Long keyGeneration;
    private Long expiresAt;

    String getId() {
      return id;
    }

    void setId(String id) {
      this.id = id;
    }

    Long getConnectedAt() {
      return connectedAt;
    }

    void setConnectedAt(Long connectedAt) {
      this.connectedAt = connectedAt;
    }

    String getSourceIp() {
      return sourceIp;
    }

    void setSourceIp(String sourceIp) {
      this.sourceIp = sourceIp;
    }

    String getPhone() {
      return phone;
    }

    void setPhone(String phone) {
      this.phone = phone;
    }

    Integer getDeviceId() {
      return deviceId;
    }

    void setDeviceId(Integer deviceId) {
      this.deviceId = deviceId;
    }

    Long getKeyGeneration() {
      return keyGeneration;
    }

    void setKeyGeneration(Long keyGeneration) {
      this.keyGeneration = keyGeneration;
    }

    Long getExpiresAt() {
      return expiresAt;
    }

    void setExpiresAt(Long expiresAt) {
      this.expiresAt = expiresAt;
    }
  }
}
