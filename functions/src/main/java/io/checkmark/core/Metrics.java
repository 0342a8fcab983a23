package io.checkmark.core;

/**
 * The delivery health measures (CloudWatch in production), after WhatsApp's: messages accepted,
 * pushed, failed pushes by cause, acked, receipts, and how old the oldest item a sync finds is.
 */
public interface Metrics {

  /** For where metrics are switched off (the local stack's console). */
  Metrics NONE =
      new Metrics() {
        @Override
        public void count(String name, int count) {}

        @Override
        public void count(String name, int count, String dimension, String value) {}

        @Override
        public void seconds(String name, double seconds) {}
      };

  void count(String name, int count);

  void count(String name, int count, String dimension, String value);

  void seconds(String name, double seconds);
}
