package io.checkmark.core;

/**
 * Who a connection acts as: the device it is logged in as and the registration generation it logged
 * in under. Every state-changing action commits only while the connection is still bound to all
 * three.
 */
public record Session(String connectionId, String phone, int deviceId, long keyGeneration) {

  public DeviceRef device() {
    return new DeviceRef(phone, deviceId);
  }

  public boolean isPrimary() {
    return deviceId == Account.PRIMARY;
  }
}
