package io.checkmark.protocol;

import java.util.List;

/** The reply to {@code listDevices}: every device of the account, the primary first. */
public record Devices(List<Device> devices) implements ServerFrame {

  /**
   * One device: {@code linkedAt} (the primary's registration) and {@code lastSeen} are epoch
   * milliseconds; {@code lastSeen} is now for a device connected now, and absent for one never seen
   * since it was linked. The primary has no name.
   */
  public record Device(int deviceId, String name, long linkedAt, Long lastSeen) {}
}
