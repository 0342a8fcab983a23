package io.checkmark.bench;

import io.checkmark.bench.probe.MediaProbe;
import io.checkmark.local.LocalStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Media through the local stack: a file encrypted, uploaded, sent, downloaded, checked and
 * decrypted by the client SDK, each round trip in a child JVM with a heap smaller than the largest
 * file (so a client that held a file in memory would fail), with its throughput and the client's
 * heap; then what a media message adds on AWS.
 */
final class MediaBenchmark {

  /** The child JVM's heap: a 100 MB file cannot fit in it. */
  static final int CLIENT_HEAP_MB = 64;

  // S3 Standard, us-east-1, first tier: PUT per request, GET and HEAD per request, storage per
  // GB-month, transfer out to the internet per GB.
  static final double S3_PUT = 0.005 / 1000;
  static final double S3_GET = 0.0004 / 1000;
  static final double S3_STORAGE_GB_MONTH = 0.023;
  static final double S3_TRANSFER_OUT_GB = 0.09;

  /** Per file: one round trip's figures. */
  record Run(
      long plaintextBytes,
      double uploadMillis,
      double downloadMillis,
      long peakHeapBytes,
      long peakLiveHeapBytes) {
    double uploadMegabytesPerSecond() {
      return plaintextBytes / 1e6 / (uploadMillis / 1000);
    }

    double downloadMegabytesPerSecond() {
      return plaintextBytes / 1e6 / (downloadMillis / 1000);
    }
  }

  private final LocalStack stack;

  MediaBenchmark(LocalStack stack) {
    this.stack = stack;
  }

  List<Run> run(Report report, long[] fileSizes) throws Exception {
    Devices devices = new Devices(stack);
    List<Run> runs = new ArrayList<>();
    Path folder = Files.createTempDirectory("checkmark-media-bench-");
    try {
      for (long size : fileSizes) {
        Devices.Device sender = devices.register(false);
        Devices.Device recipient = devices.register(false);
        Path file = randomFile(folder.resolve(size + ".bin"), size);
        runs.add(roundTrip(sender, recipient, file, size));
        Files.delete(file);
      }
    } finally {
      Files.deleteIfExists(folder);
    }
    report.section("8. Media: encrypted files through presigned S3 URLs");
    report.line(
        "Each file: random bytes, encrypted (AES-256-CBC + HMAC-SHA256) and uploaded by the"
            + " sender's SDK through the presigned PUT to the local stack's S3 server (S3Proxy on"
            + " local disk), sent, then downloaded, checked (SHA-256, HMAC) and decrypted by the"
            + " recipient's SDK; both SDKs in one child JVM with -Xmx%dm, so a client that held a"
            + " file in memory could not finish the largest. Upload time runs from sendMedia to"
            + " `accepted` (encryption, requestUpload, PUT, send); download time from"
            + " `requestDownload` to the last plaintext byte read; both after a warm-up round trip of"
            + " 256 KB. Heap in use: the child JVM's, sampled every millisecond, garbage included;"
            + " live after GC: the most any collection during the transfer left, which would grow"
            + " with the file if the SDK held it.",
        CLIENT_HEAP_MB);
    report.line("");
    report.line(
        "| file | upload | download | client heap in use (peak) | client heap live after GC (peak) |");
    report.line("|---|---|---|---|---|");
    for (Run run : runs) {
      report.line(
          "| %s | %.0f MB/s (%.0f ms) | %.0f MB/s (%.0f ms) | %.1f MB | %.1f MB |",
          megabytes(run.plaintextBytes()),
          run.uploadMegabytesPerSecond(),
          run.uploadMillis(),
          run.downloadMegabytesPerSecond(),
          run.downloadMillis(),
          run.peakHeapBytes() / 1e6,
          run.peakLiveHeapBytes() / 1e6);
    }
    Run smallest = runs.get(0);
    Run largest = runs.get(runs.size() - 1);
    report.target(
        "client live heap, "
            + megabytes(largest.plaintextBytes())
            + " over "
            + megabytes(smallest.plaintextBytes()),
        (double) largest.peakLiveHeapBytes() / smallest.peakLiveHeapBytes(),
        2,
        false,
        "×");
    reportCost(report);
    return runs;
  }

  /**
   * What one media message adds on AWS, for one recipient device: the S3 requests (PUT; HeadObject
   * at send and at requestDownload; GET), 30 days of storage, the transfer out of the download, and
   * the two extra function invocations with their WebSocket messages.
   */
  private static void reportCost(Report report) {
    report.line("");
    report.line(
        "Added cost of one media message on AWS, one recipient device (list prices, us-east-1):"
            + " S3 $0.005 per 1,000 PUTs, $0.0004 per 1,000 GETs and HEADs, $0.023 per GB-month,"
            + " $0.09 per GB out to the internet; the `requestUpload` and `requestDownload`"
            + " invocations at $0.20 per million and their 4 WebSocket messages at $1.00 per million"
            + " (Lambda duration as in section 3). Each further recipient device adds a HEAD, a GET,"
            + " its transfer out and two messages and one invocation.");
    report.line("");
    report.line(
        "| file | S3 requests | storage, 30 days | transfer out | requests + messages | total per message | per million |");
    report.line("|---|---|---|---|---|---|---|");
    for (long size : new long[] {100_000, 1_000_000, 10_000_000, 100_000_000}) {
      double gigabytes = size / 1e9;
      double requests = S3_PUT + 3 * S3_GET;
      double storage = gigabytes * S3_STORAGE_GB_MONTH;
      double transfer = gigabytes * S3_TRANSFER_OUT_GB;
      double invocations = 2 * CostModel.LAMBDA_REQUEST + 4 * CostModel.WEBSOCKET_MESSAGE;
      double total = requests + storage + transfer + invocations;
      report.line(
          "| %s | $%.7f | $%.7f | $%.7f | $%.7f | $%.6f | $%,.0f |",
          megabytes(size), requests, storage, transfer, invocations, total, total * 1e6);
    }
  }

  private Run roundTrip(Devices.Device sender, Devices.Device recipient, Path file, long size)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + CLIENT_HEAP_MB + "m",
            "-cp",
            System.getProperty("java.class.path"),
            MediaProbe.class.getName(),
            stack.webSocketUrl().toString(),
            sender.phone(),
            sender.deviceKey(),
            recipient.phone(),
            recipient.deviceKey(),
            file.toString(),
            "application/octet-stream");
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String done = null;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("DONE ")) {
          done = line;
        }
      }
    }
    if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0 || done == null) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "the media round trip of "
              + megabytes(size)
              + " failed in a "
              + CLIENT_HEAP_MB
              + " MB heap");
    }
    String[] figures = done.split(" ");
    if (!Boolean.parseBoolean(figures[5])) {
      throw new IllegalStateException(
          "the downloaded " + megabytes(size) + " differ from the file sent");
    }
    return new Run(
        size,
        Double.parseDouble(figures[1]),
        Double.parseDouble(figures[2]),
        Long.parseLong(figures[3]),
        Long.parseLong(figures[4]));
  }

  private static Path randomFile(Path file, long size) throws IOException {
    Random random = new Random(size);
    byte[] chunk = new byte[1024 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
      }
    }
    return file;
  }

  private static String megabytes(long bytes) {
    return bytes >= 1_000_000 ? bytes / 1_000_000 + " MB" : bytes / 1_000 + " KB";
  }
}
