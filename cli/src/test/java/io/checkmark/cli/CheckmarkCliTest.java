package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.ProjectStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The README's two-terminal chat, with the terminals played by pipes, against the local stack. */
class CheckmarkCliTest {

  private static final String ALICE = "+14155552671";
  private static final String BOB = "+14155552672";
  private static LocalStack stack;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(Map.of("PinRequestsPerAddressPerHour", "1000"))
                .build());
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  @Test
  void twoTerminalsRegisterAndChat(@TempDir Path home) throws Exception {
    register(home, ALICE);
    register(home, BOB);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve(ALICE + ".key"))))
        .isEqualTo("rw-------");

    Terminal bob = new Terminal(stack.webSocketUrl(), home, "chat", "--as", BOB, ALICE);
    bob.awaitOutput("Chatting with");
    Terminal alice = new Terminal(stack.webSocketUrl(), home, "chat", "--as", ALICE, BOB);
    alice.awaitOutput("Chatting with");

    alice.type("hello bob");
    bob.awaitOutput("[" + ALICE);
    assertThat(bob.output()).contains("hello bob");
    alice.awaitOutput("✓✓ read: \"hello bob\"");
    String ticks = alice.output();
    assertThat(ticks.indexOf("✓ sent: \"hello bob\""))
        .isNotNegative()
        .isLessThan(ticks.indexOf("✓✓ delivered: \"hello bob\""));
    assertThat(ticks.indexOf("✓✓ delivered: \"hello bob\""))
        .isLessThan(ticks.indexOf("✓✓ read: \"hello bob\""));

    assertThat(alice.end()).isZero();
    assertThat(bob.end()).isZero();
  }

  @Test
  void chatWithoutRegistrationSaysWhatToDo(@TempDir Path home) throws Exception {
    Terminal stranger =
        new Terminal(stack.webSocketUrl(), home, "chat", "--as", "+14155552673", ALICE);

    assertThat(stranger.end()).isEqualTo(1);
    assertThat(stranger.output()).contains("checkmark register +14155552673");
  }

  @Test
  void aChatWhoseNumberIsRegisteredElsewhereSaysSoAndEndsNonZero(@TempDir Path home)
      throws Exception {
    String phone = "+14155552674";
    register(home, phone);
    Terminal chat = new Terminal(stack.webSocketUrl(), home, "chat", "--as", phone, ALICE);
    chat.awaitOutput("Chatting with");

    // As a registration on another device does (a second PIN for the number would wait a minute).
    try (DynamoDbClient dynamoDb = ProjectStack.dynamoDb(stack)) {
      dynamoDb.updateItem(
          r ->
              r.tableName(stack.environmentOf("SendFunction").get("ACCOUNTS_TABLE"))
                  .key(Map.of("phone", AttributeValue.fromS(phone)))
                  .updateExpression("ADD keyGeneration :one")
                  .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    }
    chat.type("still here?");

    assertThat(chat.exit().get(15, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(chat.output())
        .contains(phone + " was registered on another device")
        .contains("checkmark register " + phone);
  }

  @Test
  void aKeyTheServerRefusesSaysHowToRegisterAgain(@TempDir Path home) throws Exception {
    String phone = "+14155552675";
    Files.writeString(home.resolve(phone + ".key"), "not-the-key");

    Terminal chat = new Terminal(stack.webSocketUrl(), home, "chat", "--as", phone, ALICE);

    assertThat(chat.end()).isEqualTo(1);
    assertThat(chat.output())
        .contains("no longer accepts this computer's key")
        .contains("checkmark register " + phone);
  }

  private void register(Path home, String phone) throws Exception {
    Terminal terminal = new Terminal(stack.webSocketUrl(), home, "register", phone);
    terminal.awaitOutput("PIN: ");
    terminal.type(stack.lastPinSentTo(phone));
    assertThat(terminal.end()).isZero();
    assertThat(terminal.output()).contains("Registered " + phone);
  }
}
