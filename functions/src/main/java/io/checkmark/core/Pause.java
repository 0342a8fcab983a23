package io.checkmark.core;

import java.time.Duration;

/**
 * Waits a while on purpose. A port so that the core's tests move their clock instead of sleeping.
 */
@FunctionalInterface
public interface Pause {

  /** The thread sleeps; an interrupt ends the wait early and is kept for the caller to see. */
  Pause SLEEP =
      duration -> {
        try {
          Thread.sleep(duration.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      };

  void pause(Duration duration);
}
