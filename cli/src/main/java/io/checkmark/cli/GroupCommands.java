package io.checkmark.cli;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.protocol.GroupFrame;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code checkmark group ...}: create, change, leave, show and send to groups. */
@Command(
    name = "group",
    mixinStandardHelpOptions = true,
    description = "Group chats: create one, add or remove members, leave, show, send.",
    subcommands = {
      GroupCommands.Create.class,
      GroupCommands.Add.class,
      GroupCommands.Remove.class,
      GroupCommands.Leave.class,
      GroupCommands.Show.class,
      GroupCommands.Send.class,
      CommandLine.HelpCommand.class
    })
final class GroupCommands {

  @CommandLine.ParentCommand CheckmarkCli cli;

  /** Every phone in E.164 form, or a refusal before anything is sent. */
  private static List<String> phones(CommandLine commandLine, List<String> phones) {
    phones.forEach(phone -> CheckmarkCli.requirePhone(commandLine, "PHONE", phone));
    return phones;
  }

  /** Adds or removes members as {@code phone}, an admin, and shows the group after the change. */
  private int changeMembers(
      CommandLine.Model.CommandSpec spec,
      String phone,
      String groupId,
      List<String> members,
      boolean adding)
      throws Exception {
    List<String> phones = phones(spec.commandLine(), members);
    return cli.asAccount(
        spec.commandLine(),
        phone,
        client ->
            client.updateGroup(groupId, null, adding ? phones : null, adding ? null : phones, null),
        updated -> describe("Updated", updated.groupId(), updated.name(), updated.members()));
  }

  private static String describe(String verb, String id, String name, List<String> members) {
    return String.format(
        "%s group %s \"%s\" with %d members: %s", verb, id, name, members.size(), members);
  }

  @Command(
      name = "create",
      description =
          "Create a group of you and the given registered numbers; you are its admin. Prints its"
              + " GROUP_ID, which the other group commands take.")
  static final class Create implements Callable<Integer> {
    @CommandLine.ParentCommand GroupCommands group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;
    @CommandLine.Mixin CheckmarkCli.LongHelpOption help;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "The group's name, 1-100 characters")
    String name;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "PHONE",
        description = "The members to add, besides you")
    List<String> members;

    @Override
    public Integer call() throws Exception {
      List<String> phones = phones(spec.commandLine(), members);
      return group.cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.createGroup(name, phones),
          created -> describe("Created", created.groupId(), created.name(), created.members()));
    }
  }

  @Command(name = "add", description = "Add registered numbers to a group (admins only).")
  static final class Add implements Callable<Integer> {
    @CommandLine.ParentCommand GroupCommands group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;
    @CommandLine.Mixin CheckmarkCli.LongHelpOption help;

    @Parameters(index = "0", paramLabel = "GROUP_ID", description = "The group")
    String groupId;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PHONE", description = "Who to add")
    List<String> members;

    @Override
    public Integer call() throws Exception {
      return group.changeMembers(spec, as.phone, groupId, members, true);
    }
  }

  @Command(
      name = "remove",
      description = "Remove members from a group (admins only); they are told.")
  static final class Remove implements Callable<Integer> {
    @CommandLine.ParentCommand GroupCommands group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;
    @CommandLine.Mixin CheckmarkCli.LongHelpOption help;

    @Parameters(index = "0", paramLabel = "GROUP_ID", description = "The group")
    String groupId;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PHONE", description = "Who to remove")
    List<String> members;

    @Override
    public Integer call() throws Exception {
      return group.changeMembers(spec, as.phone, groupId, members, false);
    }
  }

  @Command(name = "leave", description = "Leave a group.")
  static final class Leave implements Callable<Integer> {
    @CommandLine.ParentCommand GroupCommands group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;
    @CommandLine.Mixin CheckmarkCli.LongHelpOption help;

    @Parameters(index = "0", paramLabel = "GROUP_ID", description = "The group")
    String groupId;

    @Override
    public Integer call() throws Exception {
      return group.cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.leaveGroup(groupId),
          left -> "Left group " + groupId + ".");
    }
  }

  @Command(name = "show", description = "Show a group's name, members and admins (members only).")
  static final class Show implements Callable<Integer> {
    @CommandLine.ParentCommand GroupCommands group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;
    @CommandLine.Mixin CheckmarkCli.LongHelpOption help;

    @Parameters(index = "0", paramLabel = "GROUP_ID", description = "The group")
    String groupId;

    @Override
    public Integer call() throws Exception {
      return group.cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.getGroup(groupId),
          (GroupFrame shown) ->
              describe("The", shown.groupId(), shown.name(), shown.members())
                  + "; admins: "
                  + shown.admins());
    }
  }

  @Command(
      name = "send",
      description =
          "Send one line to a group; it ends once the server has stored it (one tick). To chat in"
              + " the group: checkmark chat --as PHONE --group GROUP_ID")
  static final class Send implements Callable<Integer> {
    @CommandLine.ParentCommand GroupCommands group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;
    @CommandLine.Mixin CheckmarkCli.LongHelpOption help;

    @Parameters(index = "0", paramLabel = "GROUP_ID", description = "The group")
    String groupId;

    @Parameters(index = "1", paramLabel = "TEXT", description = "What to send")
    String text;

    @Override
    public Integer call() throws Exception {
      return group.cli.asAccount(
          spec.commandLine(),
          as.phone,
          (CheckmarkClient client) -> client.sendToGroup(groupId, text),
          accepted -> "✓ sent to group " + groupId + " (" + accepted.messageId() + ")");
    }
  }
}
