package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Group ids, link codes and media ids are URL-safe base64, so one in 64 starts with '-' (and some
 * with "-h" or "-V", the help and version options): each is still the argument it was typed as.
 */
class DashLeadingArgumentsTest {

  private static final String PHONE = "+14155552690";

  @ParameterizedTest
  @ValueSource(strings = {"-Zq3kP0x9", "-hA7w", "-VbX2", "--9fQ", "-"})
  void aGroupIdStartingWithADashIsTheGroupIdOfEveryGroupCommand(String id) {
    GroupCommands.Send send = parse("group", "send", "--as", PHONE, id, "-) see you");
    assertThat(send.groupId).isEqualTo(id);
    assertThat(send.text).isEqualTo("-) see you");
    assertThat(send.as.phone).isEqualTo(PHONE);

    assertThat(((GroupCommands.Show) parse("group", "show", "--as", PHONE, id)).groupId)
        .isEqualTo(id);
    assertThat(((GroupCommands.Leave) parse("group", "leave", "--as", PHONE, id)).groupId)
        .isEqualTo(id);
    GroupCommands.Add add = parse("group", "add", "--as", PHONE, id, "+14155550123");
    assertThat(add.groupId).isEqualTo(id);
    assertThat(add.members).containsExactly("+14155550123");
    GroupCommands.Remove remove = parse("group", "remove", id, "+14155550123", "--as", PHONE);
    assertThat(remove.groupId).isEqualTo(id);

    assertThat(((CheckmarkCli.Chat) parse("chat", "--as", PHONE, "--group", id)).group)
        .isEqualTo(id);
    SendFile sendFile = parse("send-file", "--as", PHONE, "--group", id, "photo.jpg");
    assertThat(sendFile.to).isEqualTo(id);
    assertThat(sendFile.file).isEqualTo(Path.of("photo.jpg"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-k2Jd8sQ", "-hq", "-V1"})
  void aLinkCodeStartingWithADashIsApproved(String code) {
    CheckmarkCli.Approve approve = parse("approve", "--as", PHONE, code);
    assertThat(approve.code).isEqualTo(code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-x", "--name"})
  void aGroupNameStartingWithADashIsTheName(String name) {
    GroupCommands.Create create = parse("group", "create", "--as", PHONE, name, "+14155550123");
    assertThat(create.name).isEqualTo(name);
  }

  @SuppressWarnings("unchecked")
  private static <T> T parse(String... args) {
    CommandLine commandLine =
        CheckmarkCli.commandLine(
            new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()));
    CommandLine.ParseResult parsed = commandLine.parseArgs(args);
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return (T) parsed.commandSpec().userObject();
  }
}
