package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.client.CheckmarkException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The push commands as far as they go without a server: help, refusals, failures explained, the
 * fetch's last line. The fetch against the local stack is in {@link CheckmarkCliTest}.
 */
class PushCommandsTest {

  private static final String PHONE = "+14155552691";
  private static final URI URL = URI.create("ws://127.0.0.1:3001/dev");

  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(strings = {"register", "unregister", "fetch"})
  void everyPushCommandHasHelpNamingWhatItTakes(String command) {
    Run help = run("push", command, "--help");

    assertThat(help.exit).isZero();
    assertThat(help.output).startsWith("Usage: checkmark push " + command).contains("--as=PHONE");
  }

  @Test
  void helpNamesThePlatformsTheTokenAndTheTimeout() {
    assertThat(run("push", "register", "--help").output)
        .contains("--platform=PLATFORM", "apns, apns_sandbox", "fcm", "--token=TOKEN");
    assertThat(run("push", "fetch", "--help").output)
        .contains("--timeout=SECONDS", "default: 60", "--downloads=DIR");
    assertThat(run("--help").output).contains("push");
    assertThat(run("push", "--help").output).contains("register", "unregister", "fetch");
  }

  @Test
  void anUnknownPlatformIsOneLineNamingTheThreeBeforeAnythingIsSent() {
    Run refused = run("push", "register", "--as", PHONE, "--platform", "gcm", "--token", "t0ken");

    assertThat(refused.exit).isEqualTo(2);
    assertThat(refused.output.strip())
        .isEqualTo(
            "--platform 'gcm' is not one of apns, apns_sandbox, fcm"
                + " (see: checkmark push help register)");
  }

  @Test
  void aBlankOrMissingTokenIsOneLine() {
    Run blank = run("push", "register", "--as", PHONE, "--platform", "fcm", "--token", " ");
    Run missing = run("push", "register", "--as", PHONE, "--platform", "fcm");

    assertThat(blank.exit).isEqualTo(2);
    assertThat(blank.output.lines()).hasSize(1);
    assertThat(blank.output).contains("--token is blank");
    assertThat(missing.exit).isEqualTo(2);
    assertThat(missing.output.lines()).hasSize(1);
    assertThat(missing.output).contains("--token").contains("(see: checkmark push help register)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"register", "unregister", "fetch"})
  void withoutAKeyHereEachSaysHowToGetOne(String command) {
    Run refused =
        command.equals("register")
            ? run("push", command, "--as", PHONE, "--platform", "fcm", "--token", "t0ken")
            : run("push", command, "--as", PHONE);

    assertThat(refused.exit).isEqualTo(1);
    assertThat(refused.output.strip())
        .isEqualTo(
            PHONE
                + " is not registered here; run: checkmark register "
                + PHONE
                + " (or, to add this computer to a number registered elsewhere: checkmark link)");
  }

  @Test
  void aFetchWithNothingListeningSaysSoInOneLine() throws Exception {
    Files.writeString(home.resolve(PHONE + ".key"), "a-key");
    int closedPort;
    try (ServerSocket free = new ServerSocket(0)) {
      closedPort = free.getLocalPort();
    }

    Run failed =
        runAt(URI.create("ws://127.0.0.1:" + closedPort + "/dev"), "push", "fetch", "--as", PHONE);

    assertThat(failed.exit).isEqualTo(1);
    assertThat(failed.output.strip())
        .startsWith("Cannot connect to 127.0.0.1:" + closedPort)
        .doesNotContain("\n");
  }

  @Test
  void theFetchEndsSayingWhatItFetchedOrThatNothingWasQueued() {
    assertThat(PushCommands.Fetch.summary(PHONE, 0, 0))
        .isEqualTo("Nothing queued for " + PHONE + ".");
    assertThat(PushCommands.Fetch.summary(PHONE, 1, 0))
        .isEqualTo("Fetched 1 item for " + PHONE + " and acked it.");
    assertThat(PushCommands.Fetch.summary(PHONE, 3, 1))
        .isEqualTo(
            "Fetched 3 items for "
                + PHONE
                + " and acked them; 1 item left queued for the next fetch (see above).");
    assertThat(PushCommands.Fetch.summary(PHONE, 0, 2))
        .isEqualTo(
            "Fetched nothing for "
                + PHONE
                + "; 2 items left queued for the next fetch (see above).");
  }

  @Test
  void aServerWithoutTheActionSaysItIsOlder() {
    String explained =
        Failures.explain(
            new CheckmarkException(
                "UNKNOWN_ACTION", "there is no action named 'registerPush'", null, null),
            URL,
            PHONE);

    assertThat(explained)
        .isEqualTo(
            "The server cannot do this yet (UNKNOWN_ACTION: there is no action named"
                + " 'registerPush'): it runs an older version of Checkmark; update it, or pass"
                + " --url of one that can.");
  }

  private record Run(int exit, String output) {}

  private Run run(String... args) {
    return runAt(URL, args);
  }

  private Run runAt(URI url, String... args) {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    String[] withHome = new String[args.length + 3];
    System.arraycopy(args, 0, withHome, 0, args.length);
    withHome[args.length] = "--home";
    withHome[args.length + 1] = home.toString();
    withHome[args.length + 2] = "--url=" + url;
    int exit =
        CheckmarkCli.run(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(screen, true, StandardCharsets.UTF_8),
            withHome);
    return new Run(exit, screen.toString(StandardCharsets.UTF_8));
  }
}
