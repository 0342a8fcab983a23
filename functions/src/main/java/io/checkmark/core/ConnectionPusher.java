package io.checkmark.core;

import io.checkmark.protocol.ServerFrame;

/** Reaches open connections from the backend (API Gateway's management API in production). */
public interface ConnectionPusher {

  /** Sends a frame; false when the connection is gone. */
  boolean send(String connectionId, ServerFrame frame);

  /** Closes a connection; closing one that is gone is not an error. */
  void close(String connectionId);
}
