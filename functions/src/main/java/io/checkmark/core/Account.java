package io.checkmark.core;

/**
 * A registered phone number: its current device key (as a salted hash) and that key's generation.
 */
public record Account(String phone, String deviceKeyHash, long keyGeneration) {}
