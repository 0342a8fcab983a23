package io.checkmark.core;

import java.util.Optional;

/** Where pending PINs are kept (the Pins table in production); at most one per phone. */
public interface PinStore {

  /** Stores a new PIN for the phone, replacing any earlier one. */
  void save(PendingPin pin);

  Optional<PendingPin> find(String phone);

  /**
   * Deletes the PIN if it is still this one and has tries left; true for the one caller that
   * did, so that a PIN is used once even when two verifications race.
   */
  boolean consume(PendingPin pin);

  /** Counts a wrong try against this PIN; the tries left after it, or -1 when the PIN is used or replaced. */
  int recordWrongTry(PendingPin pin);

  void delete(String phone);
}
