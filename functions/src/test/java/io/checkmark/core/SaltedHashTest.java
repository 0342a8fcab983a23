package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SaltedHashTest {

  private final SecureRandom random = new SecureRandom();

  @Test
  void matchesOnlyTheHashedSecret() {
    String stored = SaltedHash.of("123456", random);

    assertThat(SaltedHash.matches(stored, "123456")).isTrue();
    assertThat(SaltedHash.matches(stored, "123457")).isFalse();
    assertThat(SaltedHash.matches(stored, "")).isFalse();
    assertThat(SaltedHash.matches(stored, null)).isFalse();
  }

  @Test
  void sameSecretHashesDifferentlyEachTimeAndNeverInClear() {
    String first = SaltedHash.of("123456", random);
    String second = SaltedHash.of("123456", random);

    assertThat(first).isNotEqualTo(second).doesNotContain("123456");
  }

  @Test
  void malformedStoredValuesMatchNothing() {
    assertThat(SaltedHash.matches("no-colon", "x")).isFalse();
    assertThat(SaltedHash.matches(":abc", "x")).isFalse();
    assertThat(SaltedHash.matches("!!!:###", "x")).isFalse();
    assertThat(SaltedHash.matches(null, "x")).isFalse();
  }
}
