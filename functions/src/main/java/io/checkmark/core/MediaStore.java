package io.checkmark.core;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where encrypted media files are kept: storage the clients reach directly through presigned URLs,
 * so that no file passes through a function.
 */
public interface MediaStore {

  /**
   * A presigned {@code PUT} for one file, whose signature covers its length, type and SHA-256: the
   * storage refuses any other body.
   */
  Grant grantUpload(String mediaId, String mimeType, long size, String sha256, Duration validity);

  /** A presigned {@code GET} of one file. */
  Grant grantDownload(String mediaId, Duration validity);

  /** What was uploaded under the id, or empty when nothing was (or it expired). */
  Optional<Upload> find(String mediaId);

  /** A presigned request: its URL and the headers the client must send with it. */
  record Grant(String url, Map<String, String> headers) {}

  /** A stored file as storage describes it: length, type, and SHA-256 in base64. */
  record Upload(long size, String mimeType, String sha256) {}
}
