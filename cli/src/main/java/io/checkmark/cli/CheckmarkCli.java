package io.checkmark.cli;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.CheckmarkException;
import io.checkmark.client.ConnectionFailed;
import io.checkmark.client.Credentials;
import io.checkmark.client.GroupReceipts;
import io.checkmark.client.Listener;
import io.checkmark.client.MediaRejected;
import io.checkmark.client.MediaTransfers;
import io.checkmark.client.PendingLink;
import io.checkmark.protocol.DeviceLinked;
import io.checkmark.protocol.Devices;
import io.checkmark.protocol.GroupFrame;
import io.checkmark.protocol.GroupUpdateFrame;
import io.checkmark.protocol.Media;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import io.checkmark.protocol.TypingFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code checkmark register +14155550123} and {@code checkmark chat --as +14155550123
 * +14155559876}: two terminals and the local stack make a chat. {@code checkmark link} makes
 * another computer a linked device of the same number, approved with {@code checkmark approve}.
 * Device keys are kept in {@code ~/.checkmark}, readable by their owner only: {@code PHONE.key},
 * and, for a linked device, its device id in {@code PHONE.device} (none means the primary, 1).
 */
@Command(
    name = "checkmark",
    mixinStandardHelpOptions = true,
    version = "checkmark 0.1",
    description = "Chat over Checkmark from a terminal.",
    subcommands = {
      CheckmarkCli.Register.class,
      CheckmarkCli.Chat.class,
      CheckmarkCli.Link.class,
      CheckmarkCli.Approve.class,
      CheckmarkCli.ListDevices.class,
      CheckmarkCli.Unlink.class,
      SendFile.class,
      GroupCommands.class,
      PushCommands.class,
      PrivacyCommands.Block.class,
      PrivacyCommands.Unblock.class,
      PrivacyCommands.Blocked.class,
      PrivacyCommands.PresenceOf.class,
      PrivacyCommands.Privacy.class,
      CommandLine.HelpCommand.class
    })
public final class CheckmarkCli {

  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

  /** A wrong address must not keep a newcomer waiting: connecting gives up after this. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(4);

  private static final Duration REPLY_WAIT = Duration.ofSeconds(30);

  /** A received file, however large (100 MB by default), over a slow network. */
  private static final Duration DOWNLOAD_WAIT = Duration.ofMinutes(10);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

  /**
   * How often an open chat asks whether its peer is online: the server limits presence queries per
   * account, and a minute-rounded last seen changes no faster.
   */
  private static final Duration PRESENCE_REFRESH = Duration.ofSeconds(30);

