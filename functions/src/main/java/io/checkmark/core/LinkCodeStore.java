package io.checkmark.core;

import java.time.Instant;
import java.util.Optional;

/** Where pending link codes are kept (the LinkCodes table in production), by the code's hash. */
public interface LinkCodeStore {

  void save(LinkRequest request);

  /**
   * Takes the code's request, if it is there and not expired at {@code now}, removing it
   * atomically: however many approvals race, one gets it.
   */
  Optional<LinkRequest> claim(String codeHash, Instant now);
}
