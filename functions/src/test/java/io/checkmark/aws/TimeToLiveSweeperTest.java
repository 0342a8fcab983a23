package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.core.PendingPin;
import io.checkmark.core.TestPhones;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Why the table tests run on clocks that start now: DynamoDB Local, like DynamoDB, deletes items
 * whose TTL lies in the real past. A test clock pinned to a past date wrote PINs that expired
 * before they were used, and {@code verifyPin} then failed now and then with "the PIN was replaced
 * or used" (issue 12's flaky MessagingTest).
 */
class TimeToLiveSweeperTest {

  private static final String TABLE =
      TemplateTables.environmentOf("VerifyPinFunction").get("PINS_TABLE");

  @Test
  void pinWrittenByAClockPinnedInThePastIsSweptAwayBeforeItCanBeUsed() {
    String phone = TestPhones.next();
    Instant pinnedPast = Instant.parse("2026-11-25T10:00:00Z");
    new PinsTable(TemplateTables.dynamoDb(), TABLE)
        .save(new PendingPin(phone, "hash", pinnedPast.plusSeconds(600), 5));

    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                TemplateTables.dynamoDb()
                    .getItem(
                        r ->
                            r.tableName(TABLE)
                                .key(Map.of("phone", AttributeValue.fromS(phone)))
                                .consistentRead(true))
                    .item()
                    .isEmpty());

    assertThat(
            new PinsTable(TemplateTables.dynamoDb(), TABLE)
                .consume(new PendingPin(phone, "hash", pinnedPast, 5)))
        .as("the PIN is gone, so using it fails as 'replaced or used'")
        .isFalse();
  }
}
