package io.checkmark.protocol;

/** The reply to {@code read}: how many message ids the read receipt carries. */
public record ReceiptSent(int count) implements ServerFrame {}
