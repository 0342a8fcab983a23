package io.checkmark.handler;

import io.checkmark.core.LinkedDevices;
import io.checkmark.core.Session;
import io.checkmark.core.Sessions;
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

  /**
   * Read now, not from the warm cache: the change to the account is not guarded by the connection's
   * binding, so it must act as whoever the connection is at this moment.
   */
  @Override
  protected Session sessionOf(Sessions loggedIn, String connectionId) {
    return loggedIn.freshSession(connectionId);
  }

  @Override
  protected ServerFrame handle(Caller caller, UnlinkDevice request) {
    devices.unlinkDevice(caller.session(), request.deviceId());
    return new DeviceUnlinked(request.deviceId());
  }

  public record UnlinkDevice(Integer deviceId) {}
}
