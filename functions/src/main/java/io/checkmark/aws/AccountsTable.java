package io.checkmark.aws;

import io.checkmark.core.Account;
import io.checkmark.core.AccountStore;
import io.checkmark.core.Device;
import io.checkmark.core.DeviceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.ReadBatch;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The Accounts table: one item per registered phone. The primary's key hash, registration time and
 * last-seen time are top-level attributes (the shape of protocol v1's accounts, which therefore
 * read as accounts without linked devices); linked devices sit in the map {@code devices}, keyed by
 * id. {@code keyGeneration} grows with each registration, in the same write that replaces the
 * primary and clears {@code devices}; {@code nextDeviceId} only grows, so ids are never reused. One
 * item holds the whole account, so each change to its devices is one conditional write. The phones
 * it blocks are the string set {@code blocked} (absent while empty: an account that blocks nobody
 * reads no larger than before) and {@code hidesLastSeen} is its privacy setting; a new registration
 * of the number keeps both, as the person behind it chose them.
 */
public final class AccountsTable implements AccountStore {

  private static final int BATCH_GET_LIMIT = 100;

  private static final String PHONE = "phone";
  private static final String KEY_HASH = "keyHash";
  private static final String KEY_GENERATION = "keyGeneration";
  private static final String REGISTERED_AT = "registeredAt";
  private static final String LAST_SEEN = "lastSeen";
  private static final String DEVICES = "devices";
  private static final String NEXT_DEVICE_ID = "nextDeviceId";
  private static final String HIDES_LAST_SEEN = "hidesLastSeen";
  private static final String BLOCKED = "blocked";
  private static final int FIRST_LINKED_ID = 2;

  /** A linked device inside the account item: key hash, name, linked at, last seen. */
  private static final TableSchema<LinkedItem> LINKED_SCHEMA =
      StaticTableSchema.builder(LinkedItem.class)
          .newItemSupplier(LinkedItem::new)
          .addAttribute(
              String.class,
              a -> a.name("k").getter(item -> item.keyHash).setter((item, v) -> item.keyHash = v))
          .addAttribute(
              String.class,
              a -> a.name("n").getter(item -> item.name).setter((item, v) -> item.name = v))
          .addAttribute(
              Long.class,
              a ->
                  a.name("at").getter(item -> item.linkedAt).setter((item, v) -> item.linkedAt = v))
          .addAttribute(
              Long.class,
              a ->
                  a.name("seen")
                      .getter(item -> item.lastSeen)
                      .setter((item, v) -> item.lastSeen = v))
          .build();

  /** The item as read; writes are update expressions (ADD, map paths, conditions). */
  private static final TableSchema<AccountItem> SCHEMA =
      StaticTableSchema.builder(AccountItem.class)
          .newItemSupplier(AccountItem::new)
          .addAttribute(
              String.class,
              a ->
                  a.name(PHONE)
                      .getter(item -> item.phone)
                      .setter((item, v) -> item.phone = v)
                      .tags(StaticAttributeTags.primaryPartitionKey()))
          .addAttribute(
              String.class,
              a ->
                  a.name(KEY_HASH)
                      .getter(item -> item.keyHash)
                      .setter((item, v) -> item.keyHash = v))
          .addAttribute(
              Long.class,
              a ->
                  a.name(KEY_GENERATION)
                      .getter(item -> item.keyGeneration)
                      .setter((item, v) -> item.keyGeneration = v))
          .addAttribute(
              Long.class,
              a ->
                  a.name(REGISTERED_AT)
                      .getter(item -> item.registeredAt)
                      .setter((item, v) -> item.registeredAt = v))
          .addAttribute(
              Long.class,
              a ->
                  a.name(LAST_SEEN)
                      .getter(item -> item.lastSeen)
                      .setter((item, v) -> item.lastSeen = v))
          .addAttribute(
              EnhancedType.mapOf(
                  EnhancedType.of(String.class),
                  EnhancedType.documentOf(LinkedItem.class, LINKED_SCHEMA)),
              a ->
                  a.name(DEVICES)
                      .getter(item -> item.devices)
                      .setter((item, v) -> item.devices = v))
          .addAttribute(
              Integer.class,
              a ->
                  a.name(NEXT_DEVICE_ID)
                      .getter(item -> item.nextDeviceId)
                      .setter((item, v) -> item.nextDeviceId = v))
          .addAttribute(
              Boolean.class,
              a ->
                  a.name(HIDES_LAST_SEEN)
                      .getter(item -> item.hidesLastSeen)
                      .setter((item, v) -> item.hidesLastSeen = v))
          .addAttribute(
              EnhancedType.setOf(String.class),
              a ->
                  a.name(BLOCKED)
                      .getter(item -> item.blocked)
                      .setter((item, v) -> item.blocked = v))
          .build();

