package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.ProjectStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    Terminal bob = new Terminal(home, "chat", "--as", BOB, ALICE);
    bob.awaitOutput("Chatting with");
    Terminal alice = new Terminal(home, "chat", "--as", ALICE, BOB);
    alice.awaitOutput("Chatting with");

    alice.type("hello bob");
    bob.awaitOutput("[" + ALICE);
    assertThat(bob.output()).contains("hello bob");
    alice.awaitOutput("✓ sent");
    alice.awaitOutput("✓✓ delivered");
    alice.awaitOutput("✓✓ read");

    assertThat(alice.end()).isZero();
    assertThat(bob.end()).isZero();
  }

  @Test
  void chatWithoutRegistrationSaysWhatToDo(@TempDir Path home) throws Exception {
    Terminal stranger = new Terminal(home, "chat", "--as", "+14155552673", ALICE);

    assertThat(stranger.end()).isEqualTo(1);
    assertThat(stranger.output()).contains("checkmark register +14155552673");
  }

  private void register(Path home, String phone) throws Exception {
    Terminal terminal = new Terminal(home, "register", phone);
    terminal.awaitOutput("PIN: ");
    terminal.type(stack.lastPinSentTo(phone));
    assertThat(terminal.end()).isZero();
    assertThat(terminal.output()).contains("Registered " + phone);
  }

  /** The CLI running in a thread, with a pipe for its keyboard and a buffer for its screen. */
  private static final class Terminal {
    private final PipedOutputStream keyboard = new PipedOutputStream();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> exit;

    Terminal(Path home, String... command) throws IOException {
      PipedInputStream in = new PipedInputStream(keyboard);
      PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);
      String[] args = new String[command.length + 3];
      args[0] = command[0];
      args[1] = "--url=" + stack.webSocketUrl();
      args[2] = "--home";
      args[3] = home.toString();
      System.arraycopy(command, 1, args, 4, command.length - 1);
      Supplier<Integer> cli = () -> CheckmarkCli.run(in, out, args);
      exit = CompletableFuture.supplyAsync(cli);
    }

    void type(String line) throws IOException {
      keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
    }

    String output() {
      return screen.toString(StandardCharsets.UTF_8);
    }

    void awaitOutput(String text) {
      try {
        await()
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(20))
            .failFast(exit::isDone)
            .until(() -> output().contains(text));
      } catch (ConditionTimeoutException | TerminalFailureException notShown) {
        throw new AssertionError("no \"" + text + "\" on the screen:\n" + output(), notShown);
      }
    }

    int end() throws Exception {
      keyboard.close();
      return exit.get(15, TimeUnit.SECONDS);
    }
  }
}
