package io.checkmark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MediaCipherTest {

  private static final int PLAINTEXT_BYTES = 1000;
  // IV, then 1008 bytes of ciphertext (1000 padded to whole blocks), then the MAC.
  private static final int CIPHERTEXT_START = MediaCipher.IV_BYTES;
  private static final int MAC_START = CIPHERTEXT_START + 1008;
  private static final int BLOB_BYTES = MAC_START + MediaCipher.MAC_BYTES;

  @TempDir Path directory;

  /** Expected values computed with openssl, independently of {@link MediaCipher}. */
  record Vector(String name, String key, String iv, String plaintext, String blob, String sha256) {
    byte[] bytes(String base64) {
      return Base64.getDecoder().decode(base64);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Vector> vectors() throws IOException {
    try (InputStream json = MediaCipherTest.class.getResourceAsStream("/media-test-vectors.json")) {
      return new ObjectMapper().readValue(json, new TypeReference<List<Vector>>() {});
    }
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void everyVectorEncryptsToExactlyItsBlobAndChecksum(Vector vector) throws IOException {
    Path blob = directory.resolve("blob");

    MediaCipher.Encrypted encrypted =
        MediaCipher.encrypt(
            new ByteArrayInputStream(vector.bytes(vector.plaintext())),
            vector.bytes(vector.key()),
            vector.bytes(vector.iv()),
            blob,
            read -> {});

    assertThat(Files.readAllBytes(blob)).isEqualTo(vector.bytes(vector.blob()));
    assertThat(encrypted.size()).isEqualTo(vector.bytes(vector.blob()).length);
    assertThat(encrypted.sha256()).isEqualTo(vector.bytes(vector.sha256()));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void everyVectorBlobDecryptsToItsPlaintext(Vector vector) throws IOException {
    Path blob = Files.write(directory.resolve("blob"), vector.bytes(vector.blob()));

    byte[] plaintext = decryptAll(blob, vector.bytes(vector.key()), vector.bytes(vector.sha256()));

    assertThat(plaintext).isEqualTo(vector.bytes(vector.plaintext()));
  }

  @Test
  void aTenMegabyteFileRoundTripsThroughFilesInConstantMemory() throws IOException {
    Path original = directory.resolve("original");
    Random random = new Random(7);
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(original)) {
      for (int i = 0; i < 160; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    byte[] key = MediaCipher.newKey();
    Path blob = directory.resolve("blob");

    MediaCipher.Encrypted encrypted;
    try (InputStream plaintext = Files.newInputStream(original)) {
      encrypted = MediaCipher.encrypt(plaintext, key, blob, read -> {});
    }

    assertThat(encrypted.size()).isEqualTo(Files.size(blob)).isEqualTo(10 * 1024 * 1024 + 64);
    assertThat(encrypted.sha256()).isEqualTo(sha256Of(Files.newInputStream(blob)));
    assertThat(sha256Of(MediaCipher.decrypt(blob, key, encrypted.sha256())))
        .isEqualTo(sha256Of(Files.newInputStream(original)));
  }

  @Test
  void anEmptyFileRoundTripsAsASixtyFourByteBlob() throws IOException {
    byte[] key = MediaCipher.newKey();
    Path blob = directory.resolve("blob");

    MediaCipher.Encrypted encrypted =
        MediaCipher.encrypt(InputStream.nullInputStream(), key, blob, read -> {});

    assertThat(encrypted.size()).isEqualTo(64).isEqualTo(Files.size(blob));
    assertThat(decryptAll(blob, key, encrypted.sha256())).isEmpty();
  }

  @Test
  void theProgressCallbackReachesThePlaintextLength() throws IOException {
    AtomicLong lastReported = new AtomicLong();

    MediaCipher.encrypt(
        new ByteArrayInputStream(new byte[200_000]),
        MediaCipher.newKey(),
        directory.resolve("blob"),
        lastReported::set);

    assertThat(lastReported).hasValue(200_000);
  }

  static IntStream everyRegionsFirstMiddleAndLastByte() {
    return IntStream.of(
        0,
        MediaCipher.IV_BYTES / 2,
        CIPHERTEXT_START - 1,
        CIPHERTEXT_START,
        (CIPHERTEXT_START + MAC_START) / 2,
        MAC_START - 1,
        MAC_START,
        MAC_START + MediaCipher.MAC_BYTES / 2,
        BLOB_BYTES - 1);
  }

  @ParameterizedTest
  @MethodSource("everyRegionsFirstMiddleAndLastByte")
  void aTamperedByteIsRefusedByTheChecksumBeforeAnyPlaintext(int position) throws IOException {
    byte[] key = MediaCipher.newKey();
    Path blob = directory.resolve("blob");
    MediaCipher.Encrypted encrypted = encryptRandom(key, blob);
    flipByte(blob, position);

    assertThatThrownBy(() -> MediaCipher.decrypt(blob, key, encrypted.sha256()))
        .isInstanceOf(MediaRejected.class)
        .hasMessageContaining("checksum");
  }

  @ParameterizedTest
  @MethodSource("everyRegionsFirstMiddleAndLastByte")
  void aTamperedByteWithAMatchingChecksumIsRefusedByTheHmacBeforeAnyPlaintext(int position)
      throws IOException {
    byte[] key = MediaCipher.newKey();
    Path blob = directory.resolve("blob");
    encryptRandom(key, blob);
    flipByte(blob, position);
    byte[] checksumOfTamperedBlob = sha256Of(Files.newInputStream(blob));

    assertThatThrownBy(() -> MediaCipher.decrypt(blob, key, checksumOfTamperedBlob))
        .isInstanceOf(MediaRejected.class)
        .hasMessageContaining("HMAC");
  }

  @Test
  void aWrongChecksumIsRefused() throws IOException {
    byte[] key = MediaCipher.newKey();
    Path blob = directory.resolve("blob");
    byte[] checksum = encryptRandom(key, blob).sha256();
    checksum[5] ^= 1;

    assertThatThrownBy(() -> MediaCipher.decrypt(blob, key, checksum))
        .isInstanceOf(MediaRejected.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void aWrongKeyIsRefusedByTheHmac() throws IOException {
    Path blob = directory.resolve("blob");
    byte[] checksum = encryptRandom(MediaCipher.newKey(), blob).sha256();

    assertThatThrownBy(() -> MediaCipher.decrypt(blob, MediaCipher.newKey(), checksum))
        .isInstanceOf(MediaRejected.class)
        .hasMessageContaining("HMAC");
  }

  @Test
  void aBlobTruncatedByAWholeBlockIsRefusedByTheHmac() throws IOException {
    byte[] key = MediaCipher.newKey();
    Path blob = directory.resolve("blob");
    encryptRandom(key, blob);
    byte[] truncated = Arrays.copyOf(Files.readAllBytes(blob), BLOB_BYTES - 16);
    Files.write(blob, truncated);

    assertThatThrownBy(
            () -> MediaCipher.decrypt(blob, key, sha256Of(new ByteArrayInputStream(truncated))))
        .isInstanceOf(MediaRejected.class)
        .hasMessageContaining("HMAC");
  }

  @Test
  void aBlobNotInWholeBlocksIsRefused() throws IOException {
    byte[] key = MediaCipher.newKey();
    Path blob = directory.resolve("blob");
    encryptRandom(key, blob);
    byte[] truncated = Arrays.copyOf(Files.readAllBytes(blob), BLOB_BYTES - 1);
    Files.write(blob, truncated);

    assertThatThrownBy(
            () -> MediaCipher.decrypt(blob, key, sha256Of(new ByteArrayInputStream(truncated))))
        .isInstanceOf(MediaRejected.class)
        .hasMessageContaining("not a whole encrypted attachment");
  }

  @Test
  void aBlobTooShortToHoldOneBlockIsRefused() throws IOException {
    byte[] tooShort = new byte[MediaCipher.IV_BYTES + MediaCipher.MAC_BYTES];
    Path blob = Files.write(directory.resolve("blob"), tooShort);

    assertThatThrownBy(
            () ->
                MediaCipher.decrypt(
                    blob, MediaCipher.newKey(), sha256Of(new ByteArrayInputStream(tooShort))))
        .isInstanceOf(MediaRejected.class)
        .hasMessageContaining("not a whole encrypted attachment");
  }

  @Test
  void aKeyThatIsNotSixtyFourBytesIsAnError() {
    byte[] shortKey = new byte[32];

    assertThatThrownBy(
            () ->
                MediaCipher.encrypt(
                    InputStream.nullInputStream(), shortKey, directory.resolve("blob"), r -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MediaCipher.decrypt(directory.resolve("blob"), shortKey, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void newKeysAreSixtyFourFreshBytes() {
    assertThat(MediaCipher.newKey()).hasSize(64).isNotEqualTo(MediaCipher.newKey());
  }

  private static MediaCipher.Encrypted encryptRandom(byte[] key, Path blob) throws IOException {
    byte[] plaintext = new byte[PLAINTEXT_BYTES];
    new Random(1).nextBytes(plaintext);
    MediaCipher.Encrypted encrypted =
        MediaCipher.encrypt(new ByteArrayInputStream(plaintext), key, blob, read -> {});
    assertThat(encrypted.size()).isEqualTo(BLOB_BYTES);
    return encrypted;
  }

  private static void flipByte(Path file, int position) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[position] ^= 0x01;
    Files.write(file, bytes);
  }

  private static byte[] decryptAll(Path blob, byte[] key, byte[] sha256) throws IOException {
    try (InputStream plaintext = MediaCipher.decrypt(blob, key, sha256)) {
      return plaintext.readAllBytes();
    }
  }

  /** Digests and closes the stream, reading it in chunks rather than whole. */
  private static byte[] sha256Of(InputStream in) throws IOException {
    try (in) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] chunk = new byte[64 * 1024];
      for (int read; (read = in.read(chunk)) != -1; ) {
        digest.update(chunk, 0, read);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
