package io.checkmark.core;

import io.checkmark.core.ConnectionPusher.PushResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes stored items to the live connections of the devices that own them. A push is only an early
 * delivery: whatever is not pushed waits in its queue for {@code sync}.
 */
public final class DevicePushes {

  private static final Logger LOG = LoggerFactory.getLogger(DevicePushes.class);

  private final ConnectionStore connections;
  private final ConnectionPusher pusher;
  private final Metrics metrics;

  public DevicePushes(ConnectionStore connections, ConnectionPusher pusher, Metrics metrics) {
    this.connections = connections;
    this.pusher = pusher;
    this.metrics = metrics;
  }

  /**
   * Pushes each item to the live connections of its owner device, one connection lookup per phone.
   * Only connections of the newest registration are pushed to: generations only grow, so the newest
   * among a phone's connections is current, and a replaced device is never pushed to. The rows of
   * connections that missed a push are closed and forgotten.
   */
  public void push(List<? extends QueueItem> items) {
    byPhone(items).forEach(this::pushToPhone);
  }

  /** The items by the phone that owns them, in first-seen order. */
  public static Map<String, List<QueueItem>> byPhone(List<? extends QueueItem> items) {
    Map<String, List<QueueItem>> byPhone = new LinkedHashMap<>();
    for (QueueItem item : items) {
      byPhone.computeIfAbsent(item.owner().phone(), phone -> new ArrayList<>()).add(item);
    }
    return byPhone;
  }

  /**
   * Pushes one phone's items (all owned by devices of {@code phone}); throws {@link
   * StorageUnavailable} when the phone's connections cannot be looked up.
   */
  public void pushToPhone(String phone, List<QueueItem> phoneItems) {
    List<Connection> live = connections.connectionsOf(phone);
    long current = newestGeneration(live);
    Set<String> missed = new HashSet<>();
    for (QueueItem item : phoneItems) {
      for (Connection connection : live) {
        if (connection.isOf(item.owner(), current)
            && !missed.contains(connection.id())
            && !pushTo(connection, item)) {
          missed.add(connection.id());
        }
      }
    }
  }

  /**
   * As {@link #push}, for items whose order nothing depends on (receipts): storage that fails to
   * look up the connections leaves them to sync and does not fail the caller, whose write (an ack,
   * a read) is committed already.
   */
  public void pushUnordered(List<? extends QueueItem> items) {
    byPhone(items)
        .forEach(
            (phone, phoneItems) -> {
              try {
                pushToPhone(phone, phoneItems);
              } catch (StorageUnavailable unavailable) {
                metrics.count("PushFailures", phoneItems.size(), "cause", "storage");
                LOG.warn(
                    "{} item(s) for {} not pushed, left for sync: {}",
                    phoneItems.size(),
                    phone,
                    unavailable.getMessage());
              }
            });
  }

  /** Pushes one item; false when the connection missed it and was closed for that. */
  private boolean pushTo(Connection connection, QueueItem item) {
    PushResult result = pusher.push(connection.id(), item);
    switch (result) {
      case DELIVERED -> metrics.count("ItemsPushed", 1);
      case GONE -> {
        metrics.count("PushFailures", 1, "cause", "gone");
        closeBehind(connection);
      }
      // Cannot happen for a frame its sender has checked; sync moves such an item aside.
      case TOO_LARGE -> metrics.count("PushFailures", 1, "cause", "tooLarge");
      case FAILED -> {
        metrics.count("PushFailures", 1, "cause", "transient");
        closeBehind(connection);
      }
    }
    return result == PushResult.DELIVERED || result == PushResult.TOO_LARGE;
  }

  /**
   * A connection that missed an item must not get a later one first: the item would reach the app
   * after its successor. It is closed, so that its device reconnects and syncs them in order, and
   * its row goes, so that nothing more is pushed to it even when the gateway calls it gone while it
   * is open, or cannot close it: then its next action, refused, makes it reconnect. A connection
   * still opening (410 until its {@code $connect} returns) is refused its first action and
   * reconnects.
   */
  private void closeBehind(Connection connection) {
    try {
      pusher.close(connection.id());
    } catch (RuntimeException notClosed) {
      LOG.warn(
          "connection {} missed a push and could not be closed: {}",
          connection.id(),
          notClosed.toString());
    }
    connections.delete(connection.id());
  }

  /** Generations only grow: the newest among a phone's connections is its current one. */
  static long newestGeneration(List<Connection> live) {
    return live.stream()
        .map(Connection::keyGeneration)
        .filter(generation -> generation != null)
        .mapToLong(Long::longValue)
        .max()
        .orElse(-1);
  }
}
