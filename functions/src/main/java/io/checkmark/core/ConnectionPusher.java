package io.checkmark.core;

import io.checkmark.protocol.ServerFrame;

/** Reaches open connections from the backend (API Gateway's management API in production). */
public interface ConnectionPusher {

  /** Sends a frame to a connection. */
  PushResult send(String connectionId, ServerFrame frame);

  /** Closes a connection; closing one that is gone is not an error. */
  void close(String connectionId);

  /** What became of a push: delivered, the connection is gone for good, or it failed for now (throttled). */
  enum PushResult {
    DELIVERED, GONE, FAILED
  }
}