  private final DynamoDbClient client;
  private final String tableName;
  private final DynamoDbEnhancedClient enhanced;
  private final DynamoDbTable<AccountItem> table;

  public AccountsTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
    this.enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build();
    this.table = enhanced.table(tableName, SCHEMA);
  }

  @Override
  public Optional<Account> find(String phone) {
    return Optional.ofNullable(table.getItem(r -> r.key(key(phone)).consistentRead(true)))
        .map(AccountsTable::accountOf);
  }

  @Override
  public Map<String, Account> findAll(Collection<String> phones) {
    Map<String, Account> found = new LinkedHashMap<>();
    if (phones.size() == 1) {
      String phone = phones.iterator().next();
      find(phone).ifPresent(account -> found.put(phone, account));
      return found;
    }
    List<String> distinct = List.copyOf(new LinkedHashSet<>(phones));
    // BatchGetItem takes at most 100 keys: a large group's members take several.
    for (int start = 0; start < distinct.size(); start += BATCH_GET_LIMIT) {
      ReadBatch.Builder<AccountItem> batch =
          ReadBatch.builder(AccountItem.class).mappedTableResource(table);
      distinct
          .subList(start, Math.min(distinct.size(), start + BATCH_GET_LIMIT))
          .forEach(phone -> batch.addGetItem(r -> r.key(key(phone)).consistentRead(true)));
      // The enhanced client asks again for any keys DynamoDB left unprocessed.
      enhanced
          .batchGetItem(r -> r.addReadBatch(batch.build()))
          .resultsForTable(table)
          .forEach(item -> found.put(item.phone, accountOf(item)));
    }
    return found;
  }

  @Override
  public Registration replacePrimary(String phone, String primaryKeyHash, Instant registeredAt) {
    Map<String, AttributeValue> old =
        client
            .updateItem(
                r ->
                    r.tableName(tableName)
                        .key(Map.of(PHONE, AttributeValue.fromS(phone)))
                        .updateExpression(
                            "SET keyHash = :hash, registeredAt = :at ADD keyGeneration :one"
                                + " REMOVE devices, lastSeen")
                        .expressionAttributeValues(
                            Map.of(
                                ":hash", AttributeValue.fromS(primaryKeyHash),
                                ":at", number(registeredAt.toEpochMilli()),
                                ":one", number(1)))
                        .returnValues(ReturnValue.ALL_OLD))
            .attributes();
    AccountItem before = old == null || old.isEmpty() ? new AccountItem() : SCHEMA.mapToItem(old);
    long generation = (before.keyGeneration == null ? 0 : before.keyGeneration) + 1;
    List<Integer> revoked =
        before.devices == null
            ? List.of()
            : before.devices.keySet().stream().map(Integer::valueOf).sorted().toList();
    return new Registration(generation, revoked);
  }

  @Override
  public boolean addDevice(Account current, Device device) {
    LinkedItem linked = new LinkedItem();
    linked.keyHash = device.keyHash();
    linked.name = device.name();
    linked.linkedAt = device.linkedAt().toEpochMilli();
    AttributeValue deviceValue = AttributeValue.fromM(LINKED_SCHEMA.itemToMap(linked, true));
    Map<String, String> names = new HashMap<>(Map.of("#id", Integer.toString(device.id())));
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":generation", number(current.keyGeneration()));
    values.put(":next", number(device.id() + 1));
    String nextIsThisOne;
    if (device.id() == FIRST_LINKED_ID && current.nextDeviceId() == FIRST_LINKED_ID) {
      nextIsThisOne = "(attribute_not_exists(nextDeviceId) OR nextDeviceId = :id)";
    } else {
      nextIsThisOne = "nextDeviceId = :id";
    }
    values.put(":id", number(device.id()));
    String set;
    String room;
    if (current.linkedDevices() == 0) {
      // The map may not exist yet, and a path into a missing map cannot be set.
      set = "SET devices = :devices, nextDeviceId = :next";
      room = "(attribute_not_exists(devices) OR size(devices) = :zero)";
      values.put(
          ":devices", AttributeValue.fromM(Map.of(Integer.toString(device.id()), deviceValue)));
      values.put(":zero", number(0));
      names.clear();
    } else {
      set = "SET devices.#id = :device, nextDeviceId = :next";
      room = "size(devices) = :count";
      values.put(":device", deviceValue);
      values.put(":count", number(current.linkedDevices()));
    }
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(PHONE, AttributeValue.fromS(current.phone())))
                  .updateExpression(set)
                  .conditionExpression(
                      "keyGeneration = :generation AND " + nextIsThisOne + " AND " + room)
                  .expressionAttributeNames(names.isEmpty() ? null : names)
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException changed) {
      return false;
    }
  }

  @Override
  public boolean removeDevice(String phone, long keyGeneration, int deviceId) {
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(PHONE, AttributeValue.fromS(phone)))
                  .updateExpression("REMOVE devices.#id")
                  .conditionExpression(
                      "keyGeneration = :generation AND attribute_exists(devices.#id)")
                  .expressionAttributeNames(Map.of("#id", Integer.toString(deviceId)))
                  .expressionAttributeValues(Map.of(":generation", number(keyGeneration))));
      return true;
    } catch (ConditionalCheckFailedException goneOrReplaced) {
      return false;
    }
  }

  @Override
  public void lastSeen(DeviceRef device, long keyGeneration, Instant at) {
    boolean primary = device.isPrimary();
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(PHONE, AttributeValue.fromS(device.phone())))
                  .updateExpression(primary ? "SET lastSeen = :at" : "SET devices.#id.seen = :at")
                  .conditionExpression(
                      primary
                          ? "keyGeneration = :generation"
                          : "keyGeneration = :generation AND attribute_exists(devices.#id)")
                  .expressionAttributeNames(
                      primary ? null : Map.of("#id", Integer.toString(device.deviceId())))
                  .expressionAttributeValues(
                      Map.of(
                          ":generation", number(keyGeneration), ":at", number(at.toEpochMilli()))));
    } catch (ConditionalCheckFailedException goneOrReplaced) {
      // The device was unlinked or replaced meanwhile: nothing to record.
    }
  }

  @Override
  public boolean block(String phone, long keyGeneration, String blocked, int maxBlocked) {
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(PHONE, AttributeValue.fromS(phone)))
                  .updateExpression("ADD blocked :phones")
                  .conditionExpression(
                      "keyGeneration = :generation AND (attribute_not_exists(blocked)"
                          + " OR size(blocked) < :max OR contains(blocked, :phone))")
                  .expressionAttributeValues(
                      Map.of(
                          ":generation", number(keyGeneration),
                          ":phones", AttributeValue.fromSs(List.of(blocked)),
                          ":phone", AttributeValue.fromS(blocked),
                          ":max", number(maxBlocked))));
      return true;
    } catch (ConditionalCheckFailedException replacedOrFull) {
      return false;
    }
  }

  @Override
  public boolean unblock(String phone, long keyGeneration, String blocked) {
    // Removing the last phone removes the set: DynamoDB keeps no empty sets.
    return updateIfCurrent(
        phone,
        keyGeneration,
        "DELETE blocked :phones",
        Map.of(":phones", AttributeValue.fromSs(List.of(blocked))));
  }

  @Override
  public boolean hideLastSeen(String phone, long keyGeneration, boolean hidden) {
    return updateIfCurrent(
        phone,
        keyGeneration,
        "SET hidesLastSeen = :hidden",
        Map.of(":hidden", AttributeValue.fromBool(hidden)));
  }

  /** One update of the account, only while {@code keyGeneration} is its registration. */
  private boolean updateIfCurrent(
      String phone, long keyGeneration, String update, Map<String, AttributeValue> values) {
    Map<String, AttributeValue> all = new HashMap<>(values);
    all.put(":generation", number(keyGeneration));
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(PHONE, AttributeValue.fromS(phone)))
                  .updateExpression(update)
                  .conditionExpression("keyGeneration = :generation")
                  .expressionAttributeValues(all));
      return true;
    } catch (ConditionalCheckFailedException replaced) {
      return false;
    }
  }

  private static Account accountOf(AccountItem item) {
    List<Device> devices = new ArrayList<>();
    devices.add(
        new Device(
            Account.PRIMARY,
            item.keyHash,
            null,
            instant(item.registeredAt),
            instant(item.lastSeen)));
    if (item.devices != null) {
      item.devices.forEach(
          (id, linked) ->
              devices.add(
                  new Device(
                      Integer.parseInt(id),
                      linked.keyHash,
                      linked.name,
                      instant(linked.linkedAt),
                      instant(linked.lastSeen))));
    }
    devices.sort(Comparator.comparingInt(Device::id));
    return new Account(
        item.phone,
        item.keyGeneration == null ? 0 : item.keyGeneration,
        devices,
        item.nextDeviceId == null ? FIRST_LINKED_ID : item.nextDeviceId,
        Boolean.TRUE.equals(item.hidesLastSeen),
        item.blocked == null ? Set.of() : item.blocked);
  }

  private static Instant instant(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static Key key(String phone) {
    return Key.builder().partitionValue(phone).build();
  }

  /** The stored shape of an account; see the attribute names above. */
  private static final class AccountItem {
    private String phone;
    private String keyHash;
    private Long keyGeneration;
    private Long registeredAt;
    private Long lastSeen;
    private Map<String, LinkedItem> devices;
    private Integer nextDeviceId;
    private Boolean hidesLastSeen;
    private Set<String> blocked;
  }

  /** The stored shape of a linked device. */
  private static final class LinkedItem {
    private String keyHash;
    private String name;
    private Long linkedAt;
    private Long lastSeen;
  }
}
