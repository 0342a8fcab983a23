package io.checkmark.cli;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Credentials;
import io.checkmark.client.Listener;
import io.checkmark.protocol.GroupUpdateFrame;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code checkmark push ...}: a device's push token, and the fetch an app makes when a push wakes
 * it, done from a terminal to try a server's push set-up.
 */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description =
        "Push notifications: register or unregister this device's push token, and fetch what is"
            + " queued as an app woken by a push does.",
    subcommands = {
      PushCommands.Register.class,
      PushCommands.Unregister.class,
      PushCommands.Fetch.class,
      CommandLine.HelpCommand.class
    })
final class PushCommands {

  @CommandLine.ParentCommand CheckmarkCli cli;

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description =
          "Have the server wake this device by push when items are queued for it while it is not"
              + " connected. The push carries no content, only \"sync now\".")
  static final class Register implements Callable<Integer> {
    @CommandLine.ParentCommand PushCommands push;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;

    @Option(
        names = "--platform",
        required = true,
        paramLabel = "PLATFORM",
        description = "apns, apns_sandbox (APNs for apps signed for development) or fcm")
    String platform;

    @Option(
        names = "--token",
        required = true,
        paramLabel = "TOKEN",
        description = "The device's push token, as the platform gave it to the app")
    String token;

    @Override
    public Integer call() throws Exception {
      if (!CheckmarkClient.PUSH_PLATFORMS.contains(platform)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--platform '"
                + platform
                + "' is not one of "
                + String.join(", ", CheckmarkClient.PUSH_PLATFORMS));
      }
      if (token.isBlank()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--token is blank: give the token the platform gave the app");
      }
      return push.cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.registerPush(platform, token),
          registered ->
              String.format(
                  "Push registered: %s wakes this device of %s when items wait for it.",
                  platform, as.phone));
    }
  }

  @Command(
      name = "unregister",
      mixinStandardHelpOptions = true,
      description = "Stop the pushes to this device.")
  static final class Unregister implements Callable<Integer> {
    @CommandLine.ParentCommand PushCommands push;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;

    @Override
    public Integer call() throws Exception {
      return push.cli.asAccount(
          spec.commandLine(),
          as.phone,
          CheckmarkClient::unregisterPush,
          unregistered ->
              String.format("Push unregistered: this device of %s gets no more pushes.", as.phone));
    }
  }

  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      description =
          "Do once what an app woken by a push does: connect, show everything queued for this"
              + " device as checkmark chat shows it (files saved as chat saves them), ack it, and"
              + " disconnect.")
  static final class Fetch implements Callable<Integer> {
    @CommandLine.ParentCommand PushCommands push;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin CheckmarkCli.AsPhone as;

    @Option(
        names = "--downloads",
        paramLabel = "DIR",
        description =
            "Where received files are saved (default: downloads/ in --home, ~/.checkmark)")
    Path downloads;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "How long the whole fetch may take (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
      CheckmarkCli cli = push.cli;
      CheckmarkCli.requirePhone(spec.commandLine(), "--as", as.phone);
      CheckmarkCli.requireWebSocketUrl(spec.commandLine(), cli.url);
      if (timeoutSeconds < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--timeout must be at least 1 second");
      }
      Optional<Credentials> stored = cli.storedCredentials(as.phone);
      if (stored.isEmpty()) {
        cli.notSetUpHere(as.phone);
        return 1;
      }
      PrintStream out = cli.out();
      Ticks ticks = new Ticks(out);
      Downloads saved = new Downloads(cli.downloadFolder(downloads));
      // Items shown, to tell "nothing queued" from items whose file could not be saved yet.
      Set<String> shown = ConcurrentHashMap.newKeySet();
      CheckmarkClient[] self = new CheckmarkClient[1];
      Listener screen =
          new Listener() {
            @Override
            public void onMessage(MessageFrame message) {
              shown.add(message.messageId());
              out.println(CheckmarkCli.Chat.messageLine(message));
              CheckmarkCli.Chat.saveFile(self[0], message, saved, out);
            }

            @Override
            public void onSentTranscript(MessageFrame transcript) {
              shown.add(transcript.messageId());
              out.println(CheckmarkCli.Chat.transcriptLine(transcript));
            }

            @Override
            public void onGroupUpdate(GroupUpdateFrame update) {
              shown.add(update.messageId());
              out.println(CheckmarkCli.Chat.groupUpdateLine(update));
            }

            @Override
            public void onReceipt(ReceiptFrame receipt) {
              shown.add(receipt.messageId());
              ticks.receipt(receipt);
            }
          };
      try (CheckmarkClient client =
          cli.client().credentials(stored.get()).listener(screen).build()) {
        self[0] = client;
        // Bounded: the fetch fails with a TimeoutException after --timeout.
        int fetched = client.fetchOnPush(Duration.ofSeconds(timeoutSeconds)).get();
        out.println(summary(as.phone, fetched, shown.size() - fetched));
        return 0;
      } catch (ExecutionException failed) {
        if (failed.getCause() instanceof TimeoutException) {
          out.printf(
              "Not everything queued was fetched within %d s; run checkmark push fetch again for"
                  + " the rest (or give it longer: --timeout SECONDS).%n",
              timeoutSeconds);
          return 1;
        }
        return cli.failure(failed, as.phone);
      }
    }

    /** The fetch's last line; {@code leftQueued} items were shown but stay queued. */
    static String summary(String phone, int fetched, int leftQueued) {
      if (fetched == 0 && leftQueued == 0) {
        return "Nothing queued for " + phone + ".";
      }
      String done =
          fetched == 0
              ? "Fetched nothing for " + phone
              : String.format(
                  "Fetched %s for %s and acked %s",
                  items(fetched), phone, fetched == 1 ? "it" : "them");
      return leftQueued == 0
          ? done + "."
          : done + "; " + items(leftQueued) + " left queued for the next fetch (see above).";
    }

    private static String items(int count) {
      return count + (count == 1 ? " item" : " items");
    }
  }
}
