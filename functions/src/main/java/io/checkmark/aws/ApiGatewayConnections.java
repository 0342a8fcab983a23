package io.checkmark.aws;

import io.checkmark.core.ConnectionPusher;
import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.WireJson;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** Pushes frames to, and closes, connections through API Gateway's management API. */
public final class ApiGatewayConnections implements ConnectionPusher {

  private final ApiGatewayManagementApiClient managementApi;

  public ApiGatewayConnections(ApiGatewayManagementApiClient managementApi) {
    this.managementApi = managementApi;
  }

  @Override
  public boolean send(String connectionId, ServerFrame frame) {
    try {
      managementApi.postToConnection(r -> r.connectionId(connectionId).data(SdkBytes.fromUtf8String(WireJson.write(frame))));
      return true;
    } catch (GoneException gone) {
      return false;
    }
  }

  @Override
  public void close(String connectionId) {
    try {
      managementApi.deleteConnection(r -> r.connectionId(connectionId));
    } catch (GoneException alreadyGone) {
      // Closed already: what was asked.
    }
  }
}
