package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkmark.aws.TemplateTables;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.TestPhones;
import io.checkmark.protocol.LoggedIn;
import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.WireJson;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An action only logged-in connections may use, as {@link ActionHandler} guards it: anonymous
 * connections get UNAUTHORIZED, and a connection logged in with a key that has since been replaced
 * gets DEVICE_REPLACED and is closed.
 */
class AuthorizationTest {

  private final Map<String, String> environment = environment();
  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Recorders.RecordingPusher pusher = new Recorders.RecordingPusher();
  private final Composition backend =
      Composition.builder(environment)
          .dynamoDb(TemplateTables.dynamoDb())
          .sms(sms)
          .pusher(pusher)
          .build();
  private final RegistrationService registration = backend.registrationService();
  private final WhoAmIHandler whoAmI = new WhoAmIHandler(backend);

  /** A stand-in for send, sync, ack and read: it answers with the caller's phone. */
  static final class WhoAmIHandler extends ActionHandler<WhoAmIHandler.WhoAmI> {
    WhoAmIHandler(Composition backend) {
      super(WhoAmI.class, Access.LOGGED_IN, backend.sessions());
    }

    @Override
    protected ServerFrame handle(Caller caller, WhoAmI request) {
      return new LoggedIn(caller.phone(), 1);
    }

    record WhoAmI() {}
  }

  @Test
  void anonymousConnectionGetsUnauthorized() {
    String connection = connect();

    JsonNode reply = call(connection);

    assertThat(reply.get("code").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(reply.get("action").asText()).isEqualTo("whoAmI");
  }

  @Test
  void loggedInConnectionIsServedAsItsPhone() {
    String phone = TestPhones.next();
    String connection = connect();
    registration.requestPin(phone, null);
    registration.verifyPin(connection, phone, sms.lastPinTo(phone), null);

    JsonNode reply = call(connection);

    assertThat(reply.get("type").asText()).isEqualTo("loggedIn");
    assertThat(reply.get("phone").asText()).isEqualTo(phone);
  }

  @Test
  void connectionOfAReplacedKeyGetsDeviceReplacedAndIsClosed() {
    String phone = TestPhones.next();
    String connection = connect();
    registration.requestPin(phone, null);
    registration.verifyPin(connection, phone, sms.lastPinTo(phone), null);
    // The account moves on to a newer key while this connection stays bound to the first.
    TemplateTables.dynamoDb()
        .updateItem(
            r ->
                r.tableName(environment.get("ACCOUNTS_TABLE"))
                    .key(Map.of("phone", AttributeValue.fromS(phone)))
                    .updateExpression("ADD keyGeneration :one")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));

    JsonNode reply = call(connection);

    assertThat(reply.get("code").asText()).isEqualTo("DEVICE_REPLACED");
    assertThat(pusher.closed).contains(connection);
    assertThat(call(connection).get("code").asText()).isEqualTo("UNAUTHORIZED");
  }

  private JsonNode call(String connectionId) {
    var response =
        whoAmI.handleRequest(
            TestEvents.message(connectionId, "{\"action\":\"whoAmI\"}"), TestEvents.CONTEXT);
    return WireJson.readTree(response.getBody());
  }

  private String connect() {
    return registration
        .connect(UUID.randomUUID().toString(), Instant.now(), null, null)
        .orElseThrow()
        .id();
  }

  private static Map<String, String> environment() {
    Map<String, String> environment =
        new HashMap<>(TemplateTables.environmentOf("VerifyPinFunction"));
    environment.put("PIN_REQUESTS_PER_IP_PER_HOUR", "1000");
    return environment;
  }
}
