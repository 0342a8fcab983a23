package io.checkmark.protocol;

/** The reply to {@code approveLink}: the new device's id and the name it asked to be known by. */
public record DeviceLinked(int deviceId, String name) implements ServerFrame {}
