package io.checkmark.core;

/**
 * Reaches open connections from the backend (API Gateway's management API in production). How an
 * item looks on the wire is the adapter's business; the rules only need its size as pushed.
 */
public interface ConnectionPusher {

  /** Pushes a queued item to a connection. */
  PushResult push(String connectionId, QueueItem item);

  /** Tells a connection that its device was replaced by a newer registration. */
  PushResult pushDeviceReplaced(String connectionId);

  /** Tells a connection that its device was unlinked. */
  PushResult pushDeviceUnlinked(String connectionId);

  /**
   * Tells a connection that waited for a link code that it is now logged in as a new device, with
   * that device's key.
   */
  PushResult pushLinked(String connectionId, DeviceRef device, String deviceKey);

  /** Pushes a typing signal; nothing is stored, so a failed push is simply lost. */
  PushResult pushTyping(String connectionId, Typing typing);

  /** The bytes the item takes as pushed (API Gateway refuses more than 128 KB). */
  int sizeAsPushed(QueueItem item);

  /** Closes a connection; closing one that is gone is not an error. */
  void close(String connectionId);

  /**
   * Whether the connection is still open, asked of the gateway itself: a phone that lost its
   * network leaves its Connections row behind until a push to it fails.
   */
  Liveness liveness(String connectionId);

  /** Open, gone for good, or unknown (the gateway could not be asked). */
  enum Liveness {
    OPEN,
    GONE,
    UNKNOWN
  }

  /**
   * What became of a push: delivered; the connection is gone for good; the frame is too large to
   * push, ever (permanent); or it failed for now (throttling, a 5xx: worth a later try).
   */
  enum PushResult {
    DELIVERED,
    GONE,
    TOO_LARGE,
    FAILED
  }
}
