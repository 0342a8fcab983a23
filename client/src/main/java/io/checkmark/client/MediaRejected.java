package io.checkmark.client;

/**
 * A downloaded attachment that {@link MediaCipher#decrypt} refused: it does not match the checksum
 * its sender announced, fails its integrity check, or is not a whole blob. None of its plaintext
 * was released.
 */
public final class MediaRejected extends RuntimeException {

  MediaRejected(String message) {
    super(message);
  }
}
