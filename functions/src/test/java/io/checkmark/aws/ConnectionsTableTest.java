package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.core.Connection;
import io.checkmark.core.ConnectionStore;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.TestPhones;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ConnectionsTableTest {

  // Now, not a fixed date: DynamoDB Local sweeps away rows whose TTL has passed in real time.
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final String TABLE =
      TemplateTables.environmentOf("ConnectFunction").get("CONNECTIONS_TABLE");

  private final ConnectionsTable connections =
      new ConnectionsTable(TemplateTables.dynamoDb(), TABLE, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void savedConnectionIsFoundWithItsFields() {
    Connection connection =
        new Connection(newId(), NOW.minusMillis(877), "203.0.113.9", "+14155550123", 2, 3L);

    connections.save(connection);

    assertThat(connections.find(connection.id())).contains(connection);
  }

  @Test
  void rowExpiresByTtlAnHourAfterApiGatewaysTwoHourMaximum() {
    String id = newId();

    connections.save(Connection.anonymous(id, NOW, "203.0.113.9"));

    Map<String, AttributeValue> raw =
        TemplateTables.dynamoDb()
            .getItem(r -> r.tableName(TABLE).key(Map.of("id", AttributeValue.fromS(id))))
            .item();
    assertThat(raw.get("expiresAt").n())
        .isEqualTo(Long.toString(NOW.plusSeconds(3 * 3600).getEpochSecond()));
  }

  @Test
  void deletedConnectionIsGoneAndDeletingAgainIsHarmless() {
    String id = newId();
    connections.save(Connection.anonymous(id, NOW, "203.0.113.9"));

    connections.delete(id);
    connections.delete(id);

    assertThat(connections.find(id)).isEmpty();
  }

  // Issue 19: API Gateway answers 410 for a connection whose $connect has not returned yet.
  @Test
  void aConnectionCalledGoneWithinTheHandshakeGraceOfItsConnectIsKept() {
    String id = newId();
    Instant cutoff = NOW.minus(ConnectionStore.HANDSHAKE_GRACE);
    connections.save(Connection.anonymous(id, cutoff.plusMillis(1), "203.0.113.9"));

    connections.forgetGone(id);

    assertThat(connections.find(id)).isPresent();
  }

  @Test
  void aConnectionCalledGoneLongerThanTheHandshakeGraceAfterItsConnectIsForgotten() {
    String id = newId();
    Instant cutoff = NOW.minus(ConnectionStore.HANDSHAKE_GRACE);
    connections.save(Connection.anonymous(id, cutoff.minusMillis(1), "203.0.113.9"));

    connections.forgetGone(id);
    connections.forgetGone(id);

    assertThat(connections.find(id)).as("forgetting it again is harmless").isEmpty();
  }

  @Test
  void lateBindAfterDisconnectDoesNotBringTheConnectionBack() {
    String id = newId();
    connections.save(Connection.anonymous(id, NOW, "203.0.113.9"));
    connections.delete(id);

    connections.bind(id, DeviceRef.primaryOf(TestPhones.next()), 1);

    assertThat(connections.find(id)).as("a deleted connection stays deleted").isEmpty();
  }

  @Test
  void boundConnectionsAreFoundByPhoneAndAnonymousOnesAreNot() {
    String phone = TestPhones.next();
    String first = newId();
    String second = newId();
    String anonymous = newId();
    connections.save(Connection.anonymous(first, NOW, "203.0.113.9"));
    connections.save(Connection.anonymous(second, NOW, "203.0.113.9"));
    connections.save(Connection.anonymous(anonymous, NOW, "203.0.113.9"));

    connections.bind(first, DeviceRef.primaryOf(phone), 1);
    connections.bind(second, new DeviceRef(phone, 3), 2);

    assertThat(connections.connectionsOf(phone))
        .extracting(
            found -> found.id() + "@" + found.device().deviceId() + "@" + found.keyGeneration())
        .containsExactlyInAnyOrder(first + "@1@1", second + "@3@2");
    assertThat(connections.find(second))
        .hasValueSatisfying(
            found -> {
              assertThat(found.phone()).isEqualTo(phone);
              assertThat(found.keyGeneration()).isEqualTo(2L);
              assertThat(found.connectedAt()).isEqualTo(NOW);
            });
  }

  private static String newId() {
    return UUID.randomUUID().toString().substring(0, 16);
  }
}
