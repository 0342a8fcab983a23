package io.checkmark.protocol;

import java.util.List;

/** {@code delivered} or {@code read}: {@code by} got or read the sender's {@code messageIds}. */
public record ReceiptFrame(
    String messageId, String status, String by, List<String> messageIds, long ts)
    implements ServerFrame {}
