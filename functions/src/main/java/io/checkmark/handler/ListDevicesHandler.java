package io.checkmark.handler;

import io.checkmark.core.LinkedDevices;
import io.checkmark.protocol.Devices;
import io.checkmark.protocol.ServerFrame;
import java.time.Clock;

/** {@code listDevices}: every device of the caller's account, the primary first. */
public final class ListDevicesHandler extends ActionHandler<ListDevicesHandler.ListDevices> {

  private final LinkedDevices devices;
  private final Clock clock;

  public ListDevicesHandler() {
    this(Composition.lambda(true));
  }

  public ListDevicesHandler(Composition root) {
    super(ListDevices.class, Access.LOGGED_IN, root.sessions());
    this.devices = root.linkedDevices();
    this.clock = root.clock();
  }

  @Override
  protected ServerFrame handle(Caller caller, ListDevices request) {
    long now = clock.millis();
    return new Devices(
        devices.listDevices(caller.session()).stream()
            .map(listed -> Frames.listed(listed, now))
            .toList());
  }

  public record ListDevices() {}
}
