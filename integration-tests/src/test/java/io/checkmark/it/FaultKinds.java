package io.checkmark.it;

import io.checkmark.local.LocalStack;
import java.util.Map;

/** The fault plans a reliability run can put on the local stack, one kind at a time or all. */
final class FaultKinds {

  private FaultKinds() {}

  /** The happy path: nothing injected. */
  static final ReliabilityRun.Faults NONE =
      new ReliabilityRun.Faults() {
        @Override
        public String name() {
          return "none";
        }

        @Override
        public void inject(LocalStack stack, long seed) {}

        @Override
        public void heal(LocalStack stack) {}

        @Override
        public Map<String, Long> injected(LocalStack stack) {
          return Map.of();
        }
      };
}
