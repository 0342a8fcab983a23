package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocking, presence, the last-seen setting and typing from the CLI against the local stack; the
 * other side, where a test needs keystrokes, is the SDK with the key the CLI registered.
 */
class PrivacyStackTest {

  private static final Duration NOTHING_ARRIVES = Duration.ofSeconds(2);
  private static LocalStack stack;

  @TempDir Path home;

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
  void blockUnblockAndBlockedEachSayWhatTheyDidInOneLine() throws Exception {
    String me = registered();
    String bob = registered();

    assertThat(run("block", "--as", me, bob))
        .isEqualTo(
            PrivacyCommands.blockedLine(me, bob, "checkmark unblock --as " + me + " " + bob));
    assertThat(run("blocked", "--as", me)).isEqualTo(bob);
    assertThat(run("unblock", "--as", me, bob)).isEqualTo(PrivacyCommands.unblockedLine(me, bob));
    assertThat(run("blocked", "--as", me)).isEqualTo(me + " blocks nobody.");
  }

  @Test
  void theChatShowsThePeerTypingAndThenOnline() throws Exception {
    String me = registered();
    String bob = registered();
    Terminal chat = new Terminal(stack.webSocketUrl(), home, "chat", "--as", me, bob);
    chat.awaitOutput("Chatting with");
    chat.awaitOutput("(" + bob + " last seen ");

    try (CheckmarkClient bobsPhone = connected(bob)) {
      bobsPhone.typing(me);
      chat.awaitOutput("(" + bob + " is typing…)");
      bobsPhone.stoppedTyping(me);
      chat.awaitOutput("(" + bob + " online)");
    }
    assertThat(chat.end()).isZero();
    assertThat(chat.output().lines().filter(line -> line.contains("is typing")))
        .containsExactly("(" + bob + " is typing…)");
  }

  @Test
  void aPeerBlockedInTheChatReachesItNoMoreUntilUnblocked() throws Exception {
    String me = registered();
    String bob = registered();
    Terminal chat = new Terminal(stack.webSocketUrl(), home, "chat", "--as", me, bob);
    chat.awaitOutput("Chatting with");

    chat.type("/block");
    chat.awaitOutput(PrivacyCommands.blockedLine(me, bob, "/unblock"));
    try (CheckmarkClient bobsPhone = connected(bob)) {
      bobsPhone.typing(me);
      assertThat(bobsPhone.send(me, "while blocked").get(10, TimeUnit.SECONDS).messageId())
          .as("accepted all the same")
          .isNotBlank();
      await("nothing of it on the screen")
          .during(NOTHING_ARRIVES)
          .atMost(NOTHING_ARRIVES.multipliedBy(3))
          .until(
              () ->
                  !chat.output().contains("while blocked") && !chat.output().contains("is typing"));

      chat.type("/unblock");
      chat.awaitOutput(PrivacyCommands.unblockedLine(me, bob));
      // The typing sent while blocked counts as outstanding: stopping it lets the next go at once.
      bobsPhone.stoppedTyping(me);
      bobsPhone.typing(me);
      chat.awaitOutput("(" + bob + " is typing…)");
      bobsPhone.send(me, "after unblock").get(10, TimeUnit.SECONDS);
      chat.awaitOutput("] after unblock");
    }
    assertThat(chat.end()).isZero();
    assertThat(chat.output()).doesNotContain("while blocked");
  }

  @Test
  void presenceSaysOnlineLastSeenOrHiddenAndTheSettingHidesBothWays() throws Exception {
    String me = registered();
    String bob = registered();
    try (CheckmarkClient bobsPhone = connected(bob)) {
      assertThat(bobsPhone.isConnected()).isTrue();
      assertThat(run("presence", "--as", me, bob)).isEqualTo(bob + " online");
    }
    await("offline once the connection is gone")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                run("presence", "--as", me, bob)
                    .matches("\\Q" + bob + "\\E last seen \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d"));

    assertThat(run("privacy", "last-seen", "--as", bob, "nobody"))
        .isEqualTo(
            "Nobody sees when "
                + bob
                + " was last online, and "
                + bob
                + " sees nobody else's"
                + " last seen.");
    assertThat(run("presence", "--as", me, bob)).isEqualTo(bob + " last seen hidden");
    assertThat(run("presence", "--as", bob, me)).isEqualTo(me + " last seen hidden");

    assertThat(run("privacy", "last-seen", "--as", bob, "everyone"))
        .isEqualTo("Everyone sees when " + bob + " was last online.");
    assertThat(run("presence", "--as", me, bob)).startsWith(bob + " last seen 2");
  }

  @Test
  void aBlockedNumberSeesItsBlockerOfflineWithNoLastSeen() throws Exception {
    String me = registered();
    String bob = registered();
    run("block", "--as", me, bob);

    try (CheckmarkClient myPhone = connected(me)) {
      assertThat(myPhone.isConnected()).isTrue();
      assertThat(run("presence", "--as", bob, me)).isEqualTo(me + " last seen hidden");
    }
  }

  @Test
  void presenceOfAnUnregisteredNumberSaysWhatToDoInOneLine() throws Exception {
    String me = registered();
    String nobody = Phones.next();

    Terminal asked = new Terminal(stack.webSocketUrl(), home, "presence", "--as", me, nobody);

    assertThat(asked.end()).isEqualTo(1);
    assertThat(asked.output().strip())
        .isEqualTo(
            "UNKNOWN_RECIPIENT: no one is registered as "
                + nobody
                + "; check the number, or ask its owner to register it: checkmark register PHONE");
  }

  /** Runs a command to its end, which must be a success, and gives back its output, stripped. */
  private String run(String... command) throws Exception {
    Terminal terminal = new Terminal(stack.webSocketUrl(), home, command);
    int exit = terminal.end();
    assertThat(exit).as(String.join(" ", command) + " said: " + terminal.output()).isZero();
    return terminal.output().strip();
  }

  /** A phone as its own device would be: connected with the key the CLI keeps for it. */
  private CheckmarkClient connected(String phone) throws Exception {
    CheckmarkClient client =
        CheckmarkClient.builder(stack.webSocketUrl())
            .credentials(
                phone,
                Files.readString(home.resolve(phone + ".key"), StandardCharsets.UTF_8).trim())
            .build();
    client.connect().get(10, TimeUnit.SECONDS);
    return client;
  }

  private String registered() throws Exception {
    String phone = Phones.next();
    Terminal terminal = new Terminal(stack.webSocketUrl(), home, "register", phone);
    terminal.awaitOutput("PIN: ");
    terminal.type(stack.lastPinSentTo(phone));
    assertThat(terminal.end()).isZero();
    return phone;
  }
}
