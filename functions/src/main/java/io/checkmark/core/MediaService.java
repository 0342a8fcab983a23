package io.checkmark.core;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Media files, after Signal's attachments: a client encrypts a file with a key of its own, uploads
 * the ciphertext straight to storage through a presigned {@code PUT} that only that body (length,
 * type, SHA-256) satisfies, and sends the key inside a message. The server signs URLs and checks
 * that an upload is there and matches before a message refers to it; it never sees a key's use or a
 * plaintext byte.
 */
public final class MediaService {

  /**
   * How long a presigned URL works: enough to start a large transfer, too short to share widely.
   */
  public static final Duration UPLOAD_VALIDITY = Duration.ofMinutes(5);

  public static final Duration DOWNLOAD_VALIDITY = Duration.ofMinutes(5);

  /** A thumbnail's base64 text: at most 16 KB, so that a message stays far below 128 KB. */
  public static final int MAX_THUMBNAIL_CHARS = 16 * 1024;

  /** 16 random bytes, base64url: 128 bits nobody can guess, and nothing of the sender's in it. */
  private static final int MEDIA_ID_BYTES = 16;

  private static final Pattern MEDIA_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

  /** RFC 6838's type/subtype names, which S3 stores as Content-Type unchanged. */
  private static final Pattern MIME_TYPE =
      Pattern.compile(
          "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");
  private static final int SHA256_BYTES = 32;
  private static final int MAX_KEY_CHARS = 128;
  private static final int MAX_NAME_CHARS = 255;
  private static final int MAX_URL_CHARS = 2048;

  /** A v1 link's type was only ever checked for length: kept so. */
  private static final int MAX_LINK_MIME_TYPE_CHARS = 255;

  private static final Duration UPLOAD_WINDOW = Duration.ofHours(1);

  private final MediaStore store;
  private final RateLimiter limits;
  private final Limits perAccount;
  private final SecureRandom random;

  public MediaService(
      MediaStore store, RateLimiter limits, Limits perAccount, SecureRandom random) {
    this.store = store;
    this.limits = limits;
    this.perAccount = perAccount;
    this.random = random;
  }

  /**
   * The largest encrypted file an upload may be, and the uploads an account may ask for an hour.
   */
  public record Limits(long maxBytes, int uploadsPerHour) {}

  /** A granted upload: the new file's id and the presigned request that stores it. */
  public record UploadGrant(String mediaId, MediaStore.Grant request, Duration validity) {}

  /**
   * A presigned {@code PUT} for one encrypted file of exactly this length, type and SHA-256
   * (base64) under a new random id; counted against the account's hourly uploads.
   */
  public UploadGrant requestUpload(Session caller, String mimeType, Long size, String sha256) {
    requireMimeType(mimeType);
    if (size == null || size < 1) {
      throw Refusal.invalid("size must be the encrypted file's length in bytes, at least 1");
    }
    if (size > perAccount.maxBytes()) {
      throw Refusal.of(
          Refusal.Reason.MEDIA_TOO_LARGE,
          "media files may take at most " + perAccount.maxBytes() + " bytes once encrypted");
    }
    requireSha256(sha256);
    limits.acquireInAlignedWindow(
        new RateLimiter.Limit(
            "uploads#" + caller.phone(), perAccount.uploadsPerHour(), UPLOAD_WINDOW));
    byte[] id = new byte[MEDIA_ID_BYTES];
    random.nextBytes(id);
    String mediaId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    return new UploadGrant(
        mediaId,
        store.grantUpload(mediaId, mimeType, size, sha256, UPLOAD_VALIDITY),
        UPLOAD_VALIDITY);
  }

  /**
   * A presigned {@code GET} of a stored file. Anyone logged in who knows the id may fetch the
   * ciphertext; only holders of the message's key can read it.
   */
  public MediaStore.Grant requestDownload(String mediaId) {
    requireStored(mediaId);
    return store.grantDownload(mediaId, DOWNLOAD_VALIDITY);
  }