  /** A device seen this recently is connected now: the server stamps a live device with now. */
  private static final Duration SEEN_NOW = Duration.ofSeconds(10);

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "ws://127.0.0.1:3001/dev",
      scope = CommandLine.ScopeType.INHERIT,
      description = "WebSocket URL of the API (default: the local stack, ${DEFAULT-VALUE})")
  URI url;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Where device keys are kept (default: ~/.checkmark)")
  Path home;

  @Option(
      names = "--debug",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show the full trace of a failure")
  boolean debug;

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
    return commandLine(in, out).execute(args);
  }

  static CommandLine commandLine(InputStream in, PrintStream out) {
    java.io.PrintWriter screen = new java.io.PrintWriter(out, true);
    return new CommandLine(new CheckmarkCli(in, out))
        // Group ids, link codes and media ids are URL-safe base64: one in 64 starts with '-'. Such
        // an argument is what it was typed as, not an unknown option or a cluster like -h + "x3".
        .setUnmatchedOptionsArePositionalParams(true)
        .setPosixClusteredShortOptionsAllowed(false)
        .setOut(screen)
        .setErr(screen)
        // One line and what to do next, not the whole usage.
        .setParameterExceptionHandler(
            (refused, refusedArgs) -> {
              CommandLine command = refused.getCommandLine();
              // A subcommand's help is asked of its parent: checkmark help chat, checkmark group
              // help create.
              screen.println(
                  refused.getMessage()
                      + " (see: "
                      + (command.getParent() == null
                          ? "checkmark --help"
                          : command.getParent().getCommandSpec().qualifiedName()
                              + " help "
                              + command.getCommandName())
                      + ")");
              return 2;
            });
  }

  PrintStream out() {
    return out;
  }

  Path keyDirectory() {
    return home != null ? home : Path.of(System.getProperty("user.home"), ".checkmark");
  }

  private Path keyFile(String phone) {
    return keyDirectory().resolve(phone + ".key");
  }

  private Path deviceIdFile(String phone) {
    return keyDirectory().resolve(phone + ".device");
  }

  /**
   * This computer's credentials for the phone, if it has any; keys stored before v2 are primary.
   */
  Optional<Credentials> storedCredentials(String phone) throws IOException {
    Path keyFile = keyFile(phone);
    if (!Files.exists(keyFile)) {
      return Optional.empty();
    }
    Path deviceIdFile = deviceIdFile(phone);
    int deviceId =
        Files.exists(deviceIdFile)
            ? Integer.parseInt(Files.readString(deviceIdFile, StandardCharsets.UTF_8).trim())
            : Credentials.PRIMARY;
    return Optional.of(
        new Credentials(phone, deviceId, Files.readString(keyFile, StandardCharsets.UTF_8).trim()));
  }

  /** The phone in E.164 form, or a refusal before anything is sent. */
  static String requirePhone(CommandLine commandLine, String what, String phone) {
    if (!E164.matcher(phone).matches()) {
      throw new CommandLine.ParameterException(
          commandLine,
          what
              + " '"
              + phone
              + "' is not a phone number in E.164 form: a plus, the country code and the number,"
              + " digits only, such as +14155550123");
    }
    return phone;
  }

  /** The URL, if a WebSocket one. */
  static void requireWebSocketUrl(CommandLine commandLine, URI url) {
    String scheme = url.getScheme();
    if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
      throw new CommandLine.ParameterException(
          commandLine,
          "--url "
              + url
              + " is not a WebSocket URL: it starts with ws:// or wss://, such as"
              + " ws://127.0.0.1:3001/dev or wss://<api-id>.execute-api.<region>.amazonaws.com/<stage>");
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = "Register a phone number on this computer; asks for the PIN sent by SMS.")
  static final class Register implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "PHONE",
        description = "Phone number in E.164 form, such as +14155550123")
    String phone;

    @Option(
        names = "--pin",
        paramLabel = "PIN",
        defaultValue = "${env:CHECKMARK_PIN}",
        description =
            "The PIN from the SMS, for scripts; CHECKMARK_PIN in the environment does the same"
                + " and stays out of the process list (default: asked for, again if wrong)")
    String pin;

    @Override
    public Integer call() throws Exception {
      requirePhone(spec.commandLine(), "PHONE", phone);
      requireWebSocketUrl(spec.commandLine(), cli.url);
      BufferedReader input =
          new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8));
      try (CheckmarkClient client = cli.client().build()) {
        client.connect().get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
        long validFor = client.requestPin(phone).get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
        cli.out.printf(
            "A PIN is on its way to %s by SMS (valid %d minutes; on the local stack it is on the"
                + " stack's console).%n",
            phone, validFor / 60);
        for (String given = pin; ; given = null) {
          if (given == null) {
            cli.out.print("PIN: ");
            cli.out.flush();
            given = input.readLine();
            if (given == null) {
              cli.out.println("No PIN given.");
              return 1;
            }
          }
          try {
            String deviceKey =
                client.verifyPin(phone, given.trim()).get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
            Path keyFile =
                cli.saveCredentials(new Credentials(phone, Credentials.PRIMARY, deviceKey));
            cli.out.printf("Registered %s. Its device key is in %s.%n", phone, keyFile);
            return 0;
          } catch (ExecutionException failed) {
            if (pin != null
                || !(failed.getCause() instanceof CheckmarkException refused)
                || !"INVALID_PIN".equals(refused.code())
                || refused.attemptsLeft() == null
                || refused.attemptsLeft() < 1) {
              throw failed;
            }
            cli.out.printf(
                "That PIN is wrong; %d %s left.%n",
                refused.attemptsLeft(), refused.attemptsLeft() == 1 ? "attempt" : "attempts");
          }
        }
      } catch (ExecutionException | TimeoutException | ConnectionFailed failed) {
        return cli.failure(failed, phone);
      }
    }
  }

  @Command(
      name = "chat",
      description =
          "Chat with one phone number, or in a group (--group): lines you type are sent; messages"
              + " to you are shown, with who is typing and, one to one, whether the other is online"
              + " or when last seen. /block and /unblock block or unblock the other. The terminal"
              + " sends whole lines, so it sends no typing indicator of its own.")
  static final class Chat implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin AsPhone as;
    @CommandLine.Mixin CheckmarkCli.LongHelpOption help;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "PHONE",
        description = "The phone number to chat with")
    String peer;

    @Option(
        names = "--group",
        paramLabel = "GROUP_ID",
        description = "Chat in this group instead (checkmark group create prints its id)")
    String group;

    @Option(
        names = "--downloads",
        paramLabel = "DIR",
        description =
            "Where received files are saved (default: downloads/ in --home, ~/.checkmark)")
    Path downloads;

    @Override
    public Integer call() throws Exception {
      requirePhone(spec.commandLine(), "--as", as.phone);
      if ((peer == null) == (group == null)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "chat takes a PHONE to chat with, or --group GROUP_ID, not both");
      }
      if (peer != null) {
        requirePhone(spec.commandLine(), "PHONE", peer);
      }
      requireWebSocketUrl(spec.commandLine(), cli.url);
      Optional<Credentials> stored = cli.storedCredentials(as.phone);
      if (stored.isEmpty()) {
        cli.notSetUpHere(as.phone);
        return 1;
      }
      PrintStream out = cli.out;
      Ticks ticks = new Ticks(out);
      CompletableFuture<Integer> loggedOut = new CompletableFuture<>();
      Set<String> unreadFromPeer = ConcurrentHashMap.newKeySet();
      Set<String> readsDue = ConcurrentHashMap.newKeySet();
      Map<String, String> senders = new ConcurrentHashMap<>();
      Downloads saved = new Downloads(cli.downloadFolder(downloads));
      GroupReceipts groupReceipts = new GroupReceipts();
      int[] recipients = {0};
      CheckmarkClient[] self = new CheckmarkClient[1];
      boolean[] disconnected = new boolean[1];
      ChatStatus status = new ChatStatus(peer, group, Clock.systemDefaultZone());
      Consumer<String> showStatus = line -> out.println("(" + line + ")");
      Listener screen =
          new Listener() {
            @Override
            public void onMessage(MessageFrame message) {
              out.println(messageLine(message));
              boolean inThisChat =
                  group == null
                      ? message.group() == null && message.from().equals(peer)
                      : group.equals(message.group());
              if (inThisChat) {
                unreadFromPeer.add(message.messageId());
                senders.put(message.messageId(), message.from());
                status.messageFrom(message.from()).ifPresent(showStatus);
              }
              saveFile(self[0], message, saved, out);
            }

            @Override
            public void onTyping(TypingFrame typing) {
              status.typing(typing).ifPresent(showStatus);
            }

            @Override
            public void onGroupUpdate(GroupUpdateFrame update) {
              out.println(groupUpdateLine(update));
              if (update.groupId().equals(group)) {
                recipients[0] = update.members().size() - 1;
              }
            }

            /** Sent from another device of this number: shown as this terminal shows its own. */
            @Override
            public void onSentTranscript(MessageFrame transcript) {
              out.println(transcriptLine(transcript));
              ticks.sentElsewhere(
                  transcript.messageId(),
                  transcript.body() == null ? "(media)" : transcript.body());
            }

            @Override
            public void onAcked(List<String> messageIds) {
              // Read only once the server has it as delivered: a read receipt never overtakes.
              messageIds.stream().filter(unreadFromPeer::remove).forEach(readsDue::add);
              sendReadReceipts();
            }

            /**
             * What could not be sent (the connection dropped) goes again after the next sync. In a
             * group, one receipt per sender.
             */
            private void sendReadReceipts() {
              List<String> read = List.copyOf(readsDue);
              if (read.isEmpty()) {
                return;
              }
              readsDue.removeAll(read);
              Map<String, List<String>> bySender = new java.util.LinkedHashMap<>();
              read.forEach(
                  id ->
                      bySender
                          .computeIfAbsent(
                              senders.getOrDefault(id, peer), from -> new ArrayList<>())
                          .add(id));
              bySender.forEach(
                  (from, ids) ->
                      self[0]
                          .markRead(from, group, ids)
                          .exceptionally(
                              notSent -> {
                                readsDue.addAll(ids);
                                return null;
                              }));
            }

            @Override
            public void onReceipt(ReceiptFrame receipt) {
              if (receipt.group() != null && receipt.group().equals(group)) {
                ticks.groupReceipt(receipt, groupReceipts, recipients[0]);
              } else {
                ticks.receipt(receipt);
              }
            }

            @Override
            public void onDisconnected() {
              disconnected[0] = true;
              out.println("disconnected — reconnecting…");
            }

            @Override
            public void onSynced() {
              if (disconnected[0]) {
                disconnected[0] = false;
                out.println("reconnected");
                // Offline meanwhile, the peer may have come and gone.
                refreshPresence(self[0], status, showStatus);
              }
              sendReadReceipts();
            }

            @Override
            public void onDeviceReplaced() {
              out.printf(
                  "%s was registered on another device (this computer's key is no longer"
                      + " accepted), so the chat ends. To chat from here again: checkmark register"
                      + " %s%n",
                  as.phone, as.phone);
              loggedOut.complete(1);
            }

            @Override
            public void onDeviceUnlinked() {
              out.printf(
                  "This computer was unlinked from %s, so the chat ends. To chat from here again:"
                      + " checkmark link%n",
                  as.phone);
              loggedOut.complete(1);
            }
          };
      ScheduledExecutorService statusTimer =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "chat-status");
                thread.setDaemon(true);
                return thread;
              });
      try (CheckmarkClient client =
          cli.client()
              .credentials(stored.get())
              .backoff(Duration.ofMillis(250), Duration.ofSeconds(5))
              .listener(screen)
              .build()) {
        self[0] = client;
        client.connect().get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
        if (group != null) {
          GroupFrame joined = client.getGroup(group).get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
          recipients[0] = joined.members().size() - 1;
          out.printf(
              "Chatting in group \"%s\" (%d members) as %s. Type a line and press Enter; end with"
                  + " Ctrl-D.%n",
              joined.name(), joined.members().size(), as.phone);
        } else {
          out.printf(
              "Chatting with %s as %s. Type a line and press Enter (/block blocks %s); end with"
                  + " Ctrl-D.%n",
              peer, as.phone, peer);
          refreshPresence(client, status, showStatus);
          statusTimer.scheduleAtFixedRate(
              () -> refreshPresence(client, status, showStatus),
              PRESENCE_REFRESH.toSeconds(),
              PRESENCE_REFRESH.toSeconds(),
              TimeUnit.SECONDS);
        }
        // A typing not followed by another within its time is cleared.
        statusTimer.scheduleAtFixedRate(
            () -> status.tick().ifPresent(showStatus), 1, 1, TimeUnit.SECONDS);
        BlockingQueue<Optional<String>> typed = keyboard(cli.in);
        List<CompletableFuture<?>> sending = new ArrayList<>();
        while (!loggedOut.isDone()) {
          Optional<String> line = typed.poll(200, TimeUnit.MILLISECONDS);
          if (line == null) {
            continue;
          }
          if (line.isEmpty()) {
            return awaitAccepted(sending, loggedOut, out);
          }
          String text = line.get();
          if (text.isBlank()) {
            continue;
          }
          String command = text.strip();
          if (command.equals("/block") || command.equals("/unblock")) {
            blockPeer(client, command.equals("/block"));
            continue;
          }
          ticks.sending();
          // Sent at once, or, while disconnected, as soon as the client is connected again: the
          // same id each time, so the server stores it once.
          sending.add(
              (group == null ? client.send(peer, text) : client.sendToGroup(group, text))
                  .whenComplete(
                      (accepted, refused) -> {
                        if (refused == null) {
                          ticks.accepted(accepted.messageId(), text);
                        } else {
                          ticks.notAccepted();
                          if (!loggedOut.isDone()) {
                            out.println(Failures.explain(refused, cli.url, as.phone));
                          }
                        }
                      }));
        }
        return loggedOut.join();
      } catch (ExecutionException | TimeoutException | ConnectionFailed failed) {
        return cli.failure(failed, as.phone);
      } finally {
        statusTimer.shutdownNow();
      }
    }

    /**
     * Asks whether the peer of a one-to-one chat is online. A query refused (RATE_LIMITED) or lost
     * with the connection leaves the status as it was, until the next refresh.
     */
    private void refreshPresence(
        CheckmarkClient client, ChatStatus status, Consumer<String> showStatus) {
      if (peer == null) {
        return;
      }
      client
          .presence(peer)
          .thenAccept(presence -> status.presence(presence).ifPresent(showStatus))
          .exceptionally(notNow -> null);
    }

    /** {@code /block} or {@code /unblock}: one line when the server answered. */
    private void blockPeer(CheckmarkClient client, boolean block) {
      PrintStream out = cli.out;
      if (peer == null) {
        out.printf(
            "/block and /unblock act on the other person of a one-to-one chat; to block a member"
                + " of this group: checkmark block --as %s PHONE%n",
            as.phone);
        return;
      }
      if (!client.isConnected()) {
        out.printf(
            "Not connected just now; type %s again once reconnected.%n",
            block ? "/block" : "/unblock");
        return;
      }
      (block
              ? client
                  .block(peer)
                  .thenApply(blocked -> PrivacyCommands.blockedLine(as.phone, blocked, "/unblock"))
              : client
                  .unblock(peer)
                  .thenApply(unblocked -> PrivacyCommands.unblockedLine(as.phone, unblocked)))
          .whenComplete(
              (done, refused) ->
                  out.println(
                      refused == null ? done : Failures.explain(refused, cli.url, as.phone)));
    }

    /** A received message as the chat shows it: who, where, when, what. */
    static String messageLine(MessageFrame message) {
      return String.format(
          "[%s%s%s %s] %s",
          message.from(),
          onDevice(message),
          message.group() == null ? "" : " in group " + message.group(),
          TIME.format(Instant.ofEpochMilli(message.ts())),
          shown(message));
    }

    /** A message sent from another device of this number, shown as the chat shows its own. */
    static String transcriptLine(MessageFrame transcript) {
      return String.format(
          "[you → %s%s %s] %s",
          transcript.to(),
          onDevice(transcript),
          TIME.format(Instant.ofEpochMilli(transcript.ts())),
          shown(transcript));
    }

    static String groupUpdateLine(GroupUpdateFrame update) {
      return String.format(
          "[group %s \"%s\" %s by %s: %d members]",
          update.groupId(), update.name(), update.change(), update.by(), update.members().size());
    }

    /** Names the sending device when it is not the primary, the one most chats come from. */
    private static String onDevice(MessageFrame message) {
      Integer device = message.fromDevice();
      return device == null || device == Credentials.PRIMARY ? "" : " on device " + device;
    }

    private static String shown(MessageFrame message) {
      Media media = message.media();
      if (media == null) {
        return message.body();
      }
      String attached =
          media.mediaId() != null
              ? String.format(
                  "(file) %s, %s, %.1f KB — saving…",
                  Downloads.safeName(media.name()), media.mimeType(), media.size() / 1024.0)
              : "(media) " + media.url();
      return message.body() == null ? attached : message.body() + " " + attached;
    }

    /**
     * For a message with a file: fetches, checks and decrypts it into the downloads folder and says
     * where it went, before the message is acked: a file that could not be saved for a passing
     * reason (the network, the disk) throws, so the message stays queued and comes back at the next
     * sync. A file refused for good (it failed its checks, or storage no longer has it) is said so
     * once.
     */
    static void saveFile(
        CheckmarkClient client, MessageFrame message, Downloads downloads, PrintStream out) {
      Media media = message.media();
      if (media == null || media.mediaId() == null) {
        return;
      }
      Optional<Path> earlier = downloads.alreadySaved(media.mediaId());
      if (earlier.isPresent()) {
        out.printf("[file from %s: the same file as %s]%n", message.from(), earlier.get());
        return;
      }
      try (InputStream plaintext =
          client
              .download(media, MediaTransfers.Progress.NONE)
              .get(DOWNLOAD_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        Path saved = downloads.save(media.mediaId(), media.name(), plaintext);
        out.printf("[file from %s saved: %s]%n", message.from(), saved);
      } catch (ExecutionException | IOException failed) {
        Throwable cause = failed instanceof ExecutionException ? failed.getCause() : failed;
        if (refusedForGood(cause)) {
          out.printf("[file from %s not saved: %s]%n", message.from(), Failures.reason(cause));
          return;
        }
        out.printf(
            "[file from %s not saved yet (%s); it comes back at the next sync]%n",
            message.from(), Failures.reason(cause));
        throw new IllegalStateException("not saved yet", cause);
      } catch (TimeoutException slow) {
        out.printf(
            "[file from %s not saved yet (no download in %d s); it comes back at the next sync]%n",
            message.from(), DOWNLOAD_WAIT.toSeconds());
        throw new IllegalStateException("not saved yet", slow);
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("stopped while saving", stopping);
      }
    }

    /**
     * A file that fails its checks, a padding its sender got wrong, or an upload storage no longer
     * has: trying again would fail again.
     */
    private static boolean refusedForGood(Throwable cause) {
      for (Throwable step = cause; step != null; step = step.getCause()) {
        if (step instanceof MediaRejected
            || step instanceof CheckmarkException
            || step instanceof GeneralSecurityException) {
          return true;
        }
      }
      return false;
    }

    /** Lines typed, read on a thread of their own so that a logout ends the chat at once. */
    private static BlockingQueue<Optional<String>> keyboard(InputStream in) {
      BlockingQueue<Optional<String>> typed = new LinkedBlockingQueue<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader input =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                  for (String line = input.readLine(); line != null; line = input.readLine()) {
                    typed.add(Optional.of(line));
                  }
                } catch (IOException closed) {
                  // The terminal went away: as the end of input.
                }
                typed.add(Optional.empty());
              },
              "keyboard");
      reader.setDaemon(true);
      reader.start();
      return typed;
    }

    /** At the end of input, every typed line still on its way is waited for: none is lost. */
    private static int awaitAccepted(
        List<CompletableFuture<?>> sending, CompletableFuture<Integer> loggedOut, PrintStream out)
        throws InterruptedException {
      long waiting = sending.stream().filter(send -> !send.isDone()).count();
      if (waiting > 0) {
        out.printf("Waiting for %d line(s) to be accepted…%n", waiting);
      }
      CompletableFuture<Void> all =
          CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new));
      while (!all.isDone() && !loggedOut.isDone()) {
        try {
          all.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException notYetOrRefused) {
          // Refusals were shown as they came; keep waiting for the others.
        }
      }
      return loggedOut.isDone() ? loggedOut.join() : 0;
    }
  }

  @Command(
      name = "link",
      mixinStandardHelpOptions = true,
      description =
          "Make this computer a linked device of a number registered elsewhere: shows a code (as a"
              + " QR code) for its primary device to approve, then keeps this computer's key.")
  static final class Link implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description =
            "How the number's device list names this computer (default: <user>@<host> (CLI))")
    String name;

    @Override
    public Integer call() throws Exception {
      requireWebSocketUrl(spec.commandLine(), cli.url);
      // Only the link is wanted here: messages stay queued for `checkmark chat`.
      try (CheckmarkClient client = cli.client().withoutMessages().build()) {
        client.connect().get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
        PendingLink pending =
            client
                .requestLink(name != null ? name : defaultDeviceName())
                .get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
        cli.out.print(QrCode.render(pending.code()));
        cli.out.println("Code: " + pending.code());
        cli.out.printf(
            "On your primary device run: checkmark approve --as PHONE %s (valid %s; waiting"
                + " here, Ctrl-C to give up).%n",
            pending.code(), validFor(pending.expiresInSeconds()));
        Credentials linked;
        try {
          linked =
              pending
                  .linked()
                  .get(pending.expiresInSeconds() + REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
          if (failed.getCause() instanceof CheckmarkException expired
              && "LINK_EXPIRED".equals(expired.code())) {
            cli.out.println(
                "The code was not approved in time (or the connection was lost); run checkmark"
                    + " link again for a new one.");
            return 1;
          }
          throw failed;
        }
        if (cli.storedCredentials(linked.phone()).isPresent()) {
          // Its key would take the place of the one kept here, which might be the primary's.
          boolean undone =
              client
                  .unlinkDevice(linked.deviceId())
                  .handle((unlinked, refused) -> refused == null)
                  .get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
          cli.out.printf(
              "%s already has a key in %s, so device %d was %s; to link it, use another"
                  + " directory: checkmark link --home DIR%n",
              linked.phone(),
              cli.keyDirectory(),
              linked.deviceId(),
              undone ? "unlinked again" : "not kept (unlink it from the primary)");
          return 1;
        }
        Path keyFile = cli.saveCredentials(linked);
        cli.out.printf(
            "Linked as %s, device %d. Its device key is in %s.%n",
            linked.phone(), linked.deviceId(), keyFile);
        return 0;
      } catch (ExecutionException | TimeoutException | ConnectionFailed failed) {
        return cli.failure(failed, null);
      }
    }

    private static String defaultDeviceName() {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException unnamed) {
        host = "localhost";
      }
      return System.getProperty("user.name") + "@" + host + " (CLI)";
    }

    private static String validFor(long seconds) {
      return seconds >= 120 ? seconds / 60 + " minutes" : seconds + " seconds";
    }
  }

  @Command(
      name = "approve",
      description =
          "On the primary device: approve the code that `checkmark link` shows on the new device.")
  static final class Approve implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin AsPhone as;
    @CommandLine.Mixin CheckmarkCli.LongHelpOption help;

    @Parameters(index = "0", paramLabel = "CODE", description = "The code the new device shows")
    String code;

    @Override
    public Integer call() throws Exception {
      return cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.approveLink(code),
          (DeviceLinked linked) ->
              String.format("Linked device %d (%s).", linked.deviceId(), linked.name()));
    }
  }

  @Command(
      name = "devices",
      mixinStandardHelpOptions = true,
      description = "List the devices of your number: the primary and the linked ones.")
  static final class ListDevices implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin AsPhone as;

    @Override
    public Integer call() throws Exception {
      return cli.asAccount(
          spec.commandLine(),
          as.phone,
          CheckmarkClient::listDevices,
          (List<Devices.Device> devices) ->
              deviceTable(
                  devices,
                  cli.storedCredentials(as.phone).map(Credentials::deviceId).orElse(0),
                  Instant.now()));
    }
  }

  @Command(
      name = "unlink",
      mixinStandardHelpOptions = true,
      description =
          "Unlink a device from your number: the primary may unlink any linked device, a linked"
              + " device only itself. Its key stops working at once.")
  static final class Unlink implements Callable<Integer> {
    @CommandLine.ParentCommand CheckmarkCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin AsPhone as;

    @Parameters(
        index = "0",
        paramLabel = "DEVICE_ID",
        description = "The device's id, as checkmark devices lists it")
    int deviceId;

    @Override
    public Integer call() throws Exception {
      return cli.asAccount(
          spec.commandLine(),
          as.phone,
          client -> client.unlinkDevice(deviceId),
          unlinked -> {
            Optional<Credentials> stored = cli.storedCredentials(as.phone);
            if (stored.isPresent() && stored.get().deviceId() == unlinked.deviceId()) {
              // The key is dead now: keeping it would only make the next command fail.
              cli.forget(as.phone);
              return String.format(
                  "Unlinked device %d, this computer; its key is removed.", unlinked.deviceId());
            }
            return String.format("Unlinked device %d.", unlinked.deviceId());
          });
    }
  }

  /** The {@code --as PHONE} option of the commands that act as a registered number. */
  /**
   * --help without -h, for commands that take group ids, link codes or free text: picocli reads any
   * argument starting with "-h" as the -h option, and one id in 4,096 does.
   */
  static final class LongHelpOption {
    @Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
    boolean asked;
  }

  static final class AsPhone {
    @Option(
        names = "--as",
        paramLabel = "PHONE",
        required = true,
        description = "Your registered phone number")
    String phone;
  }

  /** What a command's reply is shown as. */
  @FunctionalInterface
  interface Shown<T> {
    String of(T reply) throws IOException;
  }

  /**
   * Logs in with this computer's key for the phone, asks one thing and shows the answer; messages
   * stay queued for {@code checkmark chat}.
   */
  <T> int asAccount(
      CommandLine commandLine,
      String phone,
      Function<CheckmarkClient, CompletableFuture<T>> ask,
      Shown<T> shown)
      throws Exception {
    return asAccount(commandLine, phone, ask, shown, REPLY_WAIT);
  }

  /** {@link #asAccount}, waiting up to {@code wait} for the answer (a file upload takes longer). */
  <T> int asAccount(
      CommandLine commandLine,
      String phone,
      Function<CheckmarkClient, CompletableFuture<T>> ask,
      Shown<T> shown,
      Duration wait)
      throws Exception {
    requirePhone(commandLine, "--as", phone);
    requireWebSocketUrl(commandLine, url);
    Optional<Credentials> stored = storedCredentials(phone);
    if (stored.isEmpty()) {
      notSetUpHere(phone);
      return 1;
    }
    try (CheckmarkClient client = client().credentials(stored.get()).withoutMessages().build()) {
      client.connect().get(REPLY_WAIT.toSeconds(), TimeUnit.SECONDS);
      T reply = ask.apply(client).get(wait.toSeconds(), TimeUnit.SECONDS);
      out.println(shown.of(reply));
      return 0;
    } catch (ExecutionException | TimeoutException | ConnectionFailed failed) {
      return failure(failed, phone);
    }
  }

  /** Where received files are saved: the folder given, or downloads/ beside the keys. */
  Path downloadFolder(Path given) {
    return given != null ? given : keyDirectory().resolve("downloads");
  }

  void notSetUpHere(String phone) {
    out.printf(
        "%s is not registered here; run: checkmark register %s (or, to add this computer to a"
            + " number registered elsewhere: checkmark link)%n",
        phone, phone);
  }

  /**
   * The devices as a table: id, name, when linked, when last seen; the primary is named so, and
   * this computer's device marked.
   */
  static String deviceTable(List<Devices.Device> devices, int thisDevice, Instant now) {
    int nameWidth = "NAME".length();
    for (Devices.Device device : devices) {
      nameWidth = Math.max(nameWidth, deviceName(device).length());
    }
    String row = "%-4s %-" + nameWidth + "s  %-16s  %s";
    List<String> lines = new ArrayList<>();
    lines.add(String.format(row, "ID", "NAME", "LINKED", "LAST SEEN").stripTrailing());
    for (Devices.Device device : devices) {
      String lastSeen;
      if (device.lastSeen() == null) {
        lastSeen = "never";
      } else {
        Instant seen = Instant.ofEpochMilli(device.lastSeen());
        lastSeen =
            Duration.between(seen, now).compareTo(SEEN_NOW) <= 0 ? "now" : DATE_TIME.format(seen);
      }
      lines.add(
          String.format(
                  row,
                  device.deviceId(),
                  deviceName(device),
                  DATE_TIME.format(Instant.ofEpochMilli(device.linkedAt())),
                  lastSeen)
              + (device.deviceId() == thisDevice ? "  ← this computer" : ""));
    }
    return String.join(System.lineSeparator(), lines);
  }

  private static String deviceName(Devices.Device device) {
    if (device.deviceId() == Credentials.PRIMARY) {
      return device.name() == null ? "(primary)" : device.name() + " (primary)";
    }
    return device.name() == null ? "" : device.name();
  }

  CheckmarkClient.Settings client() {
    return CheckmarkClient.builder(url).connectTimeout(CONNECT_TIMEOUT).giveUpIfFirstConnectFails();
  }

  /**
   * Writes the key where only its owner can read it, in a directory only its owner can list, and
   * the device id beside it for a linked device.
   */
  Path saveCredentials(Credentials credentials) throws IOException {
    Path keyFile = saveKey(credentials.phone(), credentials.deviceKey());
    Path deviceIdFile = deviceIdFile(credentials.phone());
    if (credentials.isPrimary()) {
      Files.deleteIfExists(deviceIdFile);
    } else {
      Files.writeString(
          deviceIdFile, Integer.toString(credentials.deviceId()), StandardCharsets.UTF_8);
      restrictToOwner(deviceIdFile, "rw-------");
    }
    return keyFile;
  }

  private void forget(String phone) throws IOException {
    Files.deleteIfExists(keyFile(phone));
    Files.deleteIfExists(deviceIdFile(phone));
  }

  private Path saveKey(String phone, String deviceKey) throws IOException {
    Path directory = keyDirectory();
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory);
    }
    // The file names say which numbers are registered here.
    restrictToOwner(directory, "rwx------");
    Path keyFile = keyFile(phone);
    Files.writeString(keyFile, deviceKey, StandardCharsets.UTF_8);
    restrictToOwner(keyFile, "rw-------");
    return keyFile;
  }

  /** One line saying what went wrong and what to do; the trace only with {@code --debug}. */
  int failure(Exception failed, String phone) {
    Throwable cause =
        failed instanceof ExecutionException && failed.getCause() != null
            ? failed.getCause()
            : failed;
    out.println(Failures.explain(cause, url, phone));
    if (debug) {
      cause.printStackTrace(out);
    }
    return 1;
  }

  private static void restrictToOwner(Path file, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the user's profile directory is private already.
    }
  }
}
