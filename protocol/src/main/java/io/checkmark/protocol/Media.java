package io.checkmark.protocol;

/**
 * A message's attachment, in one of two forms. Uploaded: the id of an encrypted file in the
 * server's media storage, its type, the size and SHA-256 (base64) of the encrypted blob, the key
 * that decrypts it (base64, opaque to the server) and an optional file name. Linked (protocol v1):
 * a link to a file hosted elsewhere and its type. Either form may carry a JPEG thumbnail in base64,
 * shown until the file is fetched.
 */
public record Media(
    String url,
    String mediaId,
    String mimeType,
    Long size,
    String sha256,
    String key,
    String thumbnail,
    String name) {

  /** The v1 form, a link elsewhere: v1 clients built against this constructor keep working. */
  public Media(String url, String mimeType, String thumbnail) {
    this(url, null, mimeType, null, null, null, thumbnail, null);
  }
}
