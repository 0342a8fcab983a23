package io.checkmark.protocol;

/** The reply to {@code unlinkDevice}: that device's key no longer works. */
public record DeviceUnlinked(int deviceId) implements ServerFrame {}
