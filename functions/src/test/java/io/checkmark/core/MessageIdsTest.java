package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final MessageIds ids = new MessageIds(clock, new SecureRandom());

  @Test
  void messagesAndReceiptsSortInAcceptanceOrderTogether() {
    String message = ids.next();
    clock.advance(Duration.ofNanos(1_000));
    String receipt = ids.nextReceipt();
    clock.advance(Duration.ofNanos(1_000));
    String later = ids.next();

    assertThat(message).isLessThan(receipt);
    assertThat(receipt).isLessThan(later);
  }

  @Test
  void onlyReceiptIdsAreTakenForReceipts() {
    assertThat(MessageIds.isReceipt(ids.nextReceipt())).isTrue();
    assertThat(MessageIds.isReceipt(ids.next())).isFalse();
    assertThat(MessageIds.isReceipt("-r")).isFalse();
    assertThat(MessageIds.isReceipt("client-chosen-id-r")).isFalse();
  }
}
