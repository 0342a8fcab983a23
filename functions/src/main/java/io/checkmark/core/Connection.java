package io.checkmark.core;

import java.time.Instant;

/**
 * One device's open WebSocket, as API Gateway identifies it; {@code phone}, {@code deviceId} and
 * {@code keyGeneration} are set once the connection is logged in (null while anonymous).
 */
public record Connection(
    String id,
    Instant connectedAt,
    String sourceIp,
    String phone,
    Integer deviceId,
    Long keyGeneration) {

  public static Connection anonymous(String id, Instant connectedAt, String sourceIp) {
    return new Connection(id, connectedAt, sourceIp, null, null, null);
  }

  public boolean isLoggedIn() {
    return phone != null;
  }

  /** Whether it is logged in as this device, under this registration. */
  public boolean isOf(DeviceRef device, long keyGeneration) {
    return isLoggedIn()
        && device.equals(device())
        && Long.valueOf(keyGeneration).equals(this.keyGeneration);
  }

  /** The device it is logged in as; rows written before devices existed are the primary's. */
  public DeviceRef device() {
    return new DeviceRef(phone, deviceId == null ? Account.PRIMARY : deviceId);
  }
}
