package io.checkmark.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stack under many connections: started as its own process ({@code java -Xmx1g -jar}), it
 * is sent {@code n} WebSocket upgrades (each runs {@code $connect}, which writes a Connections
 * row), holds them idle while its heap is measured after a full GC ({@code jcmd}), then sees them
 * all dropped and reconnected at once: the reconnect storm after a network blip.
 */
final class ScaleBenchmark {

  private static final Pattern READY = Pattern.compile("ready: (ws://\\S+)");
  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final int HANDSHAKES_IN_FLIGHT = 256;

  private final Path localStackJar;
  private final Path template;

  ScaleBenchmark(Path localStackJar, Path template) {
    this.localStackJar = localStackJar;
    this.template = template;
  }

  void run(Report report, int connections) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process stack =
        new ProcessBuilder(
                java.toString(),
                "-Xmx1g",
                "-jar",
                localStackJar.toAbsolutePath().toString(),
                "--port",
                "0",
                "--template",
                template.toAbsolutePath().toString(),
                // Every upgrade is anonymous and from one address: raised so that the figures
                // measure connects, not refusals.
                "--parameter",
                "AnonymousConnectsPerAddressPerMinute=1000000")
            .redirectErrorStream(true)
            .start();
    try {
      URI url = awaitReady(stack);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
      List<WebSocket> sockets = new ArrayList<>();
      double openRate = openAll(http, url, connections, sockets);
      long heapKilobytes = heapAfterFullGc(stack.pid());

      sockets.forEach(WebSocket::abort);
      sockets.clear();
      double stormRate = openAll(http, url, connections, sockets);
      sockets.forEach(WebSocket::abort);

      report.section("11. Local stack scale");
      report.line(
          "The local stack as its own process with `-Xmx1g`; %,d WebSockets opened %d handshakes at a time from"
              + " another JVM, each running `$connect` (a Connections row).",
          connections, HANDSHAKES_IN_FLIGHT);
      report.line("");
      report.line(
          "- %,d idle connections held; heap in use after a full GC: **%.0f MB**",
          connections, heapKilobytes / 1024.0);
      report.line("- first connection wave: %.0f connections/s", openRate);
      report.line(
          "- reconnect storm (all dropped, all reconnecting at once): **%.0f connections/s**",
          stormRate);
      report.line("");
      report.target(
          "heap with " + connections + " idle connections",
          heapKilobytes / 1024.0,
          1024,
          false,
          "MB");
      report.target("reconnect storm", stormRate, 500, true, "connections/s");
    } finally {
      stack.destroy();
      if (!stack.waitFor(10, TimeUnit.SECONDS)) {
        stack.destroyForcibly();
      }
    }
  }

  private static URI awaitReady(Process stack) throws IOException {
    BufferedReader output =
        new BufferedReader(new InputStreamReader(stack.getInputStream(), StandardCharsets.UTF_8));
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      Matcher ready = READY.matcher(line);
      if (ready.find()) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    output.transferTo(Writer.nullWriter());
                  } catch (IOException stopped) {
                    // The stack was stopped: its output ends here.
                  }
                },
                "local-stack-output");
        drain.setDaemon(true);
        drain.start();
        return URI.create(ready.group(1));
      }
    }
    throw new IllegalStateException("the local stack exited before it was ready");
  }

  /**
   * Opens {@code count} connections, at most {@link #HANDSHAKES_IN_FLIGHT} handshakes at once;
   * returns connections/s.
   */
  private static double openAll(HttpClient http, URI url, int count, List<WebSocket> sockets)
      throws InterruptedException, ExecutionException {
    Semaphore inFlight = new Semaphore(HANDSHAKES_IN_FLIGHT);
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    List<CompletableFuture<WebSocket>> opening = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      inFlight.acquire();
      opening.add(
          http.newWebSocketBuilder()
              .buildAsync(url, new WebSocket.Listener() {})
              .whenComplete(
                  (socket, error) -> {
                    inFlight.release();
                    if (error != null) {
                      failures.incrementAndGet();
                      firstFailure.compareAndSet(null, error);
                    }
                  }));
    }
    CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
        .exceptionally(error -> null)
        .get();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failures.get() > 0) {
      throw new IllegalStateException(
          failures.get()
              + " of "
              + count
              + " connections failed to open, the first with: "
              + firstFailure.get(),
          firstFailure.get());
    }
    for (CompletableFuture<WebSocket> socket : opening) {
      sockets.add(socket.get());
    }
    return count / seconds;
  }

  private static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    run(jcmd.toString(), Long.toString(pid), "GC.run");
    Matcher used = USED.matcher(run(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
    if (!used.find()) {
      throw new IllegalStateException("no heap figure from jcmd");
    }
    return Long.parseLong(used.group(1));
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }
}
