package io.checkmark.core;

import java.time.Instant;
import java.util.Optional;

/** Where accounts are kept (the Accounts table in production). */
public interface AccountStore {

  Optional<Account> find(String phone);

  /**
   * Makes {@code deviceKeyHash} the phone's only device key, creating the account if needed, and
   * returns the key's generation: one more than the replaced key's, atomically.
   */
  long replaceDeviceKey(String phone, String deviceKeyHash, Instant registeredAt);
}
