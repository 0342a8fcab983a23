package io.checkmark.core;

import java.util.Optional;

/** Where open connections are kept (the Connections table in production). */
public interface ConnectionStore {

  void save(Connection connection);

  Optional<Connection> find(String connectionId);

  /** Forgets a connection; forgetting one that is not there is not an error. */
  void delete(String connectionId);
}
