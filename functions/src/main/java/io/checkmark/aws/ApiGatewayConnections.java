package io.checkmark.aws;

import io.checkmark.core.ConnectionPusher.PushResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.LimitExceededException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/** Posts frames, already written, to connections through API Gateway's management API, and closes connections. */
public final class ApiGatewayConnections {

  private static final Logger LOG = LoggerFactory.getLogger(ApiGatewayConnections.class);
  static final int THROTTLED_ATTEMPTS = 4;
  private static final long BASE_BACKOFF_MILLIS = 25;
  private static final long MAX_BACKOFF_MILLIS = 200;

  private final ApiGatewayManagementApiClient managementApi;

  public ApiGatewayConnections(ApiGatewayManagementApiClient managementApi) {
    this.managementApi = managementApi;
  }

  /**
   * Posts the frame; throttling (429 {@code LimitExceededException}) is retried with capped
   * exponential backoff and full jitter, and reported as {@code FAILED} if it persists: the item
   * stays queued for {@code sync}, so giving up loses nothing. A frame over API Gateway's 128 KB
   * (413 {@code PayloadTooLargeException}) is {@code TOO_LARGE}: no later try can push it.
   */
  public PushResult post(String connectionId, String frame) {
    SdkBytes data = SdkBytes.fromUtf8String(frame);
    for (int attempt = 1; ; attempt++) {
      try {
        managementApi.postToConnection(r -> r.connectionId(connectionId).data(data));
        return PushResult.DELIVERED;
      } catch (GoneException gone) {
        return PushResult.GONE;
      } catch (PayloadTooLargeException tooLarge) {
        LOG.warn("push to {} refused as too large ({} bytes)", connectionId, data.asByteArrayUnsafe().length);
        return PushResult.TOO_LARGE;
      } catch (LimitExceededException throttled) {
        if (attempt == THROTTLED_ATTEMPTS) {
          LOG.warn("push to {} still throttled after {} attempts; left for sync", connectionId, attempt);
          return PushResult.FAILED;
        }
        Backoff.pause(attempt, BASE_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS);
      } catch (SdkException failure) {
        LOG.warn("push to {} failed; left for sync: {}", connectionId, failure.toString());
        return PushResult.FAILED;
      }
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
