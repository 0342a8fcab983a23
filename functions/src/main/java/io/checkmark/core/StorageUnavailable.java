package io.checkmark.core;

/**
 * The storage could not do what was asked, for reasons of its own (throttled, unavailable, a write
 * kept conflicting): nothing was decided, and the same request may be retried. Unlike a {@link
 * Refusal}, it says nothing about the request.
 */
public final class StorageUnavailable extends RuntimeException {

  public StorageUnavailable(String message) {
    super(message);
  }

  public StorageUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
