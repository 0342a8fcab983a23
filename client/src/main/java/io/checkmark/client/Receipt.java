package io.checkmark.client;

import java.util.List;

/** {@code by} has received ({@code delivered}) or read ({@code read}) these messages of ours. */
public record Receipt(String messageId, String status, String by, List<String> messageIds, long ts) {
}
