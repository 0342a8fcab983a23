package io.checkmark.client;

/** An attachment: the uploaded file's link, its type, and a small base64 thumbnail. */
public record Media(String url, String mimeType, String thumbnail) {
}
