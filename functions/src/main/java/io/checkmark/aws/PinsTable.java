package io.checkmark.aws;

import io.checkmark.core.PendingPin;
import io.checkmark.core.PinStore;
import java.time.Instant;
import java.util.Map;
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
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The Pins table: the pending PIN of each phone, {@code phone → pinHash, expiresAt (TTL, epoch
 * seconds), attemptsLeft}. A guess is taken by one conditional update that counts it down, so
 * concurrent guesses never share a try; the PIN is used by a delete conditional on its hash, so a
 * PIN replaced by a newer request is never used by mistake.
 */
public final class PinsTable implements PinStore {

  /** The item as stored; read and written through this schema, built once. */
  private static final TableSchema<PinItem> SCHEMA =
      StaticTableSchema.builder(PinItem.class)
          .newItemSupplier(PinItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name("phone")
                      .getter(PinItem::getPhone)
                      .setter(PinItem::setPhone)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              String.class,
              a -> a.name("pinHash").getter(PinItem::getPinHash).setter(PinItem::setPinHash))
          .addAttribute(
              Long.class,
              a -> a.name("expiresAt").getter(PinItem::getExpiresAt).setter(PinItem::setExpiresAt))
          .addAttribute(
              Integer.class,
              a ->
                  a.name("attemptsLeft")
                      .getter(PinItem::getAttemptsLeft)
                      .setter(PinItem::setAttemptsLeft))
          .build();

  private final DynamoDbClient client;
  private final String tableName;
  private final DynamoDbTable<PinItem> table;

  public PinsTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
    this.table =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
  }

  @Override
  public void save(PendingPin pin) {
    PinItem item = new PinItem();
    item.setPhone(pin.phone());
    item.setPinHash(pin.pinHash());
    item.setExpiresAt(pin.expiresAt().getEpochSecond());
    item.setAttemptsLeft(pin.attemptsLeft());
    table.putItem(item);
  }

  @Override
  public Attempt takeAttempt(String phone, Instant now) {
    try {
      Map<String, AttributeValue> taken =
          client
              .updateItem(
                  r ->
                      r.tableName(tableName)
                          .key(key(phone))
                          .updateExpression("ADD attemptsLeft :minusOne")
                          .conditionExpression("attemptsLeft > :zero AND expiresAt > :now")
                          .expressionAttributeValues(
                              Map.of(
                                  ":minusOne",
                                  AttributeValue.fromN("-1"),
                                  ":zero",
                                  AttributeValue.fromN("0"),
                                  ":now",
                                  AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
                          .returnValues(ReturnValue.ALL_NEW)
                          .returnValuesOnConditionCheckFailure(
                              ReturnValuesOnConditionCheckFailure.ALL_OLD))
              .attributes();
      return new Attempt(Outcome.TAKEN, pendingPin(taken));
    } catch (ConditionalCheckFailedException notTaken) {
      // A refusal returns the item (ALL_OLD); one that came without it (seen with DynamoDB Local
      // under a burst of concurrent guesses) is read again, so that a refusal is never mistaken
      // for "no PIN pending".
      Map<String, AttributeValue> item =
          notTaken.hasItem() && !notTaken.item().isEmpty()
              ? notTaken.item()
              : client
                  .getItem(r -> r.tableName(tableName).key(key(phone)).consistentRead(true))
                  .item();
      if (item == null || item.isEmpty()) {
        return new Attempt(Outcome.NONE_PENDING, null);
      }
      PendingPin pending = pendingPin(item);
      return new Attempt(
          now.isBefore(pending.expiresAt()) ? Outcome.NO_TRIES_LEFT : Outcome.EXPIRED, null);
    }
  }

  @Override
  public boolean consume(PendingPin pin) {
    Expression stillThisPin =
        Expression.builder()
            .expression("pinHash = :hash")
            .putExpressionValue(":hash", AttributeValue.fromS(pin.pinHash()))
            .build();
    try {
      table.deleteItem(
          r ->
              r.key(Key.builder().partitionValue(pin.phone()).build())
                  .conditionExpression(stillThisPin));
      return true;
    } catch (ConditionalCheckFailedException usedOrReplaced) {
      return false;
    }
  }

  /** An item the low-level calls returned, read through the same schema. */
  private static PendingPin pendingPin(Map<String, AttributeValue> attributes) {
    PinItem item = SCHEMA.mapToItem(attributes);
    return new PendingPin(
        item.getPhone(),
        item.getPinHash(),
        Instant.ofEpochSecond(item.getExpiresAt()),
        item.getAttemptsLeft());
  }

  private static Map<String, AttributeValue> key(String phone) {
    return Map.of("phone", AttributeValue.fromS(phone));
  }

  /** The stored shape of a pending PIN. */
  private static final class PinItem {
    private String phone;
    private String pinHash;
    private Long expiresAt;
    private Integer attemptsLeft;

    String getPhone() {
      return phone;
    }

    void setPhone(String phone) {
      this.phone = phone;
    }

    String getPinHash() {
      return pinHash;
    }

    void setPinHash(String pinHash) {
      this.pinHash = pinHash;
    }

    Long getExpiresAt() {
      return expiresAt;
    }

    void setExpiresAt(Long expiresAt) {
      this.expiresAt = expiresAt;
    }

    Integer getAttemptsLeft() {
      return attemptsLeft;
    }

    void setAttemptsLeft(Integer attemptsLeft) {
      this.attemptsLeft = attemptsLeft;
    }
  }
}
