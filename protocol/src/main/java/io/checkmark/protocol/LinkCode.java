package io.checkmark.protocol;

/**
 * The reply to {@code requestLink}: a single-use code for the account's primary to approve, to be
 * shown as a QR code, valid for so many seconds and only while this connection stays open.
 */
public record LinkCode(String code, long expiresInSeconds) implements ServerFrame {}
