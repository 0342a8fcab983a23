package io.checkmark.local;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The open connections by id: what API Gateway knows and the management API looks up. */
final class ConnectionRegistry {

  private final ConcurrentMap<String, LocalConnection> open = new ConcurrentHashMap<>();

  void add(LocalConnection connection) {
    open.put(connection.id(), connection);
  }

  Optional<LocalConnection> find(String connectionId) {
    return Optional.ofNullable(open.get(connectionId)).filter(LocalConnection::isOpen);
  }

  void remove(String connectionId) {
    open.remove(connectionId);
  }

  Collection<LocalConnection> all() {
    return open.values();
  }
}
