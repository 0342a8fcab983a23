package io.checkmark.handler;

import io.checkmark.core.LinkedDevices;
import io.checkmark.protocol.LinkCode;
import io.checkmark.protocol.ServerFrame;

/**
 * {@code requestLink}: a new device, on its anonymous connection, asks for a code for the primary
 * to approve.
 */
public final class RequestLinkHandler extends ActionHandler<RequestLinkHandler.RequestLink> {

  private final LinkedDevices devices;

  public RequestLinkHandler() {
    this(Composition.lambda(false));
  }

  public RequestLinkHandler(Composition root) {
    super(RequestLink.class);
    this.devices = root.linkedDevices();
  }

  @Override
  protected ServerFrame handle(Caller caller, RequestLink request) {
    LinkedDevices.Code code =
        devices.requestLink(caller.connectionId(), caller.sourceIp(), request.name());
    return new LinkCode(code.code(), code.validFor().toSeconds());
  }

  public record RequestLink(String name) {}
}
