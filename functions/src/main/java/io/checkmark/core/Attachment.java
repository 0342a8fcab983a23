package io.checkmark.core;

/**
 * A message's attachment: the link to the file its sender uploaded, its type and a small base64
 * thumbnail.
 */
public record Attachment(String url, String mimeType, String thumbnail) {}
