package io.checkmark.client;

import java.util.Locale;

/** Who sees this account's last seen, as set by {@link CheckmarkClient#setLastSeenPrivacy}. */
public enum LastSeenPrivacy {
  /** Every account that asks (the default). */
  EVERYONE,
  /**
   * No account; as in WhatsApp, this account then sees nobody else's last seen either. Whether it
   * is online is still shown.
   */
  NOBODY;

  /**
   * The value on the wire, {@code everyone} or {@code nobody}, which is also how people type it.
   */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
