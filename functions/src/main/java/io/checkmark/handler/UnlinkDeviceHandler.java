package io.checkmark.handler;

import io.checkmark.core.LinkedDevices;
import io.checkmark.protocol.DeviceUnlinked;
import io.checkmark.protocol.ServerFrame;

/** {@code unlinkDevice}: the primary unlinks a linked device, or a linked device unlinks itself. */
public final class UnlinkDeviceHandler extends ActionHandler<UnlinkDeviceHandler.UnlinkDevice> {

  private final LinkedDevices devices;

  public UnlinkDeviceHandler() {
    this(Composition.lambda(true));
  }

  public UnlinkDeviceHandler(Composition root) {
    super(UnlinkDevice.class, Access.LOGGED_IN, root.sessions());
    this.devices = root.linkedDevices();
  }

  @Override
  protected ServerFrame handle(Caller caller, UnlinkDevice request) {
    devices.unlinkDevice(caller.session(), request.deviceId());
    return new DeviceUnlinked(request.deviceId());
  }

  public record UnlinkDevice(Integer deviceId) {}
}
