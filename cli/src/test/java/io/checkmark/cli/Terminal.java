package io.checkmark.cli;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** The CLI running in a thread, with a pipe for its keyboard and a buffer for its screen. */
final class Terminal {
  private final PipedOutputStream keyboard = new PipedOutputStream();
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final CompletableFuture<Integer> exit;

  Terminal(URI url, Path home, String... command) throws IOException {
    PipedInputStream in = new PipedInputStream(keyboard);
    PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);
    String[] args = new String[command.length + 3];
    args[0] = command[0];
    args[1] = "--url=" + url;
    args[2] = "--home";
    args[3] = home.toString();
    System.arraycopy(command, 1, args, 4, command.length - 1);
    exit = new CompletableFuture<>();
    // Its own thread, as a terminal has: on the common pool, a chat that runs until the test ends
    // holds a pool thread, and on a machine whose pool has two threads the next CLI never started.
    Thread cli =
        new Thread(
            () -> {
              try {
                exit.complete(CheckmarkCli.run(in, out, args));
              } catch (Throwable crashed) {
                exit.completeExceptionally(crashed);
              }
            },
            "terminal-" + command[0]);
    cli.setDaemon(true);
    cli.start();
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

  /** The CLI's exit code, once it ends by itself. */
  CompletableFuture<Integer> exit() {
    return exit;
  }

  int end() throws Exception {
    keyboard.close();
    return exit.get(15, TimeUnit.SECONDS);
  }
}
