package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpiringCacheTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final ExpiringCache<String, Integer> cache =
      new ExpiringCache<>(2, Duration.ofMinutes(1), clock);

  @Test
  void entryIsServedUntilItsLifetimeEnds() {
    cache.put("a", 1);
    clock.advance(Duration.ofSeconds(59));
    assertThat(cache.get("a")).contains(1);

    clock.advance(Duration.ofSeconds(1));

    assertThat(cache.get("a")).isEmpty();
  }

  @Test
  void fullCacheForgetsTheLeastRecentlyUsedEntry() {
    cache.put("a", 1);
    cache.put("b", 2);
    cache.get("a");

    cache.put("c", 3);

    assertThat(cache.get("b")).isEmpty();
    assertThat(cache.get("a")).contains(1);
    assertThat(cache.get("c")).contains(3);
  }

  @Test
  void removedEntryIsGone() {
    cache.put("a", 1);

    cache.remove("a");

    assertThat(cache.get("a")).isEmpty();
  }
}
