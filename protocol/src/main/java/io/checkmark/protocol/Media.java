package io.checkmark.protocol;

/**
 * An attachment: the link to the file the sender uploaded (to an S3 presigned URL), its type, and a
 * small base64 thumbnail to show until the file is fetched.
 */
public record Media(String url, String mimeType, String thumbnail) {}
