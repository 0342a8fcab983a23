package io.checkmark.client;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.LongConsumer;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Attachment encryption, the construction Signal uses: a 64-byte key whose first half is an
 * AES-256-CBC key and second half an HMAC-SHA256 key, and a blob {@code iv ‖ AES-CBC/PKCS#7
 * ciphertext ‖ HMAC-SHA256(iv ‖ ciphertext)}. The sender announces the blob's SHA-256 with the key,
 * so a receiver checks both the checksum and the MAC before it decrypts a byte.
 *
 * <p>Files are streamed through 64 KB buffers, never held whole in memory.
 */
public final class MediaCipher {

  public static final int KEY_BYTES = 64;
  static final int IV_BYTES = 16;
  static final int MAC_BYTES = 32;
  private static final int AES_KEY_BYTES = 32;
  private static final int AES_BLOCK_BYTES = 16;
  private static final int BUFFER_BYTES = 64 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A written blob: its length in bytes and its SHA-256, both announced with the attachment. */
  public record Encrypted(long size, byte[] sha256) {}

  private MediaCipher() {}

  /** A fresh random key for one attachment. */
  public static byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  /**
   * Encrypts {@code plaintext} (read to its end, not closed) into {@code blobFile}, replacing what
   * was there, under a fresh random IV. {@code bytesRead} hears the running count of plaintext
   * bytes read, for a progress bar.
   */
  public static Encrypted encrypt(
      InputStream plaintext, byte[] key, Path blobFile, LongConsumer bytesRead) throws IOException {
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    return encrypt(plaintext, key, iv, blobFile, bytesRead);
  }

  /** As {@link #encrypt(InputStream, byte[], Path, LongConsumer)} with a given IV, for tests. */
  static Encrypted encrypt(
      InputStream plaintext, byte[] key, byte[] iv, Path blobFile, LongConsumer bytesRead)
      throws IOException {
    requireKey(key);
    if (iv.length != IV_BYTES) {
      throw new IllegalArgumentException("an IV is " + IV_BYTES + " bytes, not " + iv.length);
    }
    Cipher cipher = aes(Cipher.ENCRYPT_MODE, key, iv);
    Mac mac = hmac(key);
    MessageDigest blobDigest = sha256();
    long ciphertextBytes = 0;
    try (OutputStream blob = new DigestOutputStream(Files.newOutputStream(blobFile), blobDigest)) {
      blob.write(iv);
      mac.update(iv);
      byte[] chunk = new byte[BUFFER_BYTES];
      // Room for a chunk plus the block CBC may have held back from the previous one.
      byte[] ciphertext = new byte[BUFFER_BYTES + AES_BLOCK_BYTES];
      long plaintextBytes = 0;
      for (int read; (read = plaintext.read(chunk)) != -1; ) {
        int produced = cipher.update(chunk, 0, read, ciphertext);
        blob.write(ciphertext, 0, produced);
        mac.update(ciphertext, 0, produced);
        ciphertextBytes += produced;
        plaintextBytes += read;
        bytesRead.accept(plaintextBytes);
      }
      int produced = cipher.doFinal(ciphertext, 0);
      blob.write(ciphertext, 0, produced);
      mac.update(ciphertext, 0, produced);
      ciphertextBytes += produced;
      blob.write(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC with padding cannot fail to encrypt", e);
    }
    return new Encrypted(IV_BYTES + ciphertextBytes + MAC_BYTES, blobDigest.digest());
  }

  /**
   * The plaintext of a downloaded blob, as a stream the caller closes. The whole file is read once
   * first, to check its SHA-256 against {@code expectedSha256} and its MAC against {@code key};
   * either failing, or a file too short or not in whole AES blocks, throws {@link MediaRejected}
   * and no stream is handed out. The file must not change while the stream is read.
   */
  public static InputStream decrypt(Path blobFile, byte[] key, byte[] expectedSha256)
      throws IOException {
    requireKey(key);
    Objects.requireNonNull(expectedSha256, "expectedSha256");
    FileChannel channel = FileChannel.open(blobFile, StandardOpenOption.READ);
    try {
      long ciphertextBytes = channel.size() - IV_BYTES - MAC_BYTES;
      // PKCS#7 always adds at least one block, so even an empty file has one.
      if (ciphertextBytes < AES_BLOCK_BYTES || ciphertextBytes % AES_BLOCK_BYTES != 0) {
        throw new MediaRejected(
            "the downloaded file is not a whole encrypted attachment ("
                + channel.size()
                + " bytes)");
      }
      byte[] iv = verify(channel, ciphertextBytes, key, expectedSha256);
      channel.position(IV_BYTES);
      return new CipherInputStream(
          new CiphertextStream(Channels.newInputStream(channel), ciphertextBytes),
          aes(Cipher.DECRYPT_MODE, key, iv));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Reads the whole blob, checks its checksum and MAC, and returns its IV. */
  private static byte[] verify(
      FileChannel channel, long ciphertextBytes, byte[] key, byte[] expectedSha256)
      throws IOException {
    MessageDigest blobDigest = sha256();
    Mac mac = hmac(key);
    // Not closed: that would close the channel, which the plaintext stream reads next.
    InputStream blob = Channels.newInputStream(channel);
    byte[] iv = readExactly(blob, new byte[IV_BYTES], IV_BYTES);
    blobDigest.update(iv);
    mac.update(iv);
    byte[] chunk = new byte[BUFFER_BYTES];
    for (long left = ciphertextBytes; left > 0; ) {
      int length = (int) Math.min(chunk.length, left);
      readExactly(blob, chunk, length);
      blobDigest.update(chunk, 0, length);
      mac.update(chunk, 0, length);
      left -= length;
    }
    byte[] receivedMac = readExactly(blob, new byte[MAC_BYTES], MAC_BYTES);
    blobDigest.update(receivedMac);
    if (!MessageDigest.isEqual(blobDigest.digest(), expectedSha256)) {
      throw new MediaRejected("the downloaded file does not match its checksum");
    }
    if (!MessageDigest.isEqual(mac.doFinal(), receivedMac)) {
      throw new MediaRejected("the downloaded file failed its integrity check (HMAC)");
    }
    return iv;
  }

  private static byte[] readExactly(InputStream in, byte[] buffer, int length) throws IOException {
    if (in.readNBytes(buffer, 0, length) < length) {
      throw new EOFException("the downloaded file shrank while it was being checked");
    }
    return buffer;
  }

  private static void requireKey(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "an attachment key is " + KEY_BYTES + " bytes, not " + key.length);
    }
  }

  private static Cipher aes(int mode, byte[] key, byte[] iv) {
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(mode, new SecretKeySpec(key, 0, AES_KEY_BYTES, "AES"), new IvParameterSpec(iv));
      return cipher;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has AES-256-CBC", e);
    }
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, AES_KEY_BYTES, KEY_BYTES - AES_KEY_BYTES, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HMAC-SHA256", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The ciphertext between the IV and the MAC: reading ends where the MAC begins. */
  private static final class CiphertextStream extends FilterInputStream {
    private long remaining;

    CiphertextStream(InputStream blobFromCiphertext, long ciphertextBytes) {
      super(blobFromCiphertext);
      this.remaining = ciphertextBytes;
    }

    @Override
    public int read() throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int read = super.read(buffer, offset, (int) Math.min(length, remaining));
      if (read > 0) {
        remaining -= read;
      }
      return read;
    }
  }
}
