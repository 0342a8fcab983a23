package io.checkmark.core;

import java.util.Optional;

/**
 * The platforms' push services (SNS mobile push in production): one endpoint per push token, and a
 * push that carries no content, only "sync now".
 */
public interface MobilePush {

  /** Whether this deployment is set up to push through the platform. */
  boolean supports(PushPlatform platform);

  /**
   * The enabled endpoint for the token (the same one each time for the same token), or empty when
   * the platform refuses the token.
   *
   * @throws PlatformUnavailable when the platform's application cannot take it
   */
  Optional<String> endpointFor(PushPlatform platform, String token);

  /** Sends the content-free push. */
  Delivery push(String endpoint, PushPlatform platform);

  /** Deletes an endpoint; deleting one that is gone is not an error. */
  void deleteEndpoint(String endpoint);

  /**
   * The platform's application cannot take registrations now (disabled, deleted, or this deployment
   * may not use it): the operator's to fix, not the client's.
   */
  final class PlatformUnavailable extends RuntimeException {
    public PlatformUnavailable(PushPlatform platform, String reason) {
      super(platform.wireName() + " push application unavailable: " + reason);
    }
  }

  /**
   * What became of a push: sent; the endpoint is disabled or gone (the platform said its token is
   * invalid); or it failed for now (throttled past the client's retries, a 5xx).
   */
  enum Delivery {
    SENT,
    ENDPOINT_GONE,
    FAILED
  }
}
