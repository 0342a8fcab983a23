package io.checkmark.aws;

import io.checkmark.core.Account;
import io.checkmark.core.AccountStore;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The Accounts table: one item per registered phone, {@code phone → keyHash, keyGeneration,
 * registeredAt}. The generation is incremented in the same write that replaces the key, so two
 * registrations racing each get their own generation.
 */
public final class AccountsTable implements AccountStore {

  /** The item as read; the key replacement writes it with an update expression (ADD). */
  private static final TableSchema<AccountItem> SCHEMA =
      StaticTableSchema.builder(AccountItem.class)
          .newItemSupplier(AccountItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name("phone")
                      .getter(AccountItem::getPhone)
                      .setter(AccountItem::setPhone)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              String.class,
              a ->
                  a.name("keyHash").getter(AccountItem::getKeyHash).setter(AccountItem::setKeyHash))
          .addAttribute(
              Long.class,
              a ->
                  a.name("keyGeneration")
                      .getter(AccountItem::getKeyGeneration)
                      .setter(AccountItem::setKeyGeneration))
          .addAttribute(
              Long.class,
              a ->
                  a.name("registeredAt")
                      .getter(AccountItem::getRegisteredAt)
                      .setter(AccountItem::setRegisteredAt))
          .build();

  private final DynamoDbClient client;
  private final String tableName;
  private final DynamoDbTable<AccountItem> table;

  public AccountsTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
    this.table =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).build().table(tableName, SCHEMA);
  }

  @Override
  public Optional<Account> find(String phone) {
    AccountItem item =
        table.getItem(r -> r.key(Key.builder().partitionValue(phone).build()).consistentRead(true));
    return Optional.ofNullable(item)
        .map(found -> new Account(found.getPhone(), found.getKeyHash(), found.getKeyGeneration()));
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

  /** The stored shape of an account. */
  private static final class AccountItem {
    private String phone;
    private String keyHash;
    private Long keyGeneration;
    private Long registeredAt;

    String getPhone() {
      return phone;
    }

    void setPhone(String phone) {
      this.phone = phone;
    }

    String getKeyHash() {
      return keyHash;
    }

    void setKeyHash(String keyHash) {
      this.keyHash = keyHash;
    }

    Long getKeyGeneration() {
      return keyGeneration;
    }

    void setKeyGeneration(Long keyGeneration) {
      this.keyGeneration = keyGeneration;
    }

    Long getRegisteredAt() {
      return registeredAt;
    }

    void setRegisteredAt(Long registeredAt) {
      this.registeredAt = registeredAt;
    }
  }
}
