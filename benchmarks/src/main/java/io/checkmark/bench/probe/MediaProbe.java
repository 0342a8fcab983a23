package io.checkmark.bench.probe;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Listener;
import io.checkmark.client.MediaTransfers;
import io.checkmark.protocol.MessageFrame;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One media round trip in a JVM of its own, started with a small heap: a sender's SDK encrypts and
 * uploads a file and sends it, the recipient's SDK downloads, checks and decrypts it. Prints {@code
 * DONE <upload ms> <download ms> <peak heap bytes> <plaintext matches>}; the peak is sampled every
 * millisecond, so it shows whether the SDK's memory grows with the file.
 *
 * <p>Arguments: WebSocket URL, sender phone and key, recipient phone and key, file, media type.
 */
public final class MediaProbe {

  private MediaProbe() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    Path file = Path.of(args[5]);
    String mimeType = args[6];
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peak = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(1);
                } catch (InterruptedException stop) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    CompletableFuture<MessageFrame> received = new CompletableFuture<>();
    try (CheckmarkClient sender =
            CheckmarkClient.builder(url).credentials(args[1], args[2]).withoutMessages().build();
        CheckmarkClient recipient =
            CheckmarkClient.builder(url)
                .credentials(args[3], args[4])
                .listener(
                    new Listener() {
                      @Override
                      public void onMessage(MessageFrame message) {
                        received.complete(message);
                      }
                    })
                .build()) {
      sender.connect().get(30, TimeUnit.SECONDS);
      recipient.connect().get(30, TimeUnit.SECONDS);
      System.gc();
      sampler.start();
      long start = System.nanoTime();
      sender
          .sendMedia(args[3], file, mimeType, MediaTransfers.Progress.NONE)
          .get(10, TimeUnit.MINUTES);
      long uploaded = System.nanoTime();
      MessageFrame message = received.get(60, TimeUnit.SECONDS);
      long downloadStart = System.nanoTime();
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream plaintext =
              recipient
                  .download(message.media(), MediaTransfers.Progress.NONE)
                  .get(10, TimeUnit.MINUTES);
          DigestInputStream reading = new DigestInputStream(plaintext, digest)) {
        reading.transferTo(java.io.OutputStream.nullOutputStream());
      }
      long downloaded = System.nanoTime();
      sampler.interrupt();
      boolean matches = Arrays.equals(digest.digest(), sha256(file));
      System.out.printf(
          "DONE %.1f %.1f %d %b%n",
          (uploaded - start) / 1e6, (downloaded - downloadStart) / 1e6, peak.get(), matches);
    }
  }

  private static byte[] sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return digest.digest();
  }
}
