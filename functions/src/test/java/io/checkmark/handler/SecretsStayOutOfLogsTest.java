package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import io.checkmark.aws.TemplateTables;
import io.checkmark.core.TestPhones;
import io.checkmark.protocol.WireJson;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every log line of a registration, at the most verbose level, and not one PIN or device key in
 * them.
 */
class SecretsStayOutOfLogsTest {

  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Composition backend =
      Composition.builder(environment())
          .dynamoDb(TemplateTables.dynamoDb())
          .sms(sms)
          .pusher(new Recorders.RecordingPusher())
          .build();
  private final CapturedLogs captured = new CapturedLogs();

  @BeforeEach
  void captureEverything() {
    captured.attach();
  }

  @AfterEach
  void stopCapturing() {
    captured.detach();
  }

  @Test
  void registrationAndLoginLogNoPinAndNoKey() {
    String phone = TestPhones.next();
    String connection = UUID.randomUUID().toString();
    APIGatewayV2WebSocketEvent connect = TestEvents.event("CONNECT", "$connect", connection);
    new ConnectHandler(backend).handleRequest(connect, TestEvents.CONTEXT);
    send(
        new RequestPinHandler(backend),
        connection,
        "{\"action\":\"requestPin\",\"phone\":\"" + phone + "\"}");
    String pin = sms.lastPinTo(phone);
    String wrongPin = pin.equals("999999") ? "888888" : "999999";
    send(
        new VerifyPinHandler(backend),
        connection,
        "{\"action\":\"verifyPin\",\"phone\":\"" + phone + "\",\"pin\":\"" + wrongPin + "\"}");
    String registered =
        send(
            new VerifyPinHandler(backend),
            connection,
            "{\"action\":\"verifyPin\",\"phone\":\"" + phone + "\",\"pin\":\"" + pin + "\"}");
    String key = WireJson.readTree(registered).get("deviceKey").asText();
    send(
        new LoginHandler(backend),
        connection,
        "{\"action\":\"login\",\"phone\":\"" + phone + "\",\"deviceKey\":\"" + key + "wrong\"}");
    send(
        new LoginHandler(backend),
        connection,
        "{\"action\":\"login\",\"phone\":\"" + phone + "\",\"deviceKey\":\"" + key + "\"}");

    assertThat(captured.lines)
        .as("something was logged, so the check means something")
        .isNotEmpty();
    assertThat(captured.lines)
        .noneMatch(line -> line.contains(pin) || line.contains(wrongPin) || line.contains(key));
  }

  private static String send(ActionHandler<?> handler, String connectionId, String body) {
    return handler
        .handleRequest(TestEvents.message(connectionId, body), TestEvents.CONTEXT)
        .getBody();
  }

  private static Map<String, String> environment() {
    Map<String, String> environment =
        new HashMap<>(TemplateTables.environmentOf("VerifyPinFunction"));
    environment.put("PIN_REQUESTS_PER_IP_PER_HOUR", "1000");
    return environment;
  }
}
