package io.checkmark.core;

/**
 * Who a connection acts as: the phone it is logged in as and the key generation it logged in with.
 * Every state-changing action commits only while the connection is still bound to both.
 */
public record Session(String connectionId, String phone, long keyGeneration) {}
