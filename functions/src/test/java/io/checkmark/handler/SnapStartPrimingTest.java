package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.checkmark.aws.TemplateTables;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/** What the SnapStart priming hook does before a snapshot, against DynamoDB Local. */
class SnapStartPrimingTest {

  private final List<GetItemRequest> reads = new CopyOnWriteArrayList<>();

  @Test
  void beforeCheckpointReadsOneUnregisterableAccountAndWritesNothing() {
    SnapStartPriming priming =
        SnapStartPriming.register(
            backend(recordingReads(TemplateTables.dynamoDb())).accounts(), true);

    priming.beforeCheckpoint(null);

    assertThat(reads)
        .singleElement()
        .satisfies(
            read -> {
              assertThat(read.tableName())
                  .isEqualTo(TemplateTables.environmentOf("SendFunction").get("ACCOUNTS_TABLE"));
              assertThat(read.key().get("phone").s())
                  .isEqualTo(SnapStartPriming.UNREGISTERABLE_PHONE);
            });
  }

  @Test
  void functionThatMayNotReadAccountsIsPrimedWithoutCallingDynamoDb() {
    SnapStartPriming priming =
        SnapStartPriming.register(
            backend(recordingReads(TemplateTables.dynamoDb())).accounts(), false);

    priming.beforeCheckpoint(null);

    assertThat(reads).isEmpty();
  }

  @Test
  void failingDynamoDbDoesNotFailTheSnapshot() {
    DynamoDbClient unreachable =
        new DynamoDbClient() {
          @Override
          public GetItemResponse getItem(GetItemRequest request) {
            throw new IllegalStateException("no network while the snapshot is taken");
          }

          @Override
          public String serviceName() {
            return "dynamodb";
          }

          @Override
          public void close() {}
        };

    assertThatCode(
            () ->
                SnapStartPriming.register(backend(unreachable).accounts(), true)
                    .beforeCheckpoint(null))
        .doesNotThrowAnyException();
  }

  private DynamoDbClient recordingReads(DynamoDbClient delegate) {
    return new DynamoDbClient() {
      @Override
      public GetItemResponse getItem(GetItemRequest request) {
        reads.add(request);
        return delegate.getItem(request);
      }

      @Override
      public String serviceName() {
        return delegate.serviceName();
      }

      @Override
      public void close() {}
    };
  }

  private static Composition backend(DynamoDbClient dynamoDb) {
    return Composition.builder(TemplateTables.environmentOf("SendFunction"))
        .dynamoDb(dynamoDb)
        .sms(new Recorders.RecordingSms())
        .pusher(new Recorders.RecordingPusher())
        .build();
  }
}
