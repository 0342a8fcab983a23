package io.checkmark.aws;

import io.checkmark.core.PendingPin;
import io.checkmark.core.PinStore;
import java.time.Instant;
import java.util.Map;
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

  private final DynamoDbClient client;
  private final String tableName;

  public PinsTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
  }

  @Override
  public void save(PendingPin pin) {
    client.putItem(
        r ->
            r.tableName(tableName)
                .item(
                    Map.of(
                        "phone", AttributeValue.fromS(pin.phone()),
                        "pinHash", AttributeValue.fromS(pin.pinHash()),
                        "expiresAt",
                            AttributeValue.fromN(Long.toString(pin.expiresAt().getEpochSecond())),
                        "attemptsLeft",
                            AttributeValue.fromN(Integer.toString(pin.attemptsLeft())))));
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
      return new Attempt(Outcome.TAKEN, pendingPin(phone, taken));
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
      PendingPin pending = pendingPin(phone, item);
      return new Attempt(
          now.isBefore(pending.expiresAt()) ? Outcome.NO_TRIES_LEFT : Outcome.EXPIRED, null);
    }
  }

  @Override
  public boolean consume(PendingPin pin) {
    try {
      client.deleteItem(
          r ->
              r.tableName(tableName)
                  .key(key(pin.phone()))
                  .conditionExpression("pinHash = :hash")
                  .expressionAttributeValues(Map.of(":hash", AttributeValue.fromS(pin.pinHash()))));
      return true;
    } catch (ConditionalCheckFailedException usedOrReplaced) {
      return false;
    }
  }

  private static PendingPin pendingPin(String phone, Map<String, AttributeValue> item) {
    return new PendingPin(
        phone,
        item.get("pinHash").s(),
        Instant.ofEpochSecond(Long.parseLong(item.get("expiresAt").n())),
        Integer.parseInt(item.get("attemptsLeft").n()));
  }

  private static Map<String, AttributeValue> key(String phone) {
    return Map.of("phone", AttributeValue.fromS(phone));
  }
}
