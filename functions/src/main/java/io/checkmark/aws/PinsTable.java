package io.checkmark.aws;

import io.checkmark.core.PendingPin;
import io.checkmark.core.PinStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The Pins table: the pending PIN of each phone, {@code phone → pinHash, expiresAt (TTL),
 * attemptsLeft}. Every change is conditional on the PIN hash, so a PIN replaced by a newer
 * request is never consumed or counted down by mistake.
 */
public final class PinsTable implements PinStore {

  private static final String SAME_PIN_WITH_TRIES_LEFT = "pinHash = :hash AND attemptsLeft > :zero";

  private final DynamoDbClient client;
  private final String tableName;

  public PinsTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
  }

  @Override
  public void save(PendingPin pin) {
    client.putItem(r -> r.tableName(tableName).item(Map.of(
        "phone", AttributeValue.fromS(pin.phone()),
        "pinHash", AttributeValue.fromS(pin.pinHash()),
        "expiresAt", AttributeValue.fromN(Long.toString(pin.expiresAt().getEpochSecond())),
        "attemptsLeft", AttributeValue.fromN(Integer.toString(pin.attemptsLeft())))));
  }

  @Override
  public Optional<PendingPin> find(String phone) {
    Map<String, AttributeValue> item = client.getItem(r -> r.tableName(tableName).key(key(phone)).consistentRead(true))
        .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PendingPin(phone, item.get("pinHash").s(),
        Instant.ofEpochSecond(Long.parseLong(item.get("expiresAt").n())),
        Integer.parseInt(item.get("attemptsLeft").n())));
  }

  @Override
  public boolean consume(PendingPin pin) {
    try {
      client.deleteItem(r -> r.tableName(tableName).key(key(pin.phone()))
          .conditionExpression(SAME_PIN_WITH_TRIES_LEFT)
          .expressionAttributeValues(samePin(pin)));
      return true;
    } catch (ConditionalCheckFailedException usedOrReplaced) {
      return false;
    }
  }

  @Override
  public int recordWrongTry(PendingPin pin) {
    Map<String, AttributeValue> values = new HashMap<>(samePin(pin));
    values.put(":one", AttributeValue.fromN("-1"));
    try {
      Map<String, AttributeValue> updated = client.updateItem(r -> r.tableName(tableName).key(key(pin.phone()))
          .updateExpression("ADD attemptsLeft :one")
          .conditionExpression(SAME_PIN_WITH_TRIES_LEFT)
          .expressionAttributeValues(values)
          .returnValues(ReturnValue.UPDATED_NEW)).attributes();
      return Integer.parseInt(updated.get("attemptsLeft").n());
    } catch (ConditionalCheckFailedException usedOrReplaced) {
      return -1;
    }
  }

  @Override
  public void delete(String phone) {
    client.deleteItem(r -> r.tableName(tableName).key(key(phone)));
  }

  private static Map<String, AttributeValue> samePin(PendingPin pin) {
    return Map.of(":hash", AttributeValue.fromS(pin.pinHash()), ":zero", AttributeValue.fromN("0"));
  }

  private static Map<String, AttributeValue> key(String phone) {
    return Map.of("phone", AttributeValue.fromS(phone));
  }
}
