package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.ProjectStack;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack stops and starts again (same port, data kept) in the middle of a chat: the CLI
 * says it is reconnecting, connects again by itself, and the line typed while the stack was down
 * reaches the other side exactly once.
 */
class ChatReconnectTest {

  private static final String ALICE = "+14155552681";
  private static final String BOB = "+14155552682";

  @TempDir Path home;
  @TempDir Path data;
  private LocalStack stack;

  @AfterEach
  void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aLineTypedWhileTheStackIsDownArrivesOnceAfterItIsBack() throws Exception {
    int port = ProjectStack.unusedPort();
    stack = start(port);
    register(ALICE);
    register(BOB);
    Terminal bob = new Terminal(stack.webSocketUrl(), home, "chat", "--as", BOB, ALICE);
    bob.awaitOutput("Chatting with");
    Terminal alice = new Terminal(stack.webSocketUrl(), home, "chat", "--as", ALICE, BOB);
    alice.awaitOutput("Chatting with");
    alice.type("before the restart");
    bob.awaitOutput("before the restart");

    stack.close();
    stack = null;
    alice.awaitOutput("disconnected — reconnecting…");
    alice.type("while the stack is down");
    stack = start(port);

    alice.awaitOutput("reconnected");
    bob.awaitOutput("while the stack is down");
    alice.awaitOutput("✓ sent: \"while the stack is down\"");
    assertThat(alice.end()).isZero();
    assertThat(bob.end()).isZero();
    assertThat(bob.output().split("while the stack is down", -1)).as("shown once").hasSize(2);
  }

  private LocalStack start(int port) {
    return LocalStack.start(
        ProjectStack.options()
            .port(port)
            .persistDirectory(data)
            .parameterOverrides(Map.of("PinRequestsPerAddressPerHour", "1000"))
            .build());
  }

  private void register(String phone) throws Exception {
    Terminal terminal = new Terminal(stack.webSocketUrl(), home, "register", phone);
    terminal.awaitOutput("PIN: ");
    terminal.type(stack.lastPinSentTo(phone));
    assertThat(terminal.end()).isZero();
  }
}
