package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

  private static final String ALICE = "+14155550100";
  private static final String BOB = "+14155550101";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final MessageIds ids =
      new MessageIds(
          clock, new SecureRandom(), key("one deployment's key, at least 32 bytes long"));

  @Test
  void messagesAndReceiptsSortInAcceptanceOrderTogether() {
    String message = ids.next(ALICE, BOB);
    clock.advance(Duration.ofNanos(1_000));
    String receipt = ids.nextReceipt();
    clock.advance(Duration.ofNanos(1_000));
    String later = ids.next(BOB, ALICE);

    assertThat(message).isLessThan(receipt);
    assertThat(receipt).isLessThan(later);
    assertThat(message).hasSizeLessThanOrEqualTo(64).matches("[0-9a-z]{30}\\+[0-9]+");
  }

  @Test
  void onlyReceiptIdsAreTakenForReceipts() {
    assertThat(MessageIds.isReceipt(ids.nextReceipt())).isTrue();
    assertThat(MessageIds.isReceipt(ids.next(ALICE, BOB))).isFalse();
    assertThat(MessageIds.isReceipt("-r")).isFalse();
    assertThat(MessageIds.isReceipt("client-chosen-id-r")).isFalse();
  }

  @Test
  void messageIdVerifiesOnlyForItsSenderConversationAndKey() {
    String id = ids.next(ALICE, BOB);
    MessageIds otherDeployment =
        new MessageIds(
            clock, new SecureRandom(), key("another deployment's key, also 32 bytes long"));

    assertThat(ids.isFrom(id, ALICE, BOB)).isTrue();
    assertThat(ids.isFrom(id, BOB, ALICE)).as("sender and conversation swapped").isFalse();
    assertThat(ids.isFrom(id, ALICE, "+14155550102")).as("another conversation").isFalse();
    assertThat(otherDeployment.isFrom(id, ALICE, BOB)).as("another key").isFalse();
    char altered = id.charAt(16) == 'z' ? 'y' : 'z';
    assertThat(ids.isFrom(id.substring(0, 16) + altered + id.substring(17), ALICE, BOB))
        .as("prefix altered")
        .isFalse();
    assertThat(ids.isFrom(ids.nextReceipt(), ALICE, BOB)).isFalse();
  }

  @Test
  void aMessageIdNamesItsSenderAndOnlyThatSenderVerifiesIt() {
    String id = ids.next(ALICE, BOB);
    String withAnotherSender = id.substring(0, 30) + "+14155550102";
    String minted = id.substring(0, 30);

    assertThat(MessageIds.senderOf(id)).contains(ALICE);
    assertThat(MessageIds.senderOf(ids.nextReceipt())).isEmpty();
    assertThat(MessageIds.senderOf(minted)).as("an id minted before ids named senders").isEmpty();
    assertThat(ids.isFrom(withAnotherSender, ALICE, BOB)).isFalse();
    assertThat(ids.isFrom(minted, ALICE, BOB)).as("older ids still verify").isTrue();
  }

  private static Supplier<byte[]> key(String text) {
    return () -> text.getBytes(StandardCharsets.UTF_8);
  }
}
