package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.ProjectStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Link a second device", with two computers played by two key directories: `link` on
 * the new one, `approve` on the primary, then `devices`, a chat that reaches both, and `unlink`,
 * against the local stack.
 */
class LinkCommandsTest {

  private static final String BOB = "+14155552681";
  private static final String ALICE = "+14155552682";
  private static final Pattern CODE = Pattern.compile("Code: ([A-Za-z0-9_-]{22})");
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
  void aSecondComputerLinksByCodeGetsMessagesAndIsUnlinked(
      @TempDir Path phone, @TempDir Path laptop) throws Exception {
    register(phone, BOB);
    register(phone, ALICE);

    Terminal linking = terminal(laptop, "link", "--name", "laptop");
    linking.awaitOutput("checkmark approve");
    Matcher code = CODE.matcher(linking.output());
    assertThat(code.find()).as("the code under the QR code").isTrue();
    assertThat(linking.output()).contains("█");

    Terminal approve = terminal(phone, "approve", "--as", BOB, code.group(1));
    assertThat(approve.end()).isZero();
    assertThat(approve.output()).contains("Linked device 2 (laptop).");
    assertThat(linking.end()).isZero();
    assertThat(linking.output()).contains("Linked as " + BOB + ", device 2.");
    assertThat(Files.readString(laptop.resolve(BOB + ".device")).trim()).isEqualTo("2");

    Terminal devices = terminal(laptop, "devices", "--as", BOB);
    assertThat(devices.end()).isZero();
    assertThat(devices.output())
        .containsPattern("1 +\\(primary\\)")
        .containsPattern("2 +laptop .*← this computer");

    Terminal onLaptop = terminal(laptop, "chat", "--as", BOB, ALICE);
    onLaptop.awaitOutput("Chatting with");
    Terminal alice = terminal(phone, "chat", "--as", ALICE, BOB);
    alice.awaitOutput("Chatting with");
    alice.type("hello, laptop");
    onLaptop.awaitOutput("hello, laptop");
    assertThat(alice.end()).isZero();

    Terminal unlink = terminal(phone, "unlink", "--as", BOB, "2");
    assertThat(unlink.end()).isZero();
    assertThat(unlink.output()).contains("Unlinked device 2.");
    assertThat(onLaptop.exit().get(15, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(onLaptop.output()).contains("This computer was unlinked from " + BOB);
  }

  @Test
  void aCodeNobodyIssuedIsRefusedInOneLine(@TempDir Path phone) throws Exception {
    String carol = "+14155552683";
    register(phone, carol);

    Terminal approve = terminal(phone, "approve", "--as", carol, "AAAAAAAAAAAAAAAAAAAAAA");

    assertThat(approve.end()).isEqualTo(1);
    assertThat(approve.output().strip())
        .isEqualTo(
            "This code has expired or was already used; run checkmark link again on the new"
                + " device and approve the code it shows.");
  }

  private static Terminal terminal(Path home, String... command) throws Exception {
    return new Terminal(stack.webSocketUrl(), home, command);
  }

  private static void register(Path home, String phone) throws Exception {
    Terminal terminal = terminal(home, "register", phone);
    terminal.awaitOutput("PIN: ");
    terminal.type(stack.lastPinSentTo(phone));
    assertThat(terminal.end()).isZero();
  }
}
