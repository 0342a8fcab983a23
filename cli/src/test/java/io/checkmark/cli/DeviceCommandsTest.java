package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.client.CheckmarkException;
import io.checkmark.client.Credentials;
import io.checkmark.protocol.Devices;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The device commands as far as they go without a server: help, refusals, keys, the table. */
class DeviceCommandsTest {

  private static final String PHONE = "+14155552690";
  private static final URI URL = URI.create("ws://127.0.0.1:3001/dev");

  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(strings = {"link", "approve", "devices", "unlink"})
  void everyDeviceCommandHasHelp(String command) {
    Run help = run(command, "--help");

    assertThat(help.exit).isZero();
    assertThat(help.output).startsWith("Usage: checkmark " + command);
  }

  @Test
  void helpNamesWhatEachCommandTakes() {
    assertThat(run("link", "--help").output).contains("--name=NAME").contains("(CLI)");
    assertThat(run("approve", "--help").output).contains("--as=PHONE").contains("CODE");
    assertThat(run("unlink", "--help").output).contains("DEVICE_ID");
    assertThat(run("--help").output).contains("link").contains("approve").contains("devices");
  }

  @Test
  void aDeviceIdThatIsNoNumberIsOneLine() {
    Run refused = run("unlink", "--as", PHONE, "two");

    assertThat(refused.exit).isEqualTo(2);
    assertThat(refused.output.lines()).hasSize(1);
    assertThat(refused.output).contains("'two'").contains("(see: checkmark help unlink)");
  }

  @Test
  void approveWithoutAKeyHereSaysHowToGetOne() {
    Run refused = run("approve", "--as", PHONE, "somecode");

    assertThat(refused.exit).isEqualTo(1);
    assertThat(refused.output.strip())
        .isEqualTo(
            PHONE
                + " is not registered here; run: checkmark register "
                + PHONE
                + " (or, to add this computer to a number registered elsewhere: checkmark link)");
  }

  @Test
  void linkWithNothingListeningSaysSoInOneLine() throws Exception {
    int closedPort;
    try (ServerSocket free = new ServerSocket(0)) {
      closedPort = free.getLocalPort();
    }
    Run failed = runAt(URI.create("ws://127.0.0.1:" + closedPort + "/dev"), "link");

    assertThat(failed.exit).isEqualTo(1);
    assertThat(failed.output.strip())
        .startsWith("Cannot connect to 127.0.0.1:" + closedPort)
        .doesNotContain("\n");
  }

  @Test
  void aKeyStoredBeforeLinkedDevicesIsThePrimarys() throws Exception {
    Files.writeString(home.resolve(PHONE + ".key"), "old-key\n");

    assertThat(cli().storedCredentials(PHONE))
        .contains(new Credentials(PHONE, Credentials.PRIMARY, "old-key"));
  }

  @Test
  void aLinkedDevicesIdIsStoredBesideItsKeyAndARegistrationClearsIt() throws Exception {
    CheckmarkCli cli = cli();

    cli.saveCredentials(new Credentials(PHONE, 3, "k3"));
    assertThat(cli.storedCredentials(PHONE)).contains(new Credentials(PHONE, 3, "k3"));

    cli.saveCredentials(new Credentials(PHONE, Credentials.PRIMARY, "k1"));
    assertThat(cli.storedCredentials(PHONE)).contains(new Credentials(PHONE, 1, "k1"));
    assertThat(home.resolve(PHONE + ".device")).doesNotExist();
  }

  @Test
  void theDeviceTableNamesThePrimaryMarksThisComputerAndSaysNow() {
    DateTimeFormatter dateTime =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());
    Instant now = Instant.parse("2026-03-01T12:00:00Z");
    Instant linked = Instant.parse("2026-02-01T09:30:00Z");
    Instant earlier = Instant.parse("2026-02-20T18:45:00Z");
    List<Devices.Device> devices =
        List.of(
            new Devices.Device(1, null, linked.toEpochMilli(), now.minusSeconds(2).toEpochMilli()),
            new Devices.Device(
                2, "Firefox on Linux", linked.toEpochMilli(), earlier.toEpochMilli()),
            new Devices.Device(4, "tablet", linked.toEpochMilli(), null));

    List<String> lines = CheckmarkCli.deviceTable(devices, 2, now).lines().toList();

    String at = dateTime.format(linked);
    assertThat(lines)
        .containsExactly(
            "ID   NAME              LINKED            LAST SEEN",
            "1    (primary)         " + at + "  now",
            "2    Firefox on Linux  " + at + "  " + dateTime.format(earlier) + "  ← this computer",
            "4    tablet            " + at + "  never");
  }

  @Test
  void linkRefusalsSayWhatToDoNext() {
    assertThat(explain("LINK_EXPIRED"))
        .isEqualTo(
            "This code has expired or was already used; run checkmark link again on the new"
                + " device and approve the code it shows.");
    assertThat(explain("NOT_PRIMARY"))
        .isEqualTo(
            "Only the primary device of "
                + PHONE
                + " (the one registered by SMS PIN) can approve a link; run checkmark approve"
                + " there.");
    assertThat(explain("TOO_MANY_DEVICES"))
        .startsWith(PHONE + " has four linked devices already")
        .contains("checkmark unlink --as " + PHONE);
    assertThat(explain("DEVICE_UNLINKED"))
        .isEqualTo(
            "This computer was unlinked from " + PHONE + "; to use it here again: checkmark link");
    assertThat(explain("UNKNOWN_DEVICE")).contains("checkmark devices --as " + PHONE);
  }

  private static String explain(String code) {
    return Failures.explain(new CheckmarkException(code, "refused", null, null), URL, PHONE);
  }

  private CheckmarkCli cli() {
    CheckmarkCli cli = new CheckmarkCli(new ByteArrayInputStream(new byte[0]), System.out);
    cli.home = home;
    return cli;
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
