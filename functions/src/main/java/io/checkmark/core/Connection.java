package io.checkmark.core;

import java.time.Instant;

/**
 * One device's open WebSocket, as API Gateway identifies it; {@code phone} and {@code
 * keyGeneration} are set once the connection is logged in (null while anonymous).
 */
public record Connection(
    String id, Instant connectedAt, String sourceIp, String phone, Long keyGeneration) {

  public static Connection anonymous(String id, Instant connectedAt, String sourceIp) {
    return new Connection(id, connectedAt, sourceIp, null, null);
  }

  public boolean isLoggedIn() {
    return phone != null;
  }
}
