package io.checkmark.protocol;

import java.util.List;

/**
 * {@code delivered} or {@code read}: {@code by} got or read the sender's {@code messageIds}; {@code
 * byDevice} is the device that did.
 */
public record ReceiptFrame(
    String messageId, String status, String by, Integer byDevice, List<String> messageIds, long ts)
    implements ServerFrame {}
