package io.checkmark.protocol;

import java.util.Map;

/**
 * The reply to {@code requestUpload}: where to {@code PUT} the encrypted file (an S3 presigned URL)
 * and exactly the headers to send with it, which the signature covers, for so many seconds.
 */
public record UploadUrl(
    String mediaId, String url, String method, Map<String, String> headers, long expiresInSeconds)
    implements ServerFrame {}
