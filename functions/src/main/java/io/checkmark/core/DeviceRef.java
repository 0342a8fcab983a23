package io.checkmark.core;

/** One device of an account: its phone and its device id; each device has a queue of its own. */
public record DeviceRef(String phone, int deviceId) {

  public static DeviceRef primaryOf(String phone) {
    return new DeviceRef(phone, Account.PRIMARY);
  }

  public boolean isPrimary() {
    return deviceId == Account.PRIMARY;
  }
}
