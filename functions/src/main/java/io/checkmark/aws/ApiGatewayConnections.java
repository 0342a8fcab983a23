package io.checkmark.aws;

import io.checkmark.core.ConnectionPusher.Liveness;
import io.checkmark.core.ConnectionPusher.PushResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.LimitExceededException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/**
 * Posts frames, already written, to connections through API Gateway's management API, and closes
 * connections.
 */
public final class ApiGatewayConnections {

  private static final Logger LOG = LoggerFactory.getLogger(ApiGatewayConnections.class);

  private final ApiGatewayManagementApiClient managementApi;

  public ApiGatewayConnections(ApiGatewayManagementApiClient managementApi) {
    this.managementApi = managementApi;
  }

  /**
   * Posts the frame. Throttling (429) and server errors are retried by the client's retry strategy
   * ({@link AwsClients}); what still fails is {@code FAILED}, and the item stays queued for {@code
   * sync}, so giving up loses nothing. A frame over API Gateway's 128 KB (413) is {@code
   * TOO_LARGE}: no later try can push it.
   */
  public PushResult post(String connectionId, String frame) {
    SdkBytes data = SdkBytes.fromUtf8String(frame);
    try {
      managementApi.postToConnection(r -> r.connectionId(connectionId).data(data));
      return PushResult.DELIVERED;
    } catch (GoneException gone) {
      return PushResult.GONE;
    } catch (PayloadTooLargeException tooLarge) {
      LOG.warn(
          "push to {} refused as too large ({} bytes)",
          connectionId,
          data.asByteArrayUnsafe().length);
      return PushResult.TOO_LARGE;
    } catch (LimitExceededException throttled) {
      LOG.warn(
          "push to {} still throttled after the client's retries; left for sync", connectionId);
      return PushResult.FAILED;
    } catch (SdkException failure) {
      LOG.warn(
          "push to {} failed after the client's retries; left for sync: {}",
          connectionId,
          failure.toString());
      return PushResult.FAILED;
    }
  }

  /**
   * Asks the gateway whether the connection is open ({@code GET @connections/{id}}); a failure
   * after the client's retries is {@code UNKNOWN}.
   */
  public Liveness liveness(String connectionId) {
    try {
      managementApi.getConnection(r -> r.connectionId(connectionId));
      return Liveness.OPEN;
    } catch (GoneException gone) {
      return Liveness.GONE;
    } catch (SdkException failure) {
      LOG.warn("asking whether {} is open failed: {}", connectionId, failure.toString());
      return Liveness.UNKNOWN;
    }
  }

  /** Closes a connection; closing one that is gone is not an error. */
  public void close(String connectionId) {
    try {
      managementApi.deleteConnection(r -> r.connectionId(connectionId));
    } catch (GoneException alreadyGone) {
      // Closed already: what was asked.
    }
  }
}
