package io.checkmark.protocol;

import java.util.List;

/** The reply to {@code listBlocked}: every phone the caller's account blocks, in order. */
public record BlockList(List<String> phones) implements ServerFrame {}
