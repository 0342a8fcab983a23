package io.checkmark.protocol;

/**
 * Someone is typing ({@code state} {@code "typing"}) or stopped ({@code "paused"}) in a one-to-one
 * chat with the receiver, or in {@code group}. Never stored: only live connections get it.
 */
public record TypingFrame(String from, String group, String state) implements ServerFrame {}
