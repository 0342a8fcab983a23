package io.checkmark.core;

/** Forgets closed connections: what {@code $disconnect} does ({@code $connect} is registration's). */
public final class ConnectionService {
  private final ConnectionStore connections;

  public ConnectionService(ConnectionStore connections) {
    this.connections = connections;
  }

  public void close(String connectionId) {
    connections.delete(connectionId);
  }
}
