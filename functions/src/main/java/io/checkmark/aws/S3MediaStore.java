package io.checkmark.aws;

import io.checkmark.core.MediaStore;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Media files in one S3 bucket, each at {@code media/<mediaId>}. Uploads and downloads are
 * presigned by the SDK's {@link S3Presigner}; a presigned URL acts with the function's own
 * permissions, which allow {@code PutObject} or {@code GetObject} on that prefix and nothing else.
 */
public final class S3MediaStore implements MediaStore {

  static final String KEY_PREFIX = "media/";

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;

  public S3MediaStore(S3Client s3, S3Presigner presigner, String bucket) {
    this.s3 = s3;
    this.presigner = presigner;
    this.bucket = bucket;
  }

  @Override
  public Grant grantUpload(
      String mediaId, String mimeType, long size, String sha256, Duration validity) {
    return grant(
        presigner.presignPutObject(
            presign ->
                presign
                    .signatureDuration(validity)
                    .putObjectRequest(
                        put ->
                            put.bucket(bucket)
                                .key(KEY_PREFIX + mediaId)
                                .contentType(mimeType)
                                .contentLength(size)
                                .checksumSHA256(sha256))));
  }

  @Override
  public Grant grantDownload(String mediaId, Duration validity) {
    return grant(
        presigner.presignGetObject(
            presign ->
                presign
                    .signatureDuration(validity)
                    .getObjectRequest(get -> get.bucket(bucket).key(KEY_PREFIX + mediaId))));
  }

  @Override
  public Optional<Upload> find(String mediaId) {
    try {
      HeadObjectResponse head =
          s3.headObject(
              request ->
                  request
                      .bucket(bucket)
                      .key(KEY_PREFIX + mediaId)
                      .checksumMode(ChecksumMode.ENABLED));
      return Optional.of(
          new Upload(head.contentLength(), head.contentType(), head.checksumSHA256()));
    } catch (S3Exception missing) {
      // A role that may not list the bucket hears 403, not 404, for a key that does not exist.
      if (missing.statusCode() == 404 || missing.statusCode() == 403) {
        return Optional.empty();
      }
      throw missing;
    }
  }

  /** The URL and the headers the client must send as signed; the host is in the URL already. */
  private static Grant grant(PresignedRequest presigned) {
    Map<String, String> headers = new LinkedHashMap<>();
    presigned
        .signedHeaders()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("host")) {
                headers.put(name, String.join(",", values));
              }
            });
    return new Grant(presigned.url().toString(), Collections.unmodifiableMap(headers));
  }
}
