package io.checkmark.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import software.amazon.event.ruler.Machine;

/**
 * An event source mapping's {@code FilterCriteria}, applied as Lambda applies it: a record is
 * delivered when any one of the patterns matches its JSON (every record when there is no pattern),
 * matched by event-ruler, whose pattern syntax Lambda's is.
 */
final class StreamRecordFilter {

  private final Machine patterns;

  private StreamRecordFilter(Machine patterns) {
    this.patterns = patterns;
  }

  static StreamRecordFilter of(List<String> filterPatterns) {
    Machine patterns = Machine.builder().build();
    for (int i = 0; i < filterPatterns.size(); i++) {
      try {
        patterns.addRule("pattern " + (i + 1), filterPatterns.get(i));
      } catch (IOException invalid) {
        throw new IllegalArgumentException(
            "not a filter pattern: " + filterPatterns.get(i) + " (" + invalid.getMessage() + ")",
            invalid);
      }
    }
    return new StreamRecordFilter(patterns);
  }

  /** True when every record is delivered, so that none needs to be matched. */
  boolean acceptsAll() {
    return patterns.isEmpty();
  }

  /** Whether a record, in the JSON form Lambda filters on, is delivered. */
  boolean accepts(JsonNode record) {
    return acceptsAll() || !patterns.rulesForJSONEvent(record).isEmpty();
  }
}
