package io.checkmark.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A secret kept only as {@code base64(salt):base64(SHA-256(salt || secret))}, in the manner of
 * Signal's SaltedTokenHash: enough for high-entropy device keys, and for PINs that live ten minutes
 * and die after five wrong tries. Comparison is constant-time.
 */
public final class SaltedHash {

  private static final int SALT_BYTES = 16;
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private SaltedHash() {}

  public static String of(String secret, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return ENCODER.encodeToString(salt) + ":" + ENCODER.encodeToString(digest(salt, secret));
  }

  /**
   * True when {@code secret} is the one hashed into {@code stored}; false for anything malformed.
   */
  public static boolean matches(String stored, String secret) {
    if (stored == null || secret == null) {
      return false;
    }
    int colon = stored.indexOf(':');
    if (colon < 1) {
      return false;
    }
    try {
      byte[] salt = DECODER.decode(stored.substring(0, colon));
      byte[] expected = DECODER.decode(stored.substring(colon + 1));
      return MessageDigest.isEqual(expected, digest(salt, secret));
    } catch (IllegalArgumentException malformed) {
      return false;
    }
  }

  private static byte[] digest(byte[] salt, String secret) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(salt);
      return sha256.digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
