package io.checkmark.it;

import io.checkmark.local.LocalStack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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

  /** Every kind by its name, the happy path first. */
  static Map<String, ReliabilityRun.Faults> all() {
    Map<String, ReliabilityRun.Faults> kinds = new LinkedHashMap<>();
    kinds.put(NONE.name(), NONE);
    return kinds;
  }

  /** The kinds named in a comma-separated list; every kind when it is blank. */
  static List<ReliabilityRun.Faults> named(String names) {
    Map<String, ReliabilityRun.Faults> kinds = all();
    if (names.isBlank()) {
      return List.copyOf(kinds.values());
    }
    List<ReliabilityRun.Faults> chosen = new ArrayList<>();
    for (String name : Arrays.stream(names.split(",")).map(String::trim).toList()) {
      ReliabilityRun.Faults kind = kinds.get(name);
      if (kind == null) {
        throw new IllegalArgumentException(
            "no fault kind '" + name + "'; the kinds are " + kinds.keySet());
      }
      chosen.add(kind);
    }
    return chosen;
  }
}
