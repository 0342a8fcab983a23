package io.checkmark.cli;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.CheckmarkException;
import io.checkmark.client.Listener;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code checkmark register +14155550123} and {@code checkmark chat --as +14155550123
 * +14155559876}: two terminals and the local stack make a chat. Device keys are kept in {@code
 * ~/.checkmark}, readable by their owner only.
 */
@Command(
    name = "checkmark",
    mixinStandardHelpOptions = true,
    version = "checkmark 0.1",
    description = "Chat over Checkmark from a terminal.",
    subcommands = {CheckmarkCli.Register.class, CheckmarkCli.Chat.class})
public final class CheckmarkCli {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

  @Option(
      names = "--url",
      defaultValue = "ws://127.0.0.1:3001/dev",
      scope = CommandLine.ScopeType.INHERIT,
      description = "WebSocket URL of the API (default: the local stack, ${DEFAULT-VALUE})")
  URI url;

  @Option(
      names = "--home",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Where device keys are kept (default: ~/.checkmark)")
  Path home;

  private final InputStream in;
  private final PrintStream out;

  CheckmarkCli(InputStream in, PrintStream out) {
    this.in = in;
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(run(System.in, System.out, args));
  }

  static int run(InputStream in, PrintStream out, String... args) {
    java.io.PrintWriter screen = new java.io.PrintWriter(out, true);
    return new CommandLine(new CheckmarkCli(in, out)).setOut(screen).setErr(screen).execute(args);
  }

  private Path keyFile(String phone) {
    Path directory = home != null ? home : Path.of(System.getProperty("user.home"), ".checkmark");
    return directory.resolve(phone + ".key");
  }

  @Command(
      name = "register",
      description = "Register a phone number on this computer; asks for the PIN sent by SMS.")
  static final class Register implements java.util.concurrent.Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;

    @Parameters(index = "0", description = "Phone number in E.164 form, such as +14155550123")
    String phone;

    @Override
    public Integer call() throws IOException {
      BufferedReader input =
          new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8));
      try (CheckmarkClient client = CheckmarkClient.builder(cli.url).build()) {
        client.connect().get(30, TimeUnit.SECONDS);
        long validFor = client.requestPin(phone).join();
        cli.out.printf(
            "A PIN is on its way to %s by SMS (valid %d minutes; on the local stack it is on the stack's console).%n",
            phone, validFor / 60);
        cli.out.print("PIN: ");
        cli.out.flush();
        String pin = input.readLine();
        if (pin == null) {
          cli.out.println("No PIN given.");
          return 1;
        }
        String deviceKey = client.verifyPin(phone, pin.trim()).join();
        Path keyFile = cli.keyFile(phone);
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, deviceKey, StandardCharsets.UTF_8);
        restrictToOwner(keyFile);
        cli.out.printf("Registered %s. Its device key is in %s.%n", phone, keyFile);
        return 0;
      } catch (CompletionException failed) {
        return failure(cli.out, failed.getCause());
      } catch (Exception failed) {
        return failure(cli.out, failed);
      }
    }
  }

  @Command(
      name = "chat",
      description =
          "Chat with one phone number: lines you type are sent; messages to you are shown.")
  static final class Chat implements java.util.concurrent.Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;

    @Option(names = "--as", required = true, description = "Your registered phone number")
    String me;

    @Parameters(index = "0", description = "The phone number to chat with")
    String peer;

    @Override
    public Integer call() throws Exception {
      Path keyFile = cli.keyFile(me);
      if (!Files.exists(keyFile)) {
        cli.out.printf("%s is not registered here; run: checkmark register %s%n", me, me);
        return 1;
      }
      PrintStream out = cli.out;
      CheckmarkClient[] self = new CheckmarkClient[1];
      Listener screen =
          new Listener() {
            @Override
            public void onMessage(MessageFrame message) {
              out.printf(
                  "[%s %s] %s%n",
                  message.from(),
                  TIME.format(Instant.ofEpochMilli(message.ts())),
                  message.body() == null ? "(media) " + message.media().url() : message.body());
              if (message.from().equals(peer)) {
                self[0].markRead(message.from(), List.of(message.messageId()));
              }
            }

            @Override
            public void onReceipt(ReceiptFrame receipt) {
              out.printf(
                  "  %s %s by %s%n",
                  receipt.status().equals("read") ? "✓✓ read" : "✓✓ delivered",
                  receipt.messageIds().size() == 1 ? "" : receipt.messageIds().size() + " messages",
                  receipt.by());
            }

            @Override
            public void onDeviceReplaced() {
              out.println("This number was registered on another device; this one is logged out.");
            }
          };
      try (CheckmarkClient client =
          CheckmarkClient.builder(cli.url)
              .credentials(me, Files.readString(keyFile, StandardCharsets.UTF_8).trim())
              .listener(screen)
              .build()) {
        self[0] = client;
        client.connect().get(30, TimeUnit.SECONDS);
        out.printf(
            "Chatting with %s as %s. Type a line and press Enter; end with Ctrl-D.%n", peer, me);
        BufferedReader input =
            new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8));
        for (String line = input.readLine(); line != null; line = input.readLine()) {
          if (line.isBlank()) {
            continue;
          }
          try {
            client.send(peer, line).get(30, TimeUnit.SECONDS);
            out.println("  ✓ sent");
          } catch (java.util.concurrent.ExecutionException refused) {
            failure(out, refused.getCause());
          }
        }
        return 0;
      } catch (java.util.concurrent.ExecutionException failed) {
        return failure(out, failed.getCause());
      }
    }
  }

  private static int failure(PrintStream out, Throwable cause) {
    out.println(
        cause instanceof CheckmarkException refused
            ? "Refused: " + refused.getMessage()
            : "Failed: " + cause);
    return 1;
  }

  private static void restrictToOwner(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the user's profile directory is private already.
    }
  }
}
