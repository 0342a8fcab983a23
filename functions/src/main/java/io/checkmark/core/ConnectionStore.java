package io.checkmark.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where open connections are kept (the Connections table in production). */
public interface ConnectionStore {

  /**
   * How long after its connect a connection the gateway calls gone may still be opening: API
   * Gateway answers 410 for a connection until its {@code $connect} has returned, and that function
   * writes the row before then. Three times the Connect function's 10-second timeout, to cover a
   * cold start before the handler and the gateway's clock against ours.
   */
  Duration HANDSHAKE_GRACE = Duration.ofSeconds(30);

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

  /**
   * Forgets a connection the gateway called gone (410), unless it connected less than {@link
   * #HANDSHAKE_GRACE} ago: then it may be one whose {@code $connect} has not returned yet, about to
   * open, and its row is kept (a later 410, {@code $disconnect} or the row's expiry removes it).
   * Forgetting one that is not there is not an error.
   */
  void forgetGone(String connectionId);

  /** Forgets a connection and returns it as it was, if it was there. */
  Optional<Connection> remove(String connectionId);
}
