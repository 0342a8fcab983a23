package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.core.Account;
import io.checkmark.core.Device;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.TestPhones;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The Accounts table's block list and privacy on DynamoDB Local. */
class AccountsTableTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private final DynamoDbClient dynamoDb = TemplateTables.dynamoDb();
  private final String tableName =
      TemplateTables.environmentOf("SendFunction").get("ACCOUNTS_TABLE");
  private final AccountsTable accounts = new AccountsTable(dynamoDb, tableName);
  private final String phone = TestPhones.next();
  private final long generation = accounts.replacePrimary(phone, "hash", NOW).keyGeneration();

  @Test
  void anAccountThatBlocksNobodyHasNoBlockAttributeAndShowsItsLastSeen() {
    Account account = accounts.find(phone).orElseThrow();

    assertThat(account.blocked()).isEmpty();
    assertThat(account.hidesLastSeen()).isFalse();
    assertThat(storedItem()).doesNotContainKeys("blocked", "hidesLastSeen");
  }

  @Test
  void blocksAreASetOnTheAccountThatTheEmptyingUnblockRemoves() {
    String first = TestPhones.next();
    String second = TestPhones.next();

    assertThat(accounts.block(phone, generation, first, 10)).isTrue();
    assertThat(accounts.block(phone, generation, second, 10)).isTrue();
    assertThat(accounts.block(phone, generation, first, 10)).as("again").isTrue();
    assertThat(accounts.find(phone).orElseThrow().blocked())
        .containsExactlyInAnyOrder(first, second);
    assertThat(accounts.findAll(List.of(phone, TestPhones.next())).get(phone).blocks(first))
        .as("as the send path reads it")
        .isTrue();

    assertThat(accounts.unblock(phone, generation, first)).isTrue();
    assertThat(accounts.unblock(phone, generation, second)).isTrue();
    assertThat(accounts.unblock(phone, generation, second)).as("again").isTrue();
    assertThat(accounts.find(phone).orElseThrow().blocked()).isEmpty();
    assertThat(storedItem()).doesNotContainKey("blocked");
  }

  @Test
  void aFullBlockListTakesNoOtherPhoneButStillTakesOneItHolds() {
    String first = TestPhones.next();
    accounts.block(phone, generation, first, 2);
    accounts.block(phone, generation, TestPhones.next(), 2);

    assertThat(accounts.block(phone, generation, TestPhones.next(), 2)).isFalse();
    assertThat(accounts.block(phone, generation, first, 2)).isTrue();
    assertThat(accounts.find(phone).orElseThrow().blocked()).hasSize(2);
  }

  @Test
  void concurrentBlocksNeverPassTheLimit() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> blocks = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String blocked = TestPhones.next();
        blocks.add(() -> accounts.block(phone, generation, blocked, 5));
      }
      int accepted = 0;
      for (Future<Boolean> outcome : threads.invokeAll(blocks)) {
        accepted += outcome.get() ? 1 : 0;
      }
      assertThat(accepted).isEqualTo(5);
      assertThat(accounts.find(phone).orElseThrow().blocked()).hasSize(5);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void privacyAndBlocksOfAReplacedRegistrationAreRefusedAndANewRegistrationKeepsThem() {
    String blocked = TestPhones.next();
    accounts.block(phone, generation, blocked, 10);
    accounts.hideLastSeen(phone, generation, true);

    long next = accounts.replacePrimary(phone, "hash2", NOW).keyGeneration();

    assertThat(accounts.block(phone, generation, TestPhones.next(), 10)).isFalse();
    assertThat(accounts.unblock(phone, generation, blocked)).isFalse();
    assertThat(accounts.hideLastSeen(phone, generation, false)).isFalse();
    Account account = accounts.find(phone).orElseThrow();
    assertThat(account.keyGeneration()).isEqualTo(next);
    assertThat(account.blocked()).containsExactly(blocked);
    assertThat(account.hidesLastSeen()).isTrue();
  }

  @Test
  void noAccountIsCreatedByABlockOrAPrivacySetting() {
    String nobody = TestPhones.next();

    assertThat(accounts.block(nobody, 1, phone, 10)).isFalse();
    assertThat(accounts.hideLastSeen(nobody, 1, true)).isFalse();
    assertThat(accounts.find(nobody)).isEmpty();
  }

  @Test
  void lastSeenOfALinkedDeviceIsKeptBesideThePrimarys() {
    Account account = accounts.find(phone).orElseThrow();
    assertThat(accounts.addDevice(account, new Device(2, "k", "laptop", NOW, null))).isTrue();

    accounts.lastSeen(new DeviceRef(phone, 2), generation, NOW.plusSeconds(60));
    accounts.lastSeen(DeviceRef.primaryOf(phone), generation, NOW.plusSeconds(30));

    Account seen = accounts.find(phone).orElseThrow();
    assertThat(seen.device(2).orElseThrow().lastSeen()).isEqualTo(NOW.plusSeconds(60));
    assertThat(seen.device(1).orElseThrow().lastSeen()).isEqualTo(NOW.plusSeconds(30));
  }

  private Map<String, AttributeValue> storedItem() {
    return dynamoDb
        .getItem(r -> r.tableName(tableName).key(Map.of("phone", AttributeValue.fromS(phone))))
        .item();
  }
}
