package io.checkmark.cli;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.LastSeenPrivacy;
import io.checkmark.protocol.Presence;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code checkmark block}, {@code unblock}, {@code blocked}, {@code presence} and {@code privacy
 * last-seen}: who may reach you and who sees when you were last online.
 */
final class PrivacyCommands {

  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private PrivacyCommands() {}

  /** The answer to {@code presence} in one line, the time in {@code zone}. */
  static String presenceLine(Presence presence, ZoneId zone) {
    if (presence.online()) {
      return presence.phone() + " online";
    }
    if (presence.lastSeen() == null) {
      return presence.phone() + " last seen hidden";
    }
    return presence.phone()
        + " last seen "
        + DATE_TIME.withZone(zone).format(Instant.ofEpochMilli(presence.lastSeen()));
  }

  /** What blocking did, and {@code undo}, how to undo it. */
  static String blockedLine(String me, String blocked, String undo) {
    return String.format(
        "Blocked %s: its messages to %s no longer arrive, its typing is not shown, and it sees %s"
            + " offline (%s undoes it).",
        blocked, me, me, undo);
  }

  static String unblockedLine(String me, String unblocked) {
    return String.format("Unblocked %s: its messages reach %s again.", unblocked, me);
  }

  @Command(
      name = "block",
      mixinStandardHelpOptions = true,
      description =
          "Block a number: its messages to you no longer arrive (it is not told: its messages still"
              + " show one tick there), its typing is not shown, and it sees you offline. Its"
              + " messages in groups you share still arrive.")
  static final class Block implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;

    @Parameters(index = "0", paramLabel = "PHONE", description = "The number to block")
    String phone;

    @Override
    public Integer call() throws Exception {
      CheckmarkCli.requirePhone(spec.commandLine(), "PHONE", phone);
      return cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.block(phone),
          blocked ->
              blockedLine(as.phone, blocked, "checkmark unblock --as " + as.phone + " " + blocked));
    }
  }

  @Command(
      name = "unblock",
      mixinStandardHelpOptions = true,
      description = "Unblock a number: its messages reach you again.")
  static final class Unblock implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;

    @Parameters(index = "0", paramLabel = "PHONE", description = "The number to unblock")
    String phone;

    @Override
    public Integer call() throws Exception {
      CheckmarkCli.requirePhone(spec.commandLine(), "PHONE", phone);
      return cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.unblock(phone),
          unblocked -> unblockedLine(as.phone, unblocked));
    }
  }

  @Command(
      name = "blocked",
      mixinStandardHelpOptions = true,
      description = "List the numbers you block, one a line.")
  static final class Blocked implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;

    @Override
    public Integer call() throws Exception {
      return cli.asAccount(
          spec.commandLine(),
          as.phone,
          CheckmarkClient::blocked,
          phones ->
              phones.isEmpty()
                  ? as.phone + " blocks nobody."
                  : String.join(System.lineSeparator(), phones));
    }
  }

  @Command(
      name = "presence",
      mixinStandardHelpOptions = true,
      description =
          "Whether a number is online now, or when it was last seen (hidden when it hides its last"
              + " seen, when you hide yours, or when it blocks you).")
  static final class PresenceOf implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;

    @Parameters(index = "0", paramLabel = "PHONE", description = "The number to ask about")
    String phone;

    @Override
    public Integer call() throws Exception {
      CheckmarkCli.requirePhone(spec.commandLine(), "PHONE", phone);
      return cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.presence(phone),
          presence -> presenceLine(presence, ZoneId.systemDefault()));
    }
  }

  @Command(
      name = "privacy",
      mixinStandardHelpOptions = true,
      description = "Privacy settings of your number.",
      subcommands = {PrivacyCommands.LastSeen.class, CommandLine.HelpCommand.class})
  static final class Privacy {
    @CommandLine.ParentCommand CheckmarkCli cli;
  }

  @Command(
      name = "last-seen",
      mixinStandardHelpOptions = true,
      description =
          "Who sees when you were last online: everyone (the default) or nobody. As in WhatsApp,"
              + " hiding yours hides everyone else's from you; whether you are online is still"
              + " shown.")
  static final class LastSeen implements Callable<Integer> {
    @CommandLine.ParentCommand Privacy privacy;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;

    @Parameters(index = "0", paramLabel = "WHO", description = "everyone or nobody")
    String who;

    @Override
    public Integer call() throws Exception {
      LastSeenPrivacy whoSees =
          Arrays.stream(LastSeenPrivacy.values())
              .filter(choice -> choice.toString().equalsIgnoreCase(who.strip()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new CommandLine.ParameterException(
                          spec.commandLine(), "WHO '" + who + "' is neither everyone nor nobody"));
      return privacy.cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.setLastSeenPrivacy(whoSees),
          set ->
              whoSees == LastSeenPrivacy.EVERYONE
                  ? "Everyone sees when " + as.phone + " was last online."
                  : "Nobody sees when "
                      + as.phone
                      + " was last online, and "
                      + as.phone
                      + " sees nobody else's last seen.");
    }
  }
}