  /**
   * For an uploaded file, that storage holds it with the length, type and checksum the message
   * gives (one {@code HeadObject}); the fields themselves were checked with the message's content
   * ({@link #requireWellFormed}).
   */
  public void requireUploaded(Attachment attachment) {
    if (attachment != null && attachment.isUpload()) {
      MediaStore.Upload stored = requireStored(attachment.mediaId());
      if (stored.size() != attachment.size()
          || !stored.mimeType().equals(attachment.mimeType())
          || !Arrays.equals(sha256Bytes(stored.sha256()), sha256Bytes(attachment.sha256()))) {
        throw notFound(
            "the upload of media "
                + attachment.mediaId()
                + " does not match its size, type or sha256");
      }
    }
  }

  /** The attachment's fields alone: everything that can be checked without storage. */
  static void requireWellFormed(Attachment attachment) {
    if (attachment == null) {
      return;
    }
    if (attachment.thumbnail() != null
        && (attachment.thumbnail().length() > MAX_THUMBNAIL_CHARS
            || !BASE64.matcher(attachment.thumbnail()).matches())) {
      throw Refusal.invalid(
          "media.thumbnail must be base64 of at most " + MAX_THUMBNAIL_CHARS + " characters");
    }
    if (attachment.url() != null) {
      if (attachment.isUpload()) {
        throw Refusal.invalid("media takes either a mediaId or a url, not both");
      }
      requireLink(attachment);
      return;
    }
    if (!attachment.isUpload()) {
      throw Refusal.invalid("media needs the mediaId of an upload (or a url)");
    }
    requireMimeType(attachment.mimeType());
    if (attachment.size() == null || attachment.size() < 1) {
      throw Refusal.invalid("media.size must be the encrypted file's length in bytes");
    }
    requireSha256(attachment.sha256());
    if (attachment.key() == null
        || attachment.key().isEmpty()
        || attachment.key().length() > MAX_KEY_CHARS
        || !BASE64.matcher(attachment.key()).matches()) {
      throw Refusal.invalid("media.key must be base64 of at most " + MAX_KEY_CHARS + " characters");
    }
    if (attachment.name() != null && attachment.name().length() > MAX_NAME_CHARS) {
      throw Refusal.invalid("media.name may take at most " + MAX_NAME_CHARS + " characters");
    }
  }

  private MediaStore.Upload requireStored(String mediaId) {
    // Any other form cannot be an id this server gave out: not found, without asking storage.
    if (mediaId == null || !MEDIA_ID.matcher(mediaId).matches()) {
      throw notFound("no media has that id");
    }
    return store
        .find(mediaId)
        .orElseThrow(() -> notFound("no media " + mediaId + " was uploaded, or it expired"));
  }

  private static void requireLink(Attachment attachment) {
    String url = attachment.url();
    if (url.length() > MAX_URL_CHARS
        || !(url.startsWith("https://") || url.startsWith("http://"))) {
      throw Refusal.invalid(
          "media.url must be an http(s) link of at most " + MAX_URL_CHARS + " characters");
    }
    if (attachment.mimeType() != null
        && attachment.mimeType().length() > MAX_LINK_MIME_TYPE_CHARS) {
      throw Refusal.invalid("media.mimeType is too long");
    }
  }

  private static void requireMimeType(String mimeType) {
    if (mimeType == null || !MIME_TYPE.matcher(mimeType).matches()) {
      throw Refusal.invalid("mimeType must be a media type such as image/jpeg");
    }
  }

  private static void requireSha256(String sha256) {
    if (sha256Bytes(sha256) == null) {
      throw Refusal.invalid("sha256 must be the base64 SHA-256 of the encrypted file (32 bytes)");
    }
  }

  /** The 32 bytes a base64 SHA-256 stands for, or null: two spellings of one digest are equal. */
  private static byte[] sha256Bytes(String sha256) {
    if (sha256 == null || !BASE64.matcher(sha256).matches()) {
      return null;
    }
    try {
      byte[] digest = Base64.getDecoder().decode(sha256);
      return digest.length == SHA256_BYTES ? digest : null;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  private static Refusal notFound(String message) {
    return Refusal.of(Refusal.Reason.MEDIA_NOT_FOUND, message);
  }
}
