package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI, run as a newcomer runs it ({@code java -jar cli/target/checkmark-cli.jar}):
 * every mistake gets one line naming the cause and what to do, fast, and never a stack trace.
 */
class CliJarTest {

  private static final Path JAR =
      ProjectStack.template().resolveSibling("cli/target/checkmark-cli.jar");
  private static final Duration ONE_LINE_WITHIN = Duration.ofSeconds(5);
  private static final String TEST_NUMBER = "+14155550100";
  private static final String TEST_PIN = "123456";
  private static LocalStack stack;

  @TempDir Path home;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(
                    Map.of(
                        "PinRequestsPerAddressPerHour",
                        "1000",
                        "TestNumbersParameterName",
                        "/checkmark/test-numbers"))
                .ssmParameters(Map.of("/checkmark/test-numbers", TEST_NUMBER + "=" + TEST_PIN))
                .build());
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  @Test
  void aStoppedServerIsOneLineSayingConnectionRefusedAndHowToStartTheStack() throws Exception {
    int deadPort = ProjectStack.unusedPort();

    Run run = cli("", "register", Phones.next(), "--url=ws://127.0.0.1:" + deadPort + "/dev");

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.lines())
        .containsExactly(
            "Cannot connect to 127.0.0.1:"
                + deadPort
                + " (connection refused): start the local stack (java -jar"
                + " local/target/checkmark-local.jar) or pass --url.");
    assertThat(run.took).isLessThan(ONE_LINE_WITHIN);
  }

  @Test
  void aWrongStageIsOneLineNamingTheStageTheServerHas() throws Exception {
    String wrong = stack.webSocketUrl().resolve("/prod").toString();

    Run run = cli("", "register", Phones.next(), "--url=" + wrong);

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.lines()).hasSize(1);
    assertThat(run.lines().get(0))
        .startsWith("Nothing at /prod on " + stack.webSocketUrl().getAuthority() + " (HTTP 404")
        .contains("the WebSocket stage is " + stack.webSocketUrl())
        .endsWith("check the stage in --url.");
    assertThat(run.took).isLessThan(ONE_LINE_WITHIN);
  }

  @Test
  void anHttpUrlOrAMalformedPhoneIsRefusedBeforeConnecting() throws Exception {
    Run http = cli("", "register", Phones.next(), "--url=http://127.0.0.1:1/dev");
    Run phone = cli("", "register", "4155550123", "--url=" + stack.webSocketUrl());

    assertThat(http.exitCode).isEqualTo(2);
    assertThat(http.lines()).singleElement().asString().contains("is not a WebSocket URL");
    assertThat(phone.exitCode).isEqualTo(2);
    assertThat(phone.lines())
        .singleElement()
        .asString()
        .contains("'4155550123' is not a phone number in E.164 form")
        .endsWith("(see: checkmark help register)");
  }

  @Test
  void helpWorksOnEverySubcommandWithoutItsRequiredArguments() throws Exception {
    for (List<String> help :
        List.of(
            List.of("register", "--help"),
            List.of("chat", "--help"),
            List.of("help", "chat"),
            List.of("--help"))) {
      Run run = cli("", help.toArray(String[]::new));

      assertThat(run.exitCode).as(String.join(" ", help)).isZero();
      assertThat(run.output).as(String.join(" ", help)).contains("Usage: checkmark");
    }
  }

  @Test
  void aWrongPinIsAskedForAgainWithTheAttemptsLeftAndTheKeyDirectoryIsPrivate() throws Exception {
    String phone = Phones.next();
    Process register =
        start("register", phone, "--url=" + stack.webSocketUrl(), "--home", home.toString());
    OutputStream keyboard = register.getOutputStream();
    await().atMost(Duration.ofSeconds(15)).until(() -> !stack.smsTo(phone).isEmpty());
    String pin = stack.lastPinSentTo(phone);
    String wrong = pin.equals("000000") ? "111111" : "000000";
    keyboard.write((wrong + "\n" + pin + "\n").getBytes(StandardCharsets.UTF_8));
    keyboard.flush();

    assertThat(register.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String output = new String(register.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(register.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("That PIN is wrong; 4 attempts left.")
        .contains("Registered " + phone);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
        .isEqualTo("rwx------");
  }

  @Test
  void aPinOptionRegistersATestNumberWithoutAPromptAndAWrongOneSaysWhatToDo() throws Exception {
    String url = "--url=" + stack.webSocketUrl();

    Run wrong = cli("", "register", TEST_NUMBER, url, "--home", home.toString(), "--pin", "999999");
    Run right = cli("", "register", TEST_NUMBER, url, "--home", home.toString(), "--pin", TEST_PIN);

    assertThat(wrong.exitCode).isEqualTo(1);
    assertThat(wrong.lines())
        .last()
        .isEqualTo("That PIN is wrong; run checkmark register " + TEST_NUMBER + " again.");
    assertThat(right.exitCode).as(right.output).isZero();
    assertThat(right.output).contains("Registered " + TEST_NUMBER).doesNotContain("PIN: ");
  }

  @Test
  void aPinFromTheEnvironmentRegistersWithoutAPrompt() throws Exception {
    Process register =
        start(
            Map.of("CHECKMARK_PIN", TEST_PIN),
            "register",
            TEST_NUMBER,
            "--url=" + stack.webSocketUrl(),
            "--home",
            home.toString());
    register.getOutputStream().close();

    assertThat(register.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(register.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(register.exitValue()).as(output).isZero();
    assertThat(output).contains("Registered " + TEST_NUMBER).doesNotContain("PIN: ");
  }

  @Test
  void aSecondPinWithinTheMinuteSaysWhenToTryAgain() throws Exception {
    String phone = Phones.next();
    String url = "--url=" + stack.webSocketUrl();

    Run first = cli("", "register", phone, url, "--home", home.toString());
    Run second = cli("", "register", phone, url, "--home", home.toString());

    assertThat(first.output).contains("No PIN given.");
    assertThat(second.exitCode).isEqualTo(1);
    assertThat(second.lines())
        .singleElement()
        .asString()
        .matches("Too many attempts for now; try again in \\d+ seconds\\.");
  }

  @Test
  void aGroupIsCreatedShownAndSentToFromTheCommandLine() throws Exception {
    String url = "--url=" + stack.webSocketUrl();
    String friend = Phones.next();
    Devices.register(stack, friend);
    Run registered =
        cli("", "register", TEST_NUMBER, url, "--home", home.toString(), "--pin", TEST_PIN);
    assertThat(registered.exitCode).as(registered.output).isZero();

    Run created =
        cli(
            "",
            "group",
            "create",
            "--as",
            TEST_NUMBER,
            "Friends",
            friend,
            url,
            "--home",
            home.toString());
    assertThat(created.exitCode).as(created.output).isZero();
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("Created group (\\S+) \"Friends\" with 2 members")
            .matcher(created.output);
    assertThat(id.find()).as(created.output).isTrue();
    Run sent =
        cli(
            "",
            "group",
            "send",
            "--as",
            TEST_NUMBER,
            id.group(1),
            "hello all",
            url,
            "--home",
            home.toString());
    Run shown =
        cli("", "group", "show", "--as", TEST_NUMBER, id.group(1), url, "--home", home.toString());
    Run chat =
        cli(
            "in the chat\n",
            "chat",
            "--as",
            TEST_NUMBER,
            "--group",
            id.group(1),
            url,
            "--home",
            home.toString());
    Run unknown =
        cli(
            "",
            "group",
            "send",
            "--as",
            TEST_NUMBER,
            "no-such-group",
            "hi",
            url,
            "--home",
            home.toString());

    assertThat(sent.lines())
        .singleElement()
        .asString()
        .startsWith("✓ sent to group " + id.group(1));
    assertThat(shown.output).contains(friend).contains("admins: [" + TEST_NUMBER + "]");
    assertThat(chat.exitCode).as(chat.output).isZero();
    assertThat(chat.output)
        .contains("Chatting in group \"Friends\" (2 members)")
        .contains("✓ sent: \"in the chat\"");
    assertThat(unknown.exitCode).isEqualTo(1);
    assertThat(unknown.lines()).singleElement().asString().startsWith("There is no such group");
  }

  @Test
  void aFileSentFromTheCommandLineIsSavedDecryptedByTheRecipientsChat() throws Exception {
    String url = "--url=" + stack.webSocketUrl();
    Path senderHome = Files.createTempDirectory(home, "sender");
    Path friendHome = Files.createTempDirectory(home, "friend");
    String sender = Phones.next();
    String friend = Phones.next();
    Files.writeString(senderHome.resolve(sender + ".key"), Devices.register(stack, sender));
    Files.writeString(friendHome.resolve(friend + ".key"), Devices.register(stack, friend));
    byte[] content = new byte[3 * 1024 * 1024];
    new java.util.Random(7).nextBytes(content);
    Path file = Files.write(home.resolve("holiday photos.bin"), content);
    Path downloads = home.resolve("downloads");

    Run sent =
        cli(
            "",
            "send-file",
            "--as",
            sender,
            friend,
            file.toString(),
            url,
            "--home",
            senderHome.toString());
    Run missing =
        cli(
            "",
            "send-file",
            "--as",
            sender,
            friend,
            home.resolve("nope.txt").toString(),
            url,
            "--home",
            senderHome.toString());
    Run chat =
        cli(
            "",
            "chat",
            "--as",
            friend,
            sender,
            "--downloads",
            downloads.toString(),
            url,
            "--home",
            friendHome.toString());

    assertThat(sent.exitCode).as(sent.output).isZero();
    assertThat(sent.output)
        .contains("100%")
        .containsPattern("✓ sent holiday photos.bin \\(application/octet-stream\\) to \\" + friend);
    assertThat(missing.exitCode).isEqualTo(2);
    assertThat(missing.lines()).singleElement().asString().contains("is not a readable file");
    assertThat(chat.exitCode).as(chat.output).isZero();
    assertThat(chat.output)
        .contains("(file) holiday photos.bin, application/octet-stream")
        .contains(
            "[file from " + sender + " saved: " + downloads.resolve("holiday photos.bin") + "]");
    assertThat(Files.readAllBytes(downloads.resolve("holiday photos.bin"))).isEqualTo(content);
  }

  private record Run(int exitCode, String output, Duration took) {
    List<String> lines() {
      return output.lines().filter(line -> !line.isBlank()).toList();
    }
  }

  private Run cli(String keyboard, String... args) throws Exception {
    Instant start = Instant.now();
    Process process = start(args);
    try (OutputStream in = process.getOutputStream()) {
      in.write(keyboard.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the CLI ends").isTrue();
    return new Run(process.exitValue(), output, Duration.between(start, Instant.now()));
  }

  private static Process start(String... args) throws IOException {
    return start(Map.of(), args);
  }

  private static Process start(Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true);
    process.environment().putAll(environment);
    return process.start();
  }
}
