package io.checkmark.core;

import java.util.List;
import java.util.Optional;

/** Where open connections are kept (the Connections table in production). */
public interface ConnectionStore {

  void save(Connection connection);

  Optional<Connection> find(String connectionId);

  /**
   * Logs a connection in as {@code phone}, under the device key of {@code keyGeneration}. A
   * connection already closed stays closed: binding it does nothing.
   */
  void bind(String connectionId, String phone, long keyGeneration);

  /**
   * The connections logged in as {@code phone}, each with its id and key generation only; may lag a
   * just-bound connection by a moment.
   */
  List<Connection> connectionsOf(String phone);

  /** Forgets a connection; forgetting one that is not there is not an error. */
  void delete(String connectionId);
}
