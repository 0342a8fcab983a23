package io.checkmark.core;

import java.util.List;
import java.util.Optional;

/**
 * A registered phone number: its devices (the primary, device 1, registered by PIN, first; then the
 * linked ones by id), the generation of its registration (each {@code verifyPin} starts a new one
 * and revokes every device of the old) and the id its next linked device will get, since ids are
 * never reused.
 */
public record Account(String phone, long keyGeneration, List<Device> devices, int nextDeviceId) {

  public static final int PRIMARY = 1;

  /** Linked devices an account may have besides its primary. */
  public static final int MAX_LINKED_DEVICES = 4;

  public Account {
    devices = List.copyOf(devices);
  }

  public Optional<Device> device(int deviceId) {
    return devices.stream().filter(device -> device.id() == deviceId).findFirst();
  }

  public List<Integer> deviceIds() {
    return devices.stream().map(Device::id).toList();
  }

  public int linkedDevices() {
    return (int) devices.stream().filter(device -> device.id() != PRIMARY).count();
  }
}
