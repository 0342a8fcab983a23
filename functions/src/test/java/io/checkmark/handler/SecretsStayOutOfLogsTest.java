package io.checkmark.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import io.checkmark.aws.TemplateTables;
import io.checkmark.protocol.WireJson;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every log line of a registration, at the most verbose level, and not one PIN or device key in them. */
class SecretsStayOutOfLogsTest {

  private final Recorders.RecordingSms sms = new Recorders.RecordingSms();
  private final Backend backend = Backend.builder(environment()).dynamoDb(TemplateTables.dynamoDb())
      .sms(sms).pusher(new Recorders.RecordingPusher()).build();
  private final CapturingAppender captured = new CapturingAppender();

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
    String phone = RegistrationTest.newPhone();
    String connection = UUID.randomUUID().toString();
    APIGatewayV2WebSocketEvent connect = TestEvents.event("CONNECT", "$connect", connection);
    new ConnectHandler(backend).handleRequest(connect, TestEvents.CONTEXT);
    send(new RequestPinHandler(backend), connection, "{\"action\":\"requestPin\",\"phone\":\"" + phone + "\"}");
    String pin = sms.lastPinTo(phone);
    String wrongPin = pin.equals("999999") ? "888888" : "999999";
    send(new VerifyPinHandler(backend), connection,
        "{\"action\":\"verifyPin\",\"phone\":\"" + phone + "\",\"pin\":\"" + wrongPin + "\"}");
    String registered = send(new VerifyPinHandler(backend), connection,
        "{\"action\":\"verifyPin\",\"phone\":\"" + phone + "\",\"pin\":\"" + pin + "\"}");
    String key = WireJson.readTree(registered).get("deviceKey").asText();
    send(new LoginHandler(backend), connection,
        "{\"action\":\"login\",\"phone\":\"" + phone + "\",\"deviceKey\":\"" + key + "wrong\"}");
    send(new LoginHandler(backend), connection,
        "{\"action\":\"login\",\"phone\":\"" + phone + "\",\"deviceKey\":\"" + key + "\"}");

    assertThat(captured.lines).as("something was logged, so the check means something").isNotEmpty();
    assertThat(captured.lines).noneMatch(line -> line.contains(pin) || line.contains(wrongPin) || line.contains(key));
  }

  private static String send(ActionHandler<?> handler, String connectionId, String body) {
    return handler.handleRequest(TestEvents.message(connectionId, body), TestEvents.CONTEXT).getBody();
  }

  private static Map<String, String> environment() {
    Map<String, String> environment = new HashMap<>(TemplateTables.environmentOf("VerifyPinFunction"));
    environment.put("PIN_REQUESTS_PER_IP_PER_HOUR", "1000");
    return environment;
  }

  /** Takes every event of every logger, message, context data and exception alike. */
  private static final class CapturingAppender extends AbstractAppender {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private Level rootLevel;

    CapturingAppender() {
      super("captured", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
      lines.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage() + " "
          + event.getContextData() + " " + (event.getThrown() == null ? "" : event.getThrown().toString()));
    }

    void attach() {
      start();
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      LoggerConfig root = context.getConfiguration().getRootLogger();
      rootLevel = root.getLevel();
      root.addAppender(this, Level.ALL, null);
      root.setLevel(Level.ALL);
      context.updateLoggers();
    }

    void detach() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      Configuration configuration = context.getConfiguration();
      configuration.getRootLogger().removeAppender(getName());
      configuration.getRootLogger().setLevel(rootLevel);
      context.updateLoggers();
      stop();
    }
  }
}
