package io.checkmark.local;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/** One open client WebSocket, as the emulator and its management API see it. */
final class LocalConnection {

  /**
   * Characters per outgoing frame; UTF-8 takes up to 4 bytes a character, so frames stay within 32
   * KB.
   */
  private static final int FRAGMENT_CHARS = 8 * 1024;

  private final String id;
  private final Instant connectedAt;
  private final String sourceIp;
  private final String userAgent;
  private final AtomicBoolean disconnectSuppressed = new AtomicBoolean();
  private volatile Session session;
  private volatile Instant lastActiveAt;
  private final Traffic traffic;
  private final InvocationConsole console;
  private ScheduledFuture<?> ageLimit;

  LocalConnection(
      String id,
      Instant connectedAt,
      String sourceIp,
      String userAgent,
      Traffic traffic,
      InvocationConsole console) {
    this.traffic = traffic;
    this.console = console;
    this.id = id;
    this.connectedAt = connectedAt;
    this.sourceIp = sourceIp;
    this.userAgent = userAgent;
    this.lastActiveAt = connectedAt;
  }

  String id() {
    return id;
  }

  Instant connectedAt() {
    return connectedAt;
  }

  String sourceIp() {
    return sourceIp;
  }

  String userAgent() {
    return userAgent;
  }

  Instant lastActiveAt() {
    return lastActiveAt;
  }

  void touch() {
    lastActiveAt = Instant.now();
  }

  void attach(Session session) {
    this.session = session;
  }

  boolean isOpen() {
    Session current = session;
    return current != null && current.isOpen();
  }

  /**
   * Sends one message, in frames of at most 32 KB as API Gateway sends them. Synchronized so that
   * the fragments of two messages sent at once by two invocations never interleave.
   */
  synchronized void send(String text) {
    touch();
    traffic.messageOut();
    console.frameOut(id, text);
    if (text.length() <= FRAGMENT_CHARS) {
      session.sendText(text, Callback.NOOP);
      return;
    }
    for (int start = 0; start < text.length(); start += FRAGMENT_CHARS) {
      int end = Math.min(text.length(), start + FRAGMENT_CHARS);
      session.sendPartialText(text.substring(start, end), end == text.length(), Callback.NOOP);
    }
  }

  /** How long the connection may stay silent before it is closed (1001), from now on. */
  void limitIdleTime(Duration idleTimeout) {
    Session current = session;
    if (current != null) {
      current.setIdleTimeout(idleTimeout);
    }
  }

  /**
   * Closes the connection (1001, as API Gateway at its 2-hour limit) once it has been open for
   * {@code maximum}, at once if it has; in place of the limit set before.
   */
  synchronized void limitAge(Duration maximum, ScheduledExecutorService timers) {
    stopAgeLimit();
    long left = Duration.between(Instant.now(), connectedAt.plus(maximum)).toMillis();
    ageLimit =
        timers.schedule(
            () -> close(StatusCode.SHUTDOWN, "Going away"),
            Math.max(0, left),
            TimeUnit.MILLISECONDS);
  }

  /** No age limit any more: the connection closed. */
  synchronized void stopAgeLimit() {
    if (ageLimit != null) {
      ageLimit.cancel(false);
    }
  }

  void close(int statusCode, String reason) {
    session.close(statusCode, reason, Callback.NOOP);
  }

  /** Closes with 1001, as API Gateway does when it goes away; completes once the frame is sent. */
  CompletableFuture<Void> goAway() {
    Callback.Completable sent = new Callback.Completable();
    Session current = session;
    if (current == null) {
      sent.succeed();
    } else {
      current.close(StatusCode.SHUTDOWN, "Going away", sent);
    }
    return sent;
  }

  /**
   * Cuts the TCP connection without a close handshake and without {@code $disconnect}, as when a
   * phone loses its network and API Gateway's {@code $disconnect} never reaches the backend.
   */
  void dropSilently() {
    disconnectSuppressed.set(true);
    session.disconnect();
  }

  boolean isDisconnectSuppressed() {
    return disconnectSuppressed.get();
  }
}
