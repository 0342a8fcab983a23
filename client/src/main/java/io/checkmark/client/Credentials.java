package io.checkmark.client;

/**
 * What logs a device in: its account's phone, its device id (1 is the primary, the device that
 * registered by SMS PIN; linked devices have 2, 3, ...) and its device key.
 */
public record Credentials(String phone, int deviceId, String deviceKey) {

  public static final int PRIMARY = 1;

  public boolean isPrimary() {
    return deviceId == PRIMARY;
  }

  /**
   * The user part of {@code Authorization: Basic}: the plain phone for the primary, as in protocol
   * v1, so that a v1 server still accepts it; {@code phone.deviceId} for a linked device.
   */
  String basicUser() {
    return isPrimary() ? phone : phone + "." + deviceId;
  }
}
