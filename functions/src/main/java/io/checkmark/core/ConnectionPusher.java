package io.checkmark.core;

import io.checkmark.protocol.ServerFrame;

/** Reaches open connections from the backend (API Gateway's management API in production). */
public interface ConnectionPusher {

  /** Sends a frame to a connection. */
  PushResult send(String connectionId, ServerFrame frame);

  /** Closes a connection; closing one that is gone is not an error. */
  void close(String connectionId);

  /**
   * What became of a push: delivered; the connection is gone for good; the frame is too large to
   * push, ever (permanent); or it failed for now (throttling, a 5xx: worth a later try).
   */
  enum PushResult {
    DELIVERED, GONE, TOO_LARGE, FAILED
  }
}
