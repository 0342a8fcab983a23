package io.checkmark.core;

import java.security.SecureRandom;
import java.util.Base64;

/** New device keys: 256 random bits in URL-safe base64, shown once and stored only as a hash. */
final class DeviceKeys {

  private static final int KEY_BYTES = 32;

  private DeviceKeys() {}

  static String newKey(SecureRandom random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }
}
