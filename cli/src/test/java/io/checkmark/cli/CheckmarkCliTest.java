package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
  private static final ByteArrayOutputStream CONSOLE = new ByteArrayOutputStream();
  private static LocalStack stack;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(Map.of("PinRequestsPerAddressPerHour", "1000"))
                .console(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8))
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
    // On the stack's console: Bob's connection acked before it sent the read receipt. (The line
    // of an invocation is printed as it returns, a moment after its pushes.)
    String read =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    consoleLines().stream()
                        .filter(line -> line.matches("\\S+ read .*"))
                        .findFirst(),
                Optional::isPresent)
            .orElseThrow();
    String reader = read.split("\\s+")[2];
    List<String> invocations = consoleLines();
    assertThat(invocations.subList(0, invocations.indexOf(read)))
        .anyMatch(line -> line.matches("\\S+ ack +" + Pattern.quote(reader) + " → acked .*"));

    assertThat(alice.end()).isZero();
    assertThat(bob.end()).isZero();
  }

  @Test
  void pushFetchShowsAndAcksWhatWasQueuedAndThenFindsNothing(@TempDir Path home) throws Exception {
    String sender = Phones.next();
    String asleep = Phones.next();
    register(home, sender);
    register(home, asleep);
    Terminal chat = new Terminal(stack.webSocketUrl(), home, "chat", "--as", sender, asleep);
    chat.awaitOutput("Chatting with");
    chat.type("first");
    chat.type("second");
    chat.awaitOutput("✓ sent: \"second\"");

    Terminal fetch = new Terminal(stack.webSocketUrl(), home, "push", "fetch", "--as", asleep);

    assertThat(fetch.end()).isZero();
    assertThat(fetch.output().lines())
        .anyMatch(line -> line.startsWith("[" + sender) && line.endsWith("] first"))
        .anyMatch(line -> line.startsWith("[" + sender) && line.endsWith("] second"))
        .last()
        .isEqualTo("Fetched 2 items for " + asleep + " and acked them.");
    chat.awaitOutput("✓✓ delivered: \"second\"");
    Terminal again = new Terminal(stack.webSocketUrl(), home, "push", "fetch", "--as", asleep);
    assertThat(again.end()).isZero();
    assertThat(again.output().strip()).isEqualTo("Nothing queued for " + asleep + ".");
    assertThat(chat.end()).isZero();
  }

  @Test
  void pushRegisterAndUnregisterReachTheServerAndSayWhatTheyDidInOneLine(@TempDir Path home)
      throws Exception {
    String phone = Phones.next();
    String token = "cli-token-" + System.nanoTime();
    register(home, phone);

    Terminal registered =
        new Terminal(
            stack.webSocketUrl(),
            home,
            "push",
            "register",
            "--as",
            phone,
            "--platform",
            "fcm",
            "--token",
            token);
    assertThat(registered.end()).isZero();
    assertThat(registered.output().strip())
        .isEqualTo(
            "Push registered: fcm wakes this device of " + phone + " when items wait for it.");
    assertThat(stack.pushEndpointsOfToken(token)).hasSize(1);

    Terminal unregistered =
        new Terminal(stack.webSocketUrl(), home, "push", "unregister", "--as", phone);
    assertThat(unregistered.end()).isZero();
    assertThat(unregistered.output().strip())
        .isEqualTo("Push unregistered: this device of " + phone + " gets no more pushes.");
    assertThat(stack.pushEndpointsOfToken(token)).isEmpty();
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
    updateAccount(phone, "ADD keyGeneration :value", AttributeValue.fromN("1"));
    chat.type("still here?");

    assertThat(chat.exit().get(15, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(chat.output())
        .contains(phone + " was registered on another device")
        .contains("checkmark register " + phone);
  }

  @Test
  void aKeyRefusedWhenTheChatReconnectsEndsItNonZeroWithTheWayBack(@TempDir Path home)
      throws Exception {
    String phone = "+14155552676";
    register(home, phone);
    Terminal chat = new Terminal(stack.webSocketUrl(), home, "chat", "--as", phone, ALICE);
    chat.awaitOutput("Chatting with");

    // The key is replaced while the phone is offline: its next connect is refused (401).
    updateAccount(phone, "SET keyHash = :value", AttributeValue.fromS("c2FsdA:aW52YWxpZA"));
    try (DynamoDbClient dynamoDb = ProjectStack.dynamoDb(stack)) {
      dynamoDb
          .query(
              r ->
                  r.tableName(stack.environmentOf("SendFunction").get("CONNECTIONS_TABLE"))
                      .indexName("devicesByPhone")
                      .keyConditionExpression("phone = :phone")
                      .expressionAttributeValues(Map.of(":phone", AttributeValue.fromS(phone))))
          .items()
          .forEach(row -> stack.dropWithoutDisconnect(row.get("id").s()));
    }

    assertThat(chat.exit().get(15, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(chat.output())
        .contains("disconnected — reconnecting…")
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

  /** Changes the account's item directly, as another device's registration would. */
  private static void updateAccount(String phone, String expression, AttributeValue value) {
    try (DynamoDbClient dynamoDb = ProjectStack.dynamoDb(stack)) {
      dynamoDb.updateItem(
          r ->
              r.tableName(stack.environmentOf("SendFunction").get("ACCOUNTS_TABLE"))
                  .key(Map.of("phone", AttributeValue.fromS(phone)))
                  .updateExpression(expression)
                  .expressionAttributeValues(Map.of(":value", value)));
    }
  }

  private static List<String> consoleLines() {
    return CONSOLE.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private void register(Path home, String phone) throws Exception {
    Terminal terminal = new Terminal(stack.webSocketUrl(), home, "register", phone);
    terminal.awaitOutput("PIN: ");
    terminal.type(stack.lastPinSentTo(phone));
    assertThat(terminal.end()).isZero();
    assertThat(terminal.output()).contains("Registered " + phone);
  }
}
