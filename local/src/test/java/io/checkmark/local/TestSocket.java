package io.checkmark.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A real WebSocket client (the JDK's) that queues what it receives, for tests. */
public final class TestSocket implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private WebSocket webSocket;

  private TestSocket() {}

  public static TestSocket connect(URI uri) {
    return connect(uri, Map.of());
  }

  public static TestSocket connect(URI uri, Map<String, String> headers) {
    TestSocket socket = new TestSocket();
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
    headers.forEach(builder::header);
    try {
      socket.webSocket =
          builder.buildAsync(uri, socket.new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return socket;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        throw new Refused(refused.getResponse().statusCode());
      }
      throw new IllegalStateException("cannot connect to " + uri, e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("cannot connect to " + uri, e);
    }
  }

  /** The status with which the server refused the upgrade. */
  public static final class Refused extends RuntimeException {
    private final int status;

    Refused(int status) {
      super("upgrade refused with " + status);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public TestSocket send(String text) {
    join(webSocket.sendText(text, true));
    return this;
  }

  /**
   * Sends a message the server is expected to refuse part-way, by closing the connection: the send
   * may then fail, and the close code tells what happened.
   */
  public void sendUntilClosed(String text) {
    try {
      webSocket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException closedWhileSending) {
      // What the caller expects; closeCode(...) reports the server's reason.
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("send neither completed nor failed", e);
    }
  }

  /** Sends one fragment of a message; the message ends with the fragment sent with {@code last}. */
  public TestSocket sendFragment(String text, boolean last) {
    join(webSocket.sendText(text, last));
    return this;
  }

  public TestSocket sendBinary(byte[] bytes) {
    join(webSocket.sendBinary(ByteBuffer.wrap(bytes), true));
    return this;
  }

  /** The next text frame received, waiting up to ten seconds. */
  public String next() {
    return next(WAIT);
  }

  public String next(Duration wait) {
    try {
      String frame = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + wait);
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A frame if one arrives within {@code wait}, else null. */
  public String poll(Duration wait) throws InterruptedException {
    return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The close code the server sent (or 1006 for an abnormal closure), waiting up to {@code wait}.
   */
  public int closeCode(Duration wait) {
    try {
      return closeCode.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("not closed within " + wait, e);
    }
  }

  public boolean isClosed() {
    return closeCode.isDone();
  }

  @Override
  public void close() {
    if (!webSocket.isOutputClosed()) {
      webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    webSocket.abort();
  }

  private static void join(CompletableFuture<?> sending) {
    try {
      sending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("send failed", e);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closeCode.complete(1006);
    }
  }
}
