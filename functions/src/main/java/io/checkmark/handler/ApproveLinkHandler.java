package io.checkmark.handler;

import io.checkmark.core.Device;
import io.checkmark.core.LinkedDevices;
import io.checkmark.core.Session;
import io.checkmark.core.Sessions;
import io.checkmark.protocol.DeviceLinked;
import io.checkmark.protocol.ServerFrame;

/** {@code approveLink}: the primary links the device that shows this code. */
public final class ApproveLinkHandler extends ActionHandler<ApproveLinkHandler.ApproveLink> {

  private final LinkedDevices devices;

  public ApproveLinkHandler() {
    this(Composition.lambda(true));
  }

  public ApproveLinkHandler(Composition root) {
    super(ApproveLink.class, Access.LOGGED_IN, root.sessions());
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
  protected ServerFrame handle(Caller caller, ApproveLink request) {
    Device device = devices.approveLink(caller.session(), request.code());
    return new DeviceLinked(device.id(), device.name());
  }

  public record ApproveLink(String code) {}
}
