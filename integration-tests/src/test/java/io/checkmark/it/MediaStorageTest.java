package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.aws.AwsClients;
import io.checkmark.aws.S3MediaStore;
import io.checkmark.core.MediaStore;
import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.ProjectStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local stack's S3 server against the functions' own presigning code (through the endpoint
 * override): a presigned upload stores exactly the body it was signed for, and storage refuses any
 * other length, type or checksum, an expired URL and a URL edited to another key, as S3 does.
 */
class MediaStorageTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final SecureRandom RANDOM = new SecureRandom();

  private static LocalStack stack;
  private static AwsClients uploadFunction;
  private static MediaStore media;

  @BeforeAll
  static void startStack() {
    stack = LocalStack.start(ProjectStack.options().build());
    uploadFunction = new AwsClients(stack.environmentOf("RequestUploadFunction"));
    media =
        new S3MediaStore(
            uploadFunction.s3(), uploadFunction.s3Presigner(), stack.bucketName("MediaBucket"));
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  @Test
  void aPresignedUploadStoresTheSignedBodyAndHeadObjectGivesItsSizeTypeAndChecksum()
      throws Exception {
    byte[] blob = randomBytes(1000);
    String mediaId = newId();
    MediaStore.Grant grant =
        media.grantUpload(mediaId, "image/jpeg", blob.length, sha256(blob), Duration.ofMinutes(5));

    assertThat(grant.url()).startsWith(stack.s3Endpoint().toString()).contains("X-Amz-Signature=");
    assertThat(grant.headers())
        .containsOnly(
            Map.entry("content-type", "image/jpeg"),
            Map.entry("content-length", "1000"),
            Map.entry("x-amz-checksum-sha256", sha256(blob)));
    assertThat(send(grant, "image/jpeg", sha256(blob), blob).statusCode()).isEqualTo(200);

    assertThat(media.find(mediaId))
        .contains(new MediaStore.Upload(blob.length, "image/jpeg", sha256(blob)));
    HttpResponse<byte[]> download =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(media.grantDownload(mediaId, Duration.ofMinutes(1)).url()))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(blob);
  }

  @Test
  void storageRefusesABodyOfAnotherLengthTypeOrChecksum() throws Exception {
    byte[] blob = randomBytes(1000);
    String mediaId = newId();
    MediaStore.Grant grant =
        media.grantUpload(mediaId, "image/jpeg", blob.length, sha256(blob), Duration.ofMinutes(5));
    byte[] sameLengthOtherBytes = randomBytes(1000);

    assertThat(send(grant, "image/jpeg", sha256(blob), randomBytes(1001)).statusCode())
        .as("another length")
        .isEqualTo(403);
    assertThat(send(grant, "image/png", sha256(blob), blob).statusCode())
        .as("another type")
        .isEqualTo(403);
    assertThat(
            send(grant, "image/jpeg", sha256(sameLengthOtherBytes), sameLengthOtherBytes)
                .statusCode())
        .as("another checksum header")
        .isEqualTo(403);
    HttpResponse<String> otherBody = send(grant, "image/jpeg", sha256(blob), sameLengthOtherBytes);
    assertThat(otherBody.statusCode())
        .as("a body that does not match the signed checksum")
        .isEqualTo(400);
    assertThat(otherBody.body()).contains("BadDigest");

    assertThat(media.find(mediaId)).as("nothing stored").isEmpty();
  }

  @Test
  void aUrlEditedToAnotherKeyIsRefused() throws Exception {
    byte[] blob = randomBytes(100);
    String mediaId = newId();
    MediaStore.Grant grant =
        media.grantUpload(mediaId, "image/jpeg", blob.length, sha256(blob), Duration.ofMinutes(5));
    String otherId = newId();
    MediaStore.Grant edited =
        new MediaStore.Grant(grant.url().replace(mediaId, otherId), grant.headers());

    HttpResponse<String> refused = send(edited, "image/jpeg", sha256(blob), blob);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("SignatureDoesNotMatch");
    assertThat(media.find(otherId)).isEmpty();
  }

  @Test
  void anExpiredUrlIsRefused() {
    byte[] blob = randomBytes(100);
    String mediaId = newId();
    MediaStore.Grant grant =
        media.grantUpload(mediaId, "image/jpeg", blob.length, sha256(blob), Duration.ofSeconds(1));

    // The refusal itself is asserted: S3Proxy may close the connection after it, so a second
    // PUT could meet a socket the server already dropped.
    AtomicReference<HttpResponse<String>> refused = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              refused.set(send(grant, "image/jpeg", sha256(blob), blob));
              return refused.get().statusCode() == 403;
            });
    assertThat(refused.get().body()).contains("AccessDenied");
  }

  @Test
  void aMissingKeyIsAccessDeniedAsS3AnswersARoleThatMayNotListAndIsNotFound() throws Exception {
    String missing = newId();

    HttpResponse<String> download =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(media.grantDownload(missing, Duration.ofMinutes(1)).url()))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(download.statusCode()).isEqualTo(403);
    assertThat(download.body()).contains("AccessDenied");
    assertThat(media.find(missing)).isEmpty();
  }

  @Test
  void anUnsignedReadIsAccessDeniedWhetherTheKeyExistsOrNot() throws Exception {
    byte[] blob = randomBytes(10);
    String stored = newId();
    MediaStore.Grant grant =
        media.grantUpload(stored, "text/plain", blob.length, sha256(blob), Duration.ofMinutes(5));
    assertThat(send(grant, "text/plain", sha256(blob), blob).statusCode()).isEqualTo(200);
    String bucket = stack.s3Endpoint() + "/" + stack.bucketName("MediaBucket") + "/media/";

    for (String id : new String[] {stored, newId()}) {
      HttpResponse<String> unsigned =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(bucket + id)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unsigned.statusCode()).isEqualTo(403);
      assertThat(unsigned.body()).contains("AccessDenied");
    }
  }

  @Test
  void aDeveloperCanListTheBucketAsTheAwsCliDoes() {
    byte[] blob = randomBytes(10);
    String mediaId = newId();
    MediaStore.Grant grant =
        media.grantUpload(mediaId, "text/plain", blob.length, sha256(blob), Duration.ofMinutes(5));
    assertThat(send(grant, "text/plain", sha256(blob), blob).statusCode()).isEqualTo(200);

    try (S3Client developer = ProjectStack.s3(stack)) {
      assertThat(developer.listBuckets().buckets())
          .extracting(bucket -> bucket.name())
          .contains(stack.bucketName("MediaBucket"));
      assertThat(
              developer
                  .listObjectsV2(
                      request -> request.bucket(stack.bucketName("MediaBucket")).prefix("media/"))
                  .contents())
          .extracting(object -> object.key())
          .contains("media/" + mediaId);
    }
  }

  /** A PUT as a client sends it: the body's own length, and these type and checksum headers. */
  private static HttpResponse<String> send(
      MediaStore.Grant grant, String contentType, String checksum, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(grant.url()))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", contentType)
            .header("x-amz-checksum-sha256", checksum);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String newId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
