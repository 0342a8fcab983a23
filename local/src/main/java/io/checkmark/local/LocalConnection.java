package io.checkmark.local;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** One open client WebSocket, as the emulator and its management API see it. */
final class LocalConnection {

  private final String id;
  private final Instant connectedAt;
  private final String sourceIp;
  private final String userAgent;
  private final AtomicBoolean disconnectSuppressed = new AtomicBoolean();
  private volatile Session session;
  private volatile Instant lastActiveAt;

  LocalConnection(String id, Instant connectedAt, String sourceIp, String userAgent) {
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

  void send(String text) {
    touch();
    session.sendText(text, Callback.NOOP);
  }

  void close(int statusCode, String reason) {
    session.close(statusCode, reason, Callback.NOOP);
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
