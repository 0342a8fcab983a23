package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Filter patterns matched as Lambda matches them, against a stream record in the JSON Lambda
 * filters on (DynamoDB JSON images).
 */
class StreamRecordFilterTest {

  private static final String MESSAGES_OF_KIND_M_OR_U =
      "{\"eventName\": [\"INSERT\"], \"dynamodb\": {\"NewImage\": {\"k\": {\"S\": [\"m\", \"u\"]}}}}";
  private static final String REMOVALS = "{\"eventName\": [\"REMOVE\"]}";

  @Test
  void recordIsDeliveredWhenThePatternMatchesItsEventNameAndImage() {
    StreamRecordFilter filter = StreamRecordFilter.of(List.of(MESSAGES_OF_KIND_M_OR_U));

    assertThat(filter.accepts(record(OperationType.INSERT, "m"))).isTrue();
    assertThat(filter.accepts(record(OperationType.INSERT, "u"))).isTrue();
  }

  @Test
  void recordIsDroppedWhenAnyPartOfThePatternMisses() {
    StreamRecordFilter filter = StreamRecordFilter.of(List.of(MESSAGES_OF_KIND_M_OR_U));

    assertThat(filter.accepts(record(OperationType.INSERT, "g"))).as("other kind").isFalse();
    assertThat(filter.accepts(record(OperationType.MODIFY, "m"))).as("other event").isFalse();
    assertThat(filter.accepts(record(OperationType.REMOVE, null))).as("no new image").isFalse();
  }

  @Test
  void recordIsDeliveredWhenAnyOneOfSeveralPatternsMatches() {
    StreamRecordFilter filter = StreamRecordFilter.of(List.of(MESSAGES_OF_KIND_M_OR_U, REMOVALS));

    assertThat(filter.accepts(record(OperationType.INSERT, "m"))).isTrue();
    assertThat(filter.accepts(record(OperationType.REMOVE, null))).isTrue();
    assertThat(filter.accepts(record(OperationType.MODIFY, "m"))).isFalse();
  }

  @Test
  void withoutPatternsEveryRecordIsDelivered() {
    StreamRecordFilter filter = StreamRecordFilter.of(List.of());

    assertThat(filter.acceptsAll()).isTrue();
    assertThat(filter.accepts(record(OperationType.MODIFY, "g"))).isTrue();
  }

  @Test
  void invalidPatternIsRefusedWithThePatternNamed() {
    assertThatThrownBy(() -> StreamRecordFilter.of(List.of("{\"eventName\": \"INSERT\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a filter pattern: {\"eventName\": \"INSERT\"}");
  }

  /** A record of a table keyed by {@code pk}, whose items carry a kind {@code k}. */
  private static JsonNode record(OperationType event, String kind) {
    StreamRecord.Builder change =
        StreamRecord.builder()
            .keys(Map.of("pk", AttributeValue.fromS("conversation#1")))
            .sequenceNumber("100")
            .sizeBytes(42L)
            .streamViewType("NEW_AND_OLD_IMAGES");
    if (kind != null) {
      change.newImage(
          Map.of("pk", AttributeValue.fromS("conversation#1"), "k", AttributeValue.fromS(kind)));
    }
    return StreamRecordJson.of(
        Record.builder()
            .eventID("1")
            .eventName(event)
            .eventVersion("1.1")
            .dynamodb(change.build())
            .build(),
        "us-east-1",
        "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/1");
  }
}
