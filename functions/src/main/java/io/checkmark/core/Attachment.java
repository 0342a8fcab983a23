package io.checkmark.core;

/**
 * A message's attachment. Uploaded: the id of an encrypted file in media storage, its type, the
 * size and SHA-256 (base64) of the encrypted blob, the key that decrypts it (opaque here) and an
 * optional file name. Linked (protocol v1): a link to a file elsewhere and its type. Either may
 * carry a base64 JPEG thumbnail.
 */
public record Attachment(
    String url,
    String mediaId,
    String mimeType,
    Long size,
    String sha256,
    String key,
    String thumbnail,
    String name) {

  /** The v1 form: a link to a file elsewhere. */
  public static Attachment link(String url, String mimeType, String thumbnail) {
    return new Attachment(url, null, mimeType, null, null, null, thumbnail, null);
  }

  public boolean isUpload() {
    return mediaId != null;
  }
}
