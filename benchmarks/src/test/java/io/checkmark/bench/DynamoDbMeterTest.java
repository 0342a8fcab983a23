package io.checkmark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

class DynamoDbMeterTest {

  private static final Map<String, AttributeValue> KEY = Map.of("queue", AttributeValue.fromS("q"));

  @Test
  void aTransactionCostsTwoUnitsPerSmallItemChecksAndDeletesIncluded() {
    TransactWriteItemsRequest transaction =
        TransactWriteItemsRequest.builder()
            .transactItems(
                put(Map.of("queue", AttributeValue.fromS("q"), "id", AttributeValue.fromS("1"))),
                TransactWriteItem.builder().conditionCheck(check -> check.key(KEY)).build(),
                TransactWriteItem.builder().delete(delete -> delete.key(KEY)).build())
            .build();

    assertEquals(6, DynamoDbMeter.transactionalWriteUnits(transaction));
  }

  @Test
  void aPutCostsTwoUnitsPerStartedKilobyteOfItsItem() {
    TransactWriteItemsRequest transaction =
        TransactWriteItemsRequest.builder()
            .transactItems(put(Map.of("body", AttributeValue.fromS("x".repeat(1500)))))
            .build();

    assertEquals(4, DynamoDbMeter.transactionalWriteUnits(transaction));
  }

  @Test
  void anItemsSizeCountsNamesValuesAndNumbersByTheirDigits() {
    assertEquals(
        "body".length() + "abc".length() + "n".length() + 4,
        DynamoDbMeter.itemBytes(
            Map.of("body", AttributeValue.fromS("abc"), "n", AttributeValue.fromN("12345"))));
  }

  private static TransactWriteItem put(Map<String, AttributeValue> item) {
    return TransactWriteItem.builder().put(put -> put.item(item)).build();
  }
}
