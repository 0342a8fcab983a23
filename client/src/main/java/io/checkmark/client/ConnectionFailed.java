package io.checkmark.client;

import java.net.URI;

/**
 * The first connection could not be made, for a client told to {@link
 * CheckmarkClient.Settings#giveUpIfFirstConnectFails() give up} then: nothing listening, no answer
 * in time, or the server refused the WebSocket upgrade ({@link #refusedWithStatus()} then says
 * how).
 */
public final class ConnectionFailed extends RuntimeException {
  private final URI url;
  private final int refusedWithStatus;

  ConnectionFailed(URI url, int refusedWithStatus, Throwable cause) {
    super("cannot connect to " + url + ": " + cause, cause);
    this.url = url;
    this.refusedWithStatus = refusedWithStatus;
  }

  public URI url() {
    return url;
  }

  /** The HTTP status with which the server refused the upgrade, or 0 when none answered. */
  public int refusedWithStatus() {
    return refusedWithStatus;
  }
}
