package io.checkmark.core;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where accounts are kept (the Accounts table in production); every read is consistent. */
public interface AccountStore {

  Optional<Account> find(String phone);

  /** The accounts of those phones that have one, by phone, in one request. */
  Map<String, Account> findAll(Collection<String> phones);

  /**
   * Makes {@code primaryKeyHash} the key of the phone's only device, the primary, creating the
   * account if needed; every linked device is removed in the same write. Returns the new
   * registration's generation (one more than the replaced one's, atomically) and the linked devices
   * it revoked.
   */
  Registration replacePrimary(String phone, String primaryKeyHash, Instant registeredAt);

  /**
   * Adds a linked device to the account as read ({@code current}): only if the registration is
   * still that one, the device's id is still the next one and there is room. False when any of that
   * changed meanwhile (read again and decide).
   */
  boolean addDevice(Account current, Device device);

  /** Removes a linked device of that registration; false when it is gone or was replaced. */
  boolean removeDevice(String phone, long keyGeneration, int deviceId);

  /** Records when a device of that registration was last connected; nothing if it is gone. */
  void lastSeen(DeviceRef device, long keyGeneration, Instant at);

  /**
   * Adds {@code blocked} to the block list of that registration's account, unless it would then
   * hold more than {@code maxBlocked} phones. False when the registration was replaced or the list
   * is full (read again and decide); blocking a phone already blocked changes nothing and is true.
   */
  boolean block(String phone, long keyGeneration, String blocked, int maxBlocked);

  /** Removes {@code blocked} from the block list; false only when the registration was replaced. */
  boolean unblock(String phone, long keyGeneration, String blocked);

  /** Hides (or shows) the account's last seen; false when the registration was replaced. */
  boolean hideLastSeen(String phone, long keyGeneration, boolean hidden);

  /** What {@link #replacePrimary} did: the new generation, and the linked devices it removed. */
  record Registration(long keyGeneration, List<Integer> revokedDevices) {}
}
