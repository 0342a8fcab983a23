package io.checkmark.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A small in-memory map whose entries are forgotten after a fixed time, and the least recently used
 * first once it is full. A warm function keeps what it has just read from DynamoDB here so that the
 * next frames of a conversation do not read it again; what may be cached, and for how long, is each
 * user's decision. Safe for concurrent use: the local stack calls one handler from many threads.
 */
public final class ExpiringCache<K, V> {

  private record Entry<V>(V value, Instant storedAt) {}

  private final Duration lifetime;
  private final Clock clock;
  private final Map<K, Entry<V>> entries;

  public ExpiringCache(int capacity, Duration lifetime, Clock clock) {
    this.lifetime = lifetime;
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
            return size() > capacity;
          }
        };
  }

  public synchronized Optional<V> get(K key) {
    Entry<V> entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(entry.storedAt().plus(lifetime))) {
      entries.remove(key);
      return Optional.empty();
    }
    return Optional.of(entry.value());
  }

  public synchronized void put(K key, V value) {
    put(key, value, clock.instant());
  }

  /**
   * Keeps a value as of an earlier moment (when its read began), so that it is forgotten a lifetime
   * after that moment.
   */
  public synchronized void put(K key, V value, Instant asOf) {
    entries.put(key, new Entry<>(value, asOf));
  }

  public synchronized void remove(K key) {
    entries.remove(key);
  }
}
