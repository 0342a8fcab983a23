package io.checkmark.core;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A registered phone number: its devices (the primary, device 1, registered by PIN, first; then the
 * linked ones by id), the generation of its registration (each {@code verifyPin} starts a new one
 * and revokes every device of the old), the id its next linked device will get, since ids are never
 * reused, whether it hides its last seen, and the phones it blocks. Privacy and blocks sit on the
 * account because the send path reads it anyway: a block costs a message nothing extra to enforce.
 */
public record Account(
    String phone,
    long keyGeneration,
    List<Device> devices,
    int nextDeviceId,
    boolean hidesLastSeen,
    Set<String> blocked) {

  public static final int PRIMARY = 1;

  /** Linked devices an account may have besides its primary. */
  public static final int MAX_LINKED_DEVICES = 4;

  public Account {
    devices = List.copyOf(devices);
    blocked = Set.copyOf(blocked);
  }

  /** An account that shows its last seen and blocks nobody. */
  public Account(String phone, long keyGeneration, List<Device> devices, int nextDeviceId) {
    this(phone, keyGeneration, devices, nextDeviceId, false, Set.of());
  }

  public boolean blocks(String phone) {
    return blocked.contains(phone);
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
