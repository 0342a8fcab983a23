package io.checkmark.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The devices' push targets, one per device at most, and each endpoint held by one device. */
public interface PushTargetStore {

  /** Saves the device's target, replacing its previous one, which it returns. */
  Optional<PushTarget> put(PushTarget target);

  /**
   * Removes the endpoint from every device but {@code keeper} (a token that moved to another device
   * or account); returns the devices it was removed from.
   */
  List<DeviceRef> detach(String endpoint, DeviceRef keeper);

  /** The devices whose target is this endpoint. */
  List<DeviceRef> holdersOf(String endpoint);

  /**
   * Ends the device's collapse window: it has synced what was queued, so the next item stored for
   * it may push at once.
   */
  void clearPushed(DeviceRef device);

  /** Removes the device's target, returning it. */
  Optional<PushTarget> remove(DeviceRef device);

  /**
   * Removes the target if it is still the one read (same endpoint, same registration time): a
   * device that registered again meanwhile keeps its new one.
   */
  boolean forget(PushTarget target);

  /** The targets of a phone's devices. */
  List<PushTarget> targetsOf(String phone);

  /**
   * Marks the target pushed at {@code now}, if it is still the one read and was last pushed before
   * {@code windowStart}, or before {@code lastOnline} (the device has been online since, so that
   * push was answered), or never: the one conditional write that collapses a burst into one push.
   */
  boolean claimPush(PushTarget target, Instant now, Instant windowStart, Instant lastOnline);

  /** Takes back a claim whose push failed, so that the next stored item pushes again. */
  void releasePush(PushTarget target, Instant claimedAt);
}
