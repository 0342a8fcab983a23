package io.checkmark.handler;

import io.checkmark.aws.ApiGatewayConnections;
import io.checkmark.core.ConnectionPusher;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.QueueItem;
import io.checkmark.core.Typing;
import io.checkmark.protocol.Linked;
import io.checkmark.protocol.WireJson;

/** The push port on API Gateway: items written as their frames and posted to the connection. */
public final class FramePusher implements ConnectionPusher {

  private final ApiGatewayConnections connections;

  public FramePusher(ApiGatewayConnections connections) {
    this.connections = connections;
  }

  @Override
  public PushResult push(String connectionId, QueueItem item) {
    return connections.post(connectionId, WireJson.write(Frames.of(item)));
  }

  @Override
  public PushResult pushDeviceReplaced(String connectionId) {
    return connections.post(connectionId, WireJson.write(Frames.deviceReplaced()));
  }

  @Override
  public PushResult pushDeviceUnlinked(String connectionId) {
    return connections.post(connectionId, WireJson.write(Frames.deviceUnlinked()));
  }

  @Override
  public PushResult pushLinked(String connectionId, DeviceRef device, String deviceKey) {
    return connections.post(
        connectionId, WireJson.write(new Linked(device.phone(), device.deviceId(), deviceKey)));
  }

  @Override
  public PushResult pushTyping(String connectionId, Typing typing) {
    return connections.post(connectionId, WireJson.write(Frames.typing(typing)));
  }

  @Override
  public int sizeAsPushed(QueueItem item) {
    return Frames.sizeAsPushed(item);
  }

  @Override
  public void close(String connectionId) {
    connections.close(connectionId);
  }

  @Override
  public Liveness liveness(String connectionId) {
    return connections.liveness(connectionId);
  }
}
