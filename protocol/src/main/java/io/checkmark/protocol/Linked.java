package io.checkmark.protocol;

/**
 * Pushed to the connection that asked for a link code once the primary approved it: the connection
 * is now logged in as this device, and the device key (shown this once) logs it in from then on.
 */
public record Linked(String phone, int deviceId, String deviceKey) implements ServerFrame {}
