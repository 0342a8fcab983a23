package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.client.CheckmarkException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The group commands as far as they go without a server: help, refusals, failures explained. */
class GroupCommandsTest {

  private static final String PHONE = "+14155552690";
  private static final URI URL = URI.create("ws://127.0.0.1:3001/dev");

  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(strings = {"create", "add", "remove", "leave", "show", "send"})
  void everyGroupCommandHasHelpNamingWhatItTakes(String command) {
    Run help = run("group", command, "--help");

    assertThat(help.exit).isZero();
    assertThat(help.output).startsWith("Usage: checkmark group " + command).contains("--as=PHONE");
  }

  @Test
  void theGroupCommandsAreListed() {
    assertThat(run("--help").output).contains("group");
    assertThat(run("group", "--help").output)
        .contains("create", "add", "remove", "leave", "show", "send");
  }

  @Test
  void aMemberThatIsNoPhoneNumberIsOneLineBeforeAnythingIsSent() {
    Run refused = run("group", "create", "--as", PHONE, "Friends", "4155550123");

    assertThat(refused.exit).isEqualTo(2);
    assertThat(refused.output.lines()).hasSize(1);
    assertThat(refused.output)
        .contains("'4155550123' is not a phone number in E.164 form")
        .contains("(see: checkmark group help create)");
  }

  @Test
  void groupRefusalsSayWhatToDoNext() {
    assertThat(explain("UNKNOWN_GROUP")).contains("GROUP_ID");
    assertThat(explain("NOT_A_MEMBER")).contains(PHONE + " is not a member");
    assertThat(explain("NOT_AN_ADMIN")).contains("checkmark group show");
    assertThat(explain("GROUP_FULL")).contains("1,024");
  }

  private static String explain(String code) {
    return Failures.explain(new CheckmarkException(code, "refused", null, null), URL, PHONE);
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
