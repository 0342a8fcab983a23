package io.checkmark.bench.probe;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Listener;
import io.checkmark.client.MediaTransfers;
import io.checkmark.protocol.MessageFrame;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One media round trip in a JVM of its own, started with a small heap: a sender's SDK encrypts and
 * uploads a file and sends it, the recipient's SDK downloads, checks and decrypts it, after a
 * warm-up round trip of a small file (the JIT, the TLS-free HTTP client and the functions warm).
 * Prints {@code DONE <upload ms> <download ms> <peak heap in use> <peak heap live after a GC>
 * <plaintext matches>}: in use is sampled every millisecond and counts garbage not yet collected;
 * live is what each collection during the transfer left, which grows only if the SDK holds on to
 * the file.
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
    List<MemoryPoolMXBean> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(
                pool ->
                    pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
            .toList();
    AtomicLong peak = new AtomicLong();
    AtomicLong peakLive = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                peakLive.accumulateAndGet(
                    heapPools.stream().mapToLong(pool -> pool.getCollectionUsage().getUsed()).sum(),
                    Math::max);
                try {
                  Thread.sleep(1);
                } catch (InterruptedException stop) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    BlockingQueue<MessageFrame> received = new LinkedBlockingQueue<>();
    try (CheckmarkClient sender =
            CheckmarkClient.builder(url).credentials(args[1], args[2]).withoutMessages().build();
        CheckmarkClient recipient =
            CheckmarkClient.builder(url)
                .credentials(args[3], args[4])
                .listener(
                    new Listener() {
                      @Override
                      public void onMessage(MessageFrame message) {
                        received.add(message);
                      }
                    })
                .build()) {
      sender.connect().get(30, TimeUnit.SECONDS);
      recipient.connect().get(30, TimeUnit.SECONDS);
      Path warmUp = Files.createTempFile("checkmark-warm-up-", ".bin");
      try {
        Files.write(warmUp, new byte[256 * 1024]);
        roundTrip(sender, recipient, args[3], warmUp, mimeType, received);
      } finally {
        Files.delete(warmUp);
      }
      System.gc();
      sampler.start();
      double[] millis = roundTrip(sender, recipient, args[3], file, mimeType, received);
      sampler.interrupt();
      System.out.printf(
          "DONE %.1f %.1f %d %d %b%n",
          millis[0], millis[1], peak.get(), peakLive.get(), millis[2] == 1);
    }
  }

  /** Upload and download milliseconds, and 1 when the plaintext came back intact. */
  private static double[] roundTrip(
      CheckmarkClient sender,
      CheckmarkClient recipient,
      String to,
      Path file,
      String mimeType,
      BlockingQueue<MessageFrame> received)
      throws Exception {
    long start = System.nanoTime();
    sender.sendMedia(to, file, mimeType, MediaTransfers.Progress.NONE).get(10, TimeUnit.MINUTES);
    long uploaded = System.nanoTime();
    MessageFrame message = received.poll(60, TimeUnit.SECONDS);
    if (message == null) {
      throw new IllegalStateException("the recipient got no message within 60 s");
    }
    long downloadStart = System.nanoTime();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream plaintext =
            recipient
                .download(message.media(), MediaTransfers.Progress.NONE)
                .get(10, TimeUnit.MINUTES);
        DigestInputStream reading = new DigestInputStream(plaintext, digest)) {
      reading.transferTo(OutputStream.nullOutputStream());
    }
    long downloaded = System.nanoTime();
    return new double[] {
      (uploaded - start) / 1e6,
      (downloaded - downloadStart) / 1e6,
      Arrays.equals(digest.digest(), sha256(file)) ? 1 : 0
    };
  }

  private static byte[] sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return digest.digest();
  }
}
