package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.client.CheckmarkException;
import io.checkmark.protocol.Presence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The blocking, presence and privacy commands as far as they go without a server: help, refusals,
 * the lines they print. Against the local stack: {@link PrivacyStackTest}.
 */
class PrivacyCommandsTest {

  private static final String ME = "+14155552692";
  private static final String BOB = "+14155552693";
  private static final URI URL = URI.create("ws://127.0.0.1:3001/dev");

  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(strings = {"block", "unblock", "blocked", "presence"})
  void everyCommandHasHelpNamingWhatItTakes(String command) {
    Run help = run(command, "--help");

    assertThat(help.exit).isZero();
    assertThat(help.output).startsWith("Usage: checkmark " + command).contains("--as=PHONE");
  }

  @Test
  void helpListsTheCommandsAndTheLastSeenChoices() {
    assertThat(run("--help").output).contains("block", "unblock", "blocked", "presence", "privacy");
    assertThat(run("privacy", "--help").output).contains("last-seen");
    assertThat(run("privacy", "last-seen", "--help").output)
        .startsWith("Usage: checkmark privacy last-seen")
        .contains("--as=PHONE", "WHO", "everyone or nobody");
    assertThat(run("chat", "--help").output)
        .contains("/block and /unblock")
        .contains("sends no typing indicator");
  }

  @Test
  void aLastSeenChoiceOtherThanEveryoneOrNobodyIsOneLine() {
    Run refused = run("privacy", "last-seen", "--as", ME, "friends");

    assertThat(refused.exit).isEqualTo(2);
    assertThat(refused.output.lines()).hasSize(1);
    assertThat(refused.output.strip())
        .isEqualTo(
            "WHO 'friends' is neither everyone nor nobody (see: checkmark privacy help last-seen)");
  }

  @Test
  void theLastSeenChoiceIsTakenInAnyCase() {
    Run refused = run("privacy", "last-seen", "--as", ME, "Nobody");

    assertThat(refused.exit).as("parsed, then refused for want of a key").isEqualTo(1);
    assertThat(refused.output).contains(ME + " is not registered here");
  }

  @ParameterizedTest
  @ValueSource(strings = {"block", "unblock", "presence"})
  void aPhoneThatIsNoNumberIsOneLineBeforeAnythingIsSent(String command) {
    Run refused = run(command, "--as", ME, "4155550123");

    assertThat(refused.exit).isEqualTo(2);
    assertThat(refused.output.lines()).hasSize(1);
    assertThat(refused.output)
        .contains("PHONE '4155550123' is not a phone number in E.164 form")
        .contains("(see: checkmark help " + command + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"block", "unblock", "blocked", "presence", "last-seen"})
  void withoutAKeyHereEachSaysHowToGetOne(String command) {
    Run refused =
        switch (command) {
          case "blocked" -> run(command, "--as", ME);
          case "last-seen" -> run("privacy", command, "--as", ME, "nobody");
          default -> run(command, "--as", ME, BOB);
        };

    assertThat(refused.exit).isEqualTo(1);
    assertThat(refused.output.strip())
        .isEqualTo(
            ME
                + " is not registered here; run: checkmark register "
                + ME
                + " (or, to add this computer to a number registered elsewhere: checkmark link)");
  }

  @Test
  void presenceIsOneLineOnlineOrLastSeenWithDateOrHidden() {
    ZoneId zone = ZoneId.of("America/Los_Angeles");
    long seen = ZonedDateTime.of(2026, 12, 4, 14, 2, 59, 0, zone).toInstant().toEpochMilli();

    assertThat(PrivacyCommands.presenceLine(new Presence(BOB, true, seen), zone))
        .isEqualTo(BOB + " online");
    assertThat(PrivacyCommands.presenceLine(new Presence(BOB, false, seen), zone))
        .isEqualTo(BOB + " last seen 2026-12-04 14:02");
    assertThat(PrivacyCommands.presenceLine(new Presence(BOB, false, null), zone))
        .isEqualTo(BOB + " last seen hidden");
  }

  @Test
  void blockingSaysWhatItDoesAndHowToUndoIt() {
    assertThat(PrivacyCommands.blockedLine(ME, BOB, "/unblock"))
        .isEqualTo(
            "Blocked "
                + BOB
                + ": its messages to "
                + ME
                + " no longer arrive, its typing is not shown, and it sees "
                + ME
                + " offline (/unblock undoes it).");
    assertThat(PrivacyCommands.unblockedLine(ME, BOB))
        .isEqualTo("Unblocked " + BOB + ": its messages reach " + ME + " again.");
  }

  @Test
  void refusalsOfPresenceAndBlockSayWhatToDoNextEvenWrappedByAFuture() {
    CheckmarkException unknown =
        new CheckmarkException("UNKNOWN_RECIPIENT", "no one is registered as " + BOB, null, null);
    CheckmarkException limited = new CheckmarkException("RATE_LIMITED", "slow down", 30, null);

    assertThat(Failures.explain(new CompletionException(unknown), URL, ME))
        .isEqualTo(
            "UNKNOWN_RECIPIENT: no one is registered as "
                + BOB
                + "; check the number, or ask its owner to register it: checkmark register PHONE");
    assertThat(Failures.explain(new CompletionException(limited), URL, ME))
        .isEqualTo("Too many attempts for now; try again in 30 seconds.");
  }

  private record Run(int exit, String output) {}

  private Run run(String... args) {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    String[] withHome = new String[args.length + 3];
    System.arraycopy(args, 0, withHome, 0, args.length);
    withHome[args.length] = "--home";
    withHome[args.length + 1] = home.toString();
    withHome[args.length + 2] = "--url=" + URL;
    int exit =
        CheckmarkCli.run(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(screen, true, StandardCharsets.UTF_8),
            withHome);
    return new Run(exit, screen.toString(StandardCharsets.UTF_8));
  }
}
