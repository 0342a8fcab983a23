package io.checkmark.core;

/**
 * A typing signal as its receivers get it: who types, in which group (null one-to-one), and whether
 * they type ({@code "typing"}) or stopped ({@code "paused"}). Never stored.
 */
public record Typing(String from, String group, String state) {

  public static final String TYPING = "typing";
  public static final String PAUSED = "paused";
}
