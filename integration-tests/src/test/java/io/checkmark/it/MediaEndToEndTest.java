package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.MediaCipher;
import io.checkmark.client.MediaRejected;
import io.checkmark.client.MediaTransfers;
import io.checkmark.local.LocalStack;
import io.checkmark.local.TestSocket;
import io.checkmark.protocol.GroupCreated;
import io.checkmark.protocol.Media;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Media end to end on the local stack, through the client SDK: encrypted on the sender, uploaded
 * through a presigned PUT, sent with its key, fetched by the recipient and checked before a byte of
 * plaintext is released; and every way of getting it wrong refused with one clear error.
 */
class MediaEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Low enough to reach in a test; each other test uploads at most 2 files per account. */
  private static final int UPLOADS_PER_HOUR = 5;

  private static LocalStack stack;
  private static S3Client storage;

  @TempDir Path files;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(
                    Map.of(
                        "PinRequestsPerAddressPerHour",
                        "100000",
                        "MaxMediaBytes",
                        Long.toString(20L * 1024 * 1024),
                        "MediaUploadsPerAccountPerHour",
                        Integer.toString(UPLOADS_PER_HOUR)))
                .build());
    storage = ProjectStack.s3(stack);
  }

  @AfterAll
  static void stopStack() {
    storage.close();
    stack.close();
  }

  @Test
  void aTenMegabyteFileReachesTheRecipientIntactAndTheServerStoresOnlyCiphertext()
      throws Exception {
    Path file = randomFile("video.mp4", 10 * 1024 * 1024);
    try (Pair pair = new Pair()) {
      AtomicLong uploaded = new AtomicLong();
      AtomicLong downloaded = new AtomicLong();
      pair.alice
          .sendMedia(pair.bob.phone(), file, "video/mp4", (bytes, total) -> uploaded.set(bytes))
          .join();

      MessageFrame received = pair.bobInbox.nextMessage();
      Media media = received.media();
      assertThat(media.mimeType()).isEqualTo("video/mp4");
      assertThat(media.name()).isEqualTo("video.mp4");
      assertThat(media.size()).isEqualTo(uploaded.get()).isGreaterThan(Files.size(file));
      assertThat(media.thumbnail()).as("no thumbnail for a video").isNull();
      try (InputStream plaintext =
          pair.bob.download(media, (bytes, total) -> downloaded.set(bytes)).join()) {
        assertThat(plaintext).hasSameContentAs(Files.newInputStream(file));
      }
      assertThat(downloaded.get()).isEqualTo(media.size());
      byte[] stored = storedBlob(media.mediaId());
      assertThat(sha256(stored)).isEqualTo(media.sha256());
      assertThat(indexOf(stored, Files.readAllBytes(file), 4096))
          .as("plaintext in storage")
          .isNegative();
    }
  }

  @Test
  void anEmptyFileRoundTripsAsAMinimalBlob() throws Exception {
    Path file = Files.createFile(files.resolve("empty.txt"));
    try (Pair pair = new Pair()) {
      pair.alice
          .sendMedia(pair.bob.phone(), file, "text/plain", MediaTransfers.Progress.NONE)
          .join();

      Media media = pair.bobInbox.nextMessage().media();
      assertThat(media.size()).as("iv, one padding block, MAC").isEqualTo(16 + 16 + 32);
      try (InputStream plaintext = pair.bob.download(media, MediaTransfers.Progress.NONE).join()) {
        assertThat(plaintext.readAllBytes()).isEmpty();
      }
    }
  }

  @Test
  void anImageCarriesAJpegThumbnailOfAtMost16Kb() throws Exception {
    BufferedImage photo = new BufferedImage(2000, 1500, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < photo.getWidth(); x++) {
      for (int y = 0; y < photo.getHeight(); y++) {
        photo.setRGB(x, y, RANDOM.nextInt());
      }
    }
    Path file = files.resolve("photo.png");
    ImageIO.write(photo, "png", file.toFile());
    try (Pair pair = new Pair()) {
      pair.alice
          .sendMedia(pair.bob.phone(), file, "image/png", MediaTransfers.Progress.NONE)
          .join();

      Media media = pair.bobInbox.nextMessage().media();
      assertThat(media.thumbnail()).isNotNull().hasSizeLessThanOrEqualTo(16 * 1024);
      BufferedImage thumbnail =
          ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(media.thumbnail())));
      assertThat(Math.max(thumbnail.getWidth(), thumbnail.getHeight())).isLessThanOrEqualTo(320);
    }
  }

  @Test
  void aBlobTamperedInStorageIsRefusedBeforeAnyPlaintextWhicheverPartWasChanged() throws Exception {
    Path file = randomFile("notes.txt", 5000);
    try (Pair pair = new Pair()) {
      pair.alice
          .sendMedia(pair.bob.phone(), file, "text/plain", MediaTransfers.Progress.NONE)
          .join();
      Media media = pair.bobInbox.nextMessage().media();
      byte[] original = storedBlob(media.mediaId());
      // A byte of the IV, of the ciphertext, of the MAC.
      for (int position : List.of(3, original.length / 2, original.length - 5)) {
        byte[] tampered = original.clone();
        tampered[position] ^= 0x01;
        storage.putObject(
            put -> put.bucket(bucket()).key("media/" + media.mediaId()).contentType("text/plain"),
            RequestBody.fromBytes(tampered));

        assertThatThrownBy(() -> pair.bob.download(media, MediaTransfers.Progress.NONE).join())
            .as("byte %d changed", position)
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(MediaRejected.class);
        // Even with the checksum matched to the tampered blob, the HMAC refuses it.
        Media matched =
            new Media(
                null,
                media.mediaId(),
                media.mimeType(),
                (long) tampered.length,
                sha256(tampered),
                media.key(),
                null,
                media.name());
        assertThatThrownBy(() -> pair.bob.download(matched, MediaTransfers.Progress.NONE).join())
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(MediaRejected.class)
            .hasMessageContaining("HMAC");
      }
    }
  }

  @Test
  void aDeviceThatNeverGotTheMessageCanFetchOnlyCiphertextItCannotRead() throws Exception {
    Path file = randomFile("secret.txt", 3000);
    try (Pair pair = new Pair()) {
      pair.alice
          .sendMedia(pair.bob.phone(), file, "text/plain", MediaTransfers.Progress.NONE)
          .join();
      Media media = pair.bobInbox.nextMessage().media();
      String carol = Phones.next();
      String carolKey = Devices.register(stack, carol);
      Devices.Inbox carolInbox = new Devices.Inbox();
      try (CheckmarkClient carolClient = Devices.client(stack, carol, carolKey, carolInbox)) {
        carolClient.connect().join();
        String url = carolClient.requestDownload(media.mediaId()).join().url();
        byte[] ciphertext =
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .body();
        assertThat(indexOf(ciphertext, Files.readAllBytes(file), 64)).isNegative();
        Path blob = files.resolve("fetched.bin");
        Files.write(blob, ciphertext);
        assertThatThrownBy(
                () ->
                    MediaCipher.decrypt(
                        blob, MediaCipher.newKey(), Base64.getDecoder().decode(media.sha256())))
            .isInstanceOf(MediaRejected.class);
      }
    }
  }

  @Test
  void aGroupMemberGetsTheFileAGroupMessageCarries() throws Exception {
    Path file = randomFile("plan.pdf", 200_000);
    try (Pair pair = new Pair()) {
      GroupCreated group = pair.alice.createGroup("Trip", List.of(pair.bob.phone())).join();
      pair.bobInbox.nextGroupUpdate();

      pair.alice
          .sendMediaToGroup(group.groupId(), file, "application/pdf", MediaTransfers.Progress.NONE)
          .join();

      MessageFrame received = pair.bobInbox.nextMessage();
      assertThat(received.group()).isEqualTo(group.groupId());
      try (InputStream plaintext =
          pair.bob.download(received.media(), MediaTransfers.Progress.NONE).join()) {
        assertThat(plaintext).hasSameContentAs(Files.newInputStream(file));
      }
    }
  }

  @Test
  void badMediaRequestsAreOneClearErrorFrameAndStoreNothing() throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    Devices.register(stack, bob);
    byte[] blob = new byte[100];
    RANDOM.nextBytes(blob);
    String sha = sha256(blob);
    try (TestSocket socket =
        TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey))) {
      assertThat(
              error(
                  socket,
                  "{\"action\":\"requestUpload\",\"mimeType\":\"video/mp4\",\"size\":"
                      + (20L * 1024 * 1024 + 1)
                      + ",\"sha256\":\""
                      + sha
                      + "\"}"))
          .isEqualTo("MEDIA_TOO_LARGE");
      assertThat(
              error(
                  socket, "{\"action\":\"requestUpload\",\"mimeType\":\"video/mp4\",\"size\":10}"))
          .isEqualTo("BAD_REQUEST");
      JsonNode grant =
          reply(
              socket,
              "{\"action\":\"requestUpload\",\"mimeType\":\"image/jpeg\",\"size\":100,\"sha256\":\""
                  + sha
                  + "\"}");
      assertThat(grant.get("type").asText()).isEqualTo("uploadUrl");
      assertThat(grant.get("method").asText()).isEqualTo("PUT");
      assertThat(grant.get("url").asText()).contains("X-Amz-Signature=");
      assertThat(grant.get("expiresInSeconds").asLong()).isBetween(60L, 900L);
      String mediaId = grant.get("mediaId").asText();
      assertThat(Base64.getUrlDecoder().decode(mediaId)).hasSizeGreaterThanOrEqualTo(16);

      String media =
          "{\"mediaId\":\""
              + mediaId
              + "\",\"mimeType\":\"image/jpeg\",\"size\":100,\"sha256\":\""
              + sha
              + "\",\"key\":\"AAAA\"";
      assertThat(error(socket, send(bob, "m-1", media + "}")))
          .as("not uploaded yet")
          .isEqualTo("MEDIA_NOT_FOUND");
      HttpResponse<String> put =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(grant.get("url").asText()))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                  .header("content-type", "image/jpeg")
                  .header("x-amz-checksum-sha256", sha)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(200);
      assertThat(
              error(socket, send(bob, "m-2", media.replace("\"size\":100", "\"size\":101") + "}")))
          .as("another size")
          .isEqualTo("MEDIA_NOT_FOUND");
      assertThat(error(socket, send(bob, "m-3", media.replace("image/jpeg", "image/png") + "}")))
          .as("another type")
          .isEqualTo("MEDIA_NOT_FOUND");
      assertThat(
              error(
                  socket,
                  send(bob, "m-3b", media.replace(sha, sha256(new byte[] {1, 2, 3})) + "}")))
          .as("another sha256")
          .isEqualTo("MEDIA_NOT_FOUND");
      assertThat(
              error(
                  socket,
                  send(
                      bob,
                      "m-4",
                      "{\"mediaId\":\"../../etc/passwd\",\"mimeType\":\"a/b\",\"size\":1,\"sha256\":\""
                          + sha
                          + "\",\"key\":\"AAAA\"}")))
          .as("an id of another form")
          .isEqualTo("MEDIA_NOT_FOUND");
      assertThat(
              error(
                  socket,
                  send(
                      bob, "m-5", media + ",\"thumbnail\":\"" + "A".repeat(16 * 1024 + 4) + "\"}")))
          .as("a thumbnail over 16 KB")
          .isEqualTo("BAD_REQUEST");
      // Under 128 KB as sent, over it as pushed (the server adds the message id, sender, time).
      String withThumbnail = media + ",\"thumbnail\":\"" + "A".repeat(16 * 1024) + "\"}";
      String empty =
          "{\"action\":\"send\",\"to\":\""
              + bob
              + "\",\"id\":\"m-6\",\"body\":\"\",\"media\":"
              + withThumbnail
              + "}";
      String body = "x".repeat(128 * 1024 - 40 - empty.length());
      assertThat(error(socket, empty.replace("\"body\":\"\"", "\"body\":\"" + body + "\"")))
          .as("the 128 KB rule still holds")
          .isEqualTo("MESSAGE_TOO_LARGE");
      assertThat(
              error(
                  socket,
                  "{\"action\":\"requestDownload\",\"mediaId\":\"AAAAAAAAAAAAAAAAAAAAAA\"}"))
          .isEqualTo("MEDIA_NOT_FOUND");
      assertThat(reply(socket, send(bob, "m-7", media + "}")).get("type").asText())
          .as("the upload as it is")
          .isEqualTo("accepted");
    }
  }

  @Test
  void uploadsAreLimitedPerAccountPerHour() throws Exception {
    assertThat(stack.environmentOf("RequestUploadFunction"))
        .containsEntry("MEDIA_UPLOADS_PER_ACCOUNT_PER_HOUR", Integer.toString(UPLOADS_PER_HOUR));
    String alice = Phones.next();
    String aliceKey = Devices.register(stack, alice);
    String request =
        "{\"action\":\"requestUpload\",\"mimeType\":\"image/jpeg\",\"size\":10,\"sha256\":\""
            + sha256(new byte[10])
            + "\"}";
    try (TestSocket socket =
        TestSocket.connect(stack.webSocketUrl(), MessagingEndToEndTest.basic(alice, aliceKey))) {
      for (int i = 0; i < UPLOADS_PER_HOUR; i++) {
        assertThat(reply(socket, request).get("type").asText()).isEqualTo("uploadUrl");
      }
      JsonNode refused = reply(socket, request);
      assertThat(refused.path("code").asText()).as(refused.toString()).isEqualTo("RATE_LIMITED");
      assertThat(refused.get("retryAfterSeconds").asInt()).isBetween(1, 3600);
    }
  }

  private static String send(String to, String id, String media) {
    return "{\"action\":\"send\",\"to\":\""
        + to
        + "\",\"id\":\""
        + id
        + "\",\"media\":"
        + media
        + "}";
  }

  private static JsonNode reply(TestSocket socket, String frame) throws Exception {
    return JSON.readTree(socket.send(frame).next());
  }

  private static String error(TestSocket socket, String frame) throws Exception {
    JsonNode reply = reply(socket, frame);
    assertThat(reply.get("type").asText()).as(reply.toString()).isEqualTo("error");
    assertThat(reply.get("message").asText())
        .as("one short line")
        .doesNotContain("\n")
        .hasSizeLessThan(200);
    return reply.get("code").asText();
  }

  private Path randomFile(String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    RANDOM.nextBytes(bytes);
    return Files.write(files.resolve(name), bytes);
  }

  private static String bucket() {
    return stack.bucketName("MediaBucket");
  }

  private static byte[] storedBlob(String mediaId) {
    return storage
        .getObjectAsBytes(get -> get.bucket(bucket()).key("media/" + mediaId))
        .asByteArray();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Where a run of {@code probe} bytes taken from the start of {@code needle} occurs, or -1. */
  private static int indexOf(byte[] haystack, byte[] needle, int probe) {
    byte[] run = Arrays.copyOf(needle, Math.min(probe, needle.length));
    outer:
    for (int i = 0; i + run.length <= haystack.length; i++) {
      for (int j = 0; j < run.length; j++) {
        if (haystack[i + j] != run[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Alice and Bob, registered and connected through the SDK. */
  private static final class Pair implements AutoCloseable {
    final Devices.Inbox aliceInbox = new Devices.Inbox();
    final Devices.Inbox bobInbox = new Devices.Inbox();
    final CheckmarkClient alice;
    final CheckmarkClient bob;

    Pair() {
      String alicePhone = Phones.next();
      String bobPhone = Phones.next();
      alice = Devices.client(stack, alicePhone, Devices.register(stack, alicePhone), aliceInbox);
      bob = Devices.client(stack, bobPhone, Devices.register(stack, bobPhone), bobInbox);
      alice.connect().join();
      bob.connect().join();
    }

    @Override
    public void close() {
      alice.close();
      bob.close();
    }
  }
}
