package io.checkmark.core;

import java.util.List;
import java.util.Optional;

/** Where open connections are kept (the Connections table in production). */
public interface ConnectionStore {

  void save(Connection connection);

  Optional<Connection> find(String connectionId);

  /**
   * Logs a connection in as {@code device}, under the registration of {@code keyGeneration}. A
   * connection already closed stays closed: binding it does nothing and returns false.
   */
  boolean bind(String connectionId, DeviceRef device, long keyGeneration);

  /** Logs a connection out: it stays open, anonymous. */
  void unbind(String connectionId);

  /**
   * The connections logged in as any device of {@code phone}, each with its id, device and key
   * generation only; may lag a just-bound connection by a moment.
   */
  List<Connection> connectionsOf(String phone);

  /** Forgets a connection; forgetting one that is not there is not an error. */
  void delete(String connectionId);

  /** Forgets a connection and returns it as it was, if it was there. */
  Optional<Connection> remove(String connectionId);
}
