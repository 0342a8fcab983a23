package io.checkmark.core;

/** Opens and closes connections: what {@code $connect} and {@code $disconnect} do. */
public final class ConnectionService {
  private final ConnectionStore connections;

  public ConnectionService(ConnectionStore connections) {
    this.connections = connections;
  }

  public void open(Connection connection) {
    connections.save(connection);
  }

  public void close(String connectionId) {
    connections.delete(connectionId);
  }
}
