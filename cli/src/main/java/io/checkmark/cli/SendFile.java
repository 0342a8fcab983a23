package io.checkmark.cli;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.MediaTransfers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code checkmark send-file}: encrypts a file on this computer, uploads it with a progress bar and
 * sends it to a phone or a group; only the recipients' devices get the key.
 */
@Command(
    name = "send-file",
    description =
        "Send a photo, voice note or any file, end-to-end encrypted, to a phone number or a group.")
final class SendFile implements Callable<Integer> {

  /** A large file over a slow network: the upload, not the server, sets the pace. */
  private static final Duration TRANSFER_WAIT = Duration.ofMinutes(30);

  private static final int BAR_WIDTH = 30;

  @CommandLine.ParentCommand CheckmarkCli cli;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin CheckmarkCli.AsPhone as;
  @CommandLine.Mixin CheckmarkCli.LongHelpOption help;

  @Parameters(
      index = "0",
      paramLabel = "TO",
      description = "The phone number to send to (or, with --group, the group id)")
  String to;

  @Parameters(index = "1", paramLabel = "FILE", description = "The file to send")
  Path file;

  @Option(names = "--group", description = "TO is a group id (checkmark group create prints it)")
  boolean group;

  @Option(
      names = "--type",
      paramLabel = "MIME_TYPE",
      description = "The file's media type (default: guessed from its name, e.g. image/jpeg)")
  String mimeType;

  @Override
  public Integer call() throws Exception {
    if (!group) {
      CheckmarkCli.requirePhone(spec.commandLine(), "TO", to);
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "FILE " + file + " is not a readable file");
    }
    String type = mimeType != null ? mimeType : guessType(file);
    ProgressBar bar = new ProgressBar(cli.out());
    return cli.asAccount(
        spec.commandLine(),
        as.phone,
        (CheckmarkClient client) ->
            (group
                    ? client.sendMediaToGroup(to, file, type, bar)
                    : client.sendMedia(to, file, type, bar))
                // The bar's line ends whatever happens, so that an answer starts a line of its own.
                .whenComplete((accepted, failed) -> bar.finish()),
        accepted ->
            "✓ sent "
                + file.getFileName()
                + " ("
                + type
                + ") to "
                + to
                + " ("
                + accepted.messageId()
                + ")",
        TRANSFER_WAIT);
  }

  private static String guessType(Path file) throws IOException {
    String probed = Files.probeContentType(file);
    return probed != null ? probed.toLowerCase(Locale.ROOT) : "application/octet-stream";
  }

  /** One line redrawn in place: {@code [####### ] 45% 4.5 of 10.0 MB}. */
  private static final class ProgressBar implements MediaTransfers.Progress {
    private final PrintStream out;
    private int shownPercent = -1;
    private boolean drawn;

    ProgressBar(PrintStream out) {
      this.out = out;
    }

    @Override
    public synchronized void transferred(long bytes, long total) {
      int percent = total <= 0 ? 100 : (int) (bytes * 100 / total);
      if (percent == shownPercent) {
        return;
      }
      shownPercent = percent;
      int filled = percent * BAR_WIDTH / 100;
      out.printf(
          "\r[%s%s] %3d%%  %.1f of %.1f MB",
          "#".repeat(filled), " ".repeat(BAR_WIDTH - filled), percent, bytes / 1e6, total / 1e6);
      out.flush();
      drawn = true;
    }

    synchronized void finish() {
      if (drawn) {
        out.println();
      }
    }
  }
}
