package io.checkmark.core;

/**
 * An action did not commit because its connection is no longer bound to the session it was started
 * with (a login as another phone, perhaps in another function instance): it is run again as the
 * connection's current identity.
 */
public final class SessionChanged extends RuntimeException {

  public SessionChanged(String connectionId) {
    super("connection " + connectionId + " is no longer bound to the session it acted as");
  }
}
