package io.checkmark.aws;

import io.checkmark.core.Account;
import io.checkmark.core.AccountStore;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The Accounts table: one item per registered phone, {@code phone → keyHash, keyGeneration,
 * registeredAt}. The generation is incremented in the same write that replaces the key, so two
 * registrations racing each get their own generation.
 */
public final class AccountsTable implements AccountStore {

  private final DynamoDbClient client;
  private final String tableName;

  public AccountsTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
  }

  @Override
  public Optional<Account> find(String phone) {
    Map<String, AttributeValue> item =
        client.getItem(r -> r.tableName(tableName).key(key(phone)).consistentRead(true)).item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Account(phone, item.get("keyHash").s(), Long.parseLong(item.get("keyGeneration").n())));
  }

  @Override
  public long replaceDeviceKey(String phone, String deviceKeyHash, Instant registeredAt) {
    Map<String, AttributeValue> updated =
        client
            .updateItem(
                r ->
                    r.tableName(tableName)
                        .key(key(phone))
                        .updateExpression(
                            "SET keyHash = :hash, registeredAt = :at ADD keyGeneration :one")
                        .expressionAttributeValues(
                            Map.of(
                                ":hash", AttributeValue.fromS(deviceKeyHash),
                                ":at",
                                    AttributeValue.fromN(
                                        Long.toString(registeredAt.toEpochMilli())),
                                ":one", AttributeValue.fromN("1")))
                        .returnValues(ReturnValue.UPDATED_NEW))
            .attributes();
    return Long.parseLong(updated.get("keyGeneration").n());
  }

  private static Map<String, AttributeValue> key(String phone) {
    return Map.of("phone", AttributeValue.fromS(phone));
  }
}
