package io.checkmark.protocol;

/** The reply to {@code requestDownload}: a presigned {@code GET} of the encrypted file. */
public record DownloadUrl(String mediaId, String url, long expiresInSeconds)
    implements ServerFrame {}
