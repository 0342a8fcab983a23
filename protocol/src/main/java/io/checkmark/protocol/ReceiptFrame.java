package io.checkmark.protocol;

import java.util.List;

/**
 * {@code delivered} or {@code read}: {@code by} got or read the sender's {@code messageIds}; {@code
 * byDevice} is the device that did; {@code group} is set when the messages were sent in a group.
 */
public record ReceiptFrame(
    String messageId,
    String status,
    String by,
    Integer byDevice,
    String group,
    List<String> messageIds,
    long ts)
    implements ServerFrame {}
