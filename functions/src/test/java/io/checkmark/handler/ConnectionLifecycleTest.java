package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.aws.TemplateTables;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** $connect and $disconnect against DynamoDB Local with the template's Connections table. */
class ConnectionLifecycleTest {

  private static final Map<String, String> ENVIRONMENT =
      TemplateTables.environmentOf("ConnectFunction");
  private static final String TABLE = ENVIRONMENT.get("CONNECTIONS_TABLE");

  private final Composition backend =
      Composition.builder(ENVIRONMENT)
          .dynamoDb(TemplateTables.dynamoDb())
          .sms(new Recorders.RecordingSms())
          .pusher(new Recorders.RecordingPusher())
          .build();
  private final ConnectHandler connect = new ConnectHandler(backend);
  private final DisconnectHandler disconnect = new DisconnectHandler(backend);

  @Test
  void connectRecordsTheConnectionAndAccepts() {
    String id = UUID.randomUUID().toString();

    var response =
        connect.handleRequest(TestEvents.event("CONNECT", "$connect", id), TestEvents.CONTEXT);

    assertThat(response.getStatusCode()).isEqualTo(200);
    Map<String, AttributeValue> row = row(id);
    assertThat(row.get("sourceIp").s()).isEqualTo("198.51.100.7");
    assertThat(row.get("connectedAt").n()).isEqualTo("1764064800000");
  }

  @Test
  void disconnectRemovesTheConnection() {
    String id = UUID.randomUUID().toString();
    connect.handleRequest(TestEvents.event("CONNECT", "$connect", id), TestEvents.CONTEXT);

    var response =
        disconnect.handleRequest(
            TestEvents.event("DISCONNECT", "$disconnect", id), TestEvents.CONTEXT);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(row(id)).isEmpty();
  }

  @Test
  void connectRefusesWith500WhenTheTableIsUnavailable() {
    Map<String, String> broken = new HashMap<>(ENVIRONMENT);
    broken.put("CONNECTIONS_TABLE", "NoSuchTable");
    ConnectHandler failing =
        new ConnectHandler(
            Composition.builder(broken)
                .dynamoDb(TemplateTables.dynamoDb())
                .sms(new Recorders.RecordingSms())
                .pusher(new Recorders.RecordingPusher())
                .build());

    var response =
        failing.handleRequest(
            TestEvents.event("CONNECT", "$connect", "c-broken"), TestEvents.CONTEXT);

    assertThat(response.getStatusCode()).isEqualTo(500);
  }

  private static Map<String, AttributeValue> row(String id) {
    return TemplateTables.dynamoDb()
        .getItem(
            r ->
                r.tableName(TABLE).key(Map.of("id", AttributeValue.fromS(id))).consistentRead(true))
        .item();
  }
}
