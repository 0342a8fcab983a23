package io.checkmark.client;

import java.util.concurrent.CompletableFuture;

/**
 * A link code to show (as a QR code) for the account's primary device to approve, valid for {@code
 * expiresInSeconds}. {@code linked} completes with this device's new credentials when the primary
 * approves, or fails with a {@link CheckmarkException} coded {@code LINK_EXPIRED} once the code
 * expires or the connection it is bound to closes first.
 */
public record PendingLink(
    String code, long expiresInSeconds, CompletableFuture<Credentials> linked) {}
