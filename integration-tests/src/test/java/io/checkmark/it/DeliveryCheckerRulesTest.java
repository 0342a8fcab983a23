package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.it.DeliveryHistory.Attempt;
import io.checkmark.it.DeliveryHistory.Cast;
import io.checkmark.it.DeliveryHistory.DeviceLog;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker itself, on histories written by hand: each promise it judges, kept and broken, so
 * that a clean verdict of a real run means something. Alice (one device) writes to Bob (a primary
 * and a linked device).
 */
class DeliveryCheckerRulesTest {

  private static final String ALICE = "+14155550100";
  private static final String BOB = "+14155550101";
  private static final Cast CAST =
      new Cast(Map.of(ALICE, List.of(1), BOB, List.of(1, 2)), Map.of("g", Set.of(ALICE, BOB)));

  private final List<Attempt> attempts = new ArrayList<>();
  private DeviceLog alice;
  private DeviceLog bob;
  private DeviceLog bobLaptop;

  @BeforeEach
  void devices() {
    alice = new DeviceLog(ALICE, 1);
    bob = new DeviceLog(BOB, 1);
    bobLaptop = new DeviceLog(BOB, 2);
  }

  @Test
  void aDeliveredMessageWithItsReceiptHolds() {
    accepted(0, "m1", "c1", "hello");
    bothBobDevicesGet("m1", "c1", "hello");
    alice.onReceipt(delivered("r1", "m1"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.holds()).as(verdict.figures()).isTrue();
    assertThat(verdict.deliveries()).isEqualTo(2);
    assertThat(verdict.receiptsDue()).isEqualTo(1);
  }

  @Test
  void anAcceptedMessageMissingOnTheLinkedDeviceIsLost() {
    accepted(0, "m1", "c1", "hello");
    bob.onMessage(message("m1", "c1", "hello"));
    alice.onReceipt(delivered("r1", "m1"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.lost()).isEqualTo(1);
    assertThat(verdict.problems()).anyMatch(line -> line.contains("never reached " + BOB + "#2"));
    assertThat(verdict.holds()).isFalse();
  }

  @Test
  void aMessageFoundQueuedAfterTheRunIsNotLostButStayedQueued() {
    accepted(0, "m1", "c1", "hello");
    bob.onMessage(message("m1", "c1", "hello"));
    bob.onAcked(List.of("m1"));
    bobLaptop.leftoverListener().onMessage(message("m1", "c1", "hello"));
    alice.onReceipt(delivered("r1", "m1"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.lost()).isZero();
    assertThat(verdict.stayedQueued()).isEqualTo(1);
    assertThat(verdict.holds()).isTrue();
  }

  @Test
  void theSameMessageHandedToAnAppTwiceIsADuplicate() {
    accepted(0, "m1", "c1", "hello");
    bothBobDevicesGet("m1", "c1", "hello");
    bob.onMessage(message("m1", "c1", "hello"));
    alice.onReceipt(delivered("r1", "m1"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.duplicatesToApp()).isEqualTo(1);
    assertThat(verdict.holds()).isFalse();
  }

  @Test
  void oneClientIdStoredUnderTwoMessageIdsIsADuplicateInTheQueue() {
    accepted(0, "m1", "c1", "hello");
    bothBobDevicesGet("m1", "c1", "hello");
    bob.onMessage(message("m2", "c1", "hello"));
    alice.onReceipt(delivered("r1", "m1"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.duplicatesInQueue()).isEqualTo(1);
    assertThat(verdict.storedWithoutAccepted()).isEqualTo(1);
    assertThat(verdict.holds()).isFalse();
  }

  @Test
  void aMessageResentAfterAFailureAndStoredTwiceIsADuplicateAfterResend() {
    failed("hello");
    accepted(0, "m2", "c2", "hello");
    bob.onMessage(message("m1", "c1", "hello"));
    bothBobDevicesGet("m2", "c2", "hello");
    alice.onReceipt(delivered("r1", "m2"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.duplicatesAfterResend()).isEqualTo(1);
    assertThat(verdict.failedSends()).isEqualTo(1);
    assertThat(verdict.holds()).isFalse();
  }

  @Test
  void aMessageWhoseEverySendFailedIsNeverAccepted() {
    failed("hello");
    failed("hello");

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.neverAccepted()).isEqualTo(1);
    assertThat(verdict.failedSends()).isEqualTo(2);
    assertThat(verdict.holds()).isFalse();
  }

  @Test
  void aMessageNobodySentIsUnexpected() {
    bob.onMessage(message("m9", "c9", "never sent"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.unexpected()).isEqualTo(1);
    assertThat(verdict.holds()).isFalse();
  }

  @Test
  void aDeliveredReceiptMissingOrTwiceIsCounted() {
    accepted(0, "m1", "c1", "one");
    accepted(1, "m2", "c2", "two");
    bothBobDevicesGet("m1", "c1", "one");
    bothBobDevicesGet("m2", "c2", "two");
    alice.onReceipt(delivered("r1", "m2"));
    alice.onReceipt(delivered("r2", "m2"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.receiptsMissing()).isEqualTo(1);
    assertThat(verdict.receiptsDuplicated()).isEqualTo(1);
    assertThat(verdict.holds()).isFalse();
  }

  @Test
  void noReceiptIsDueForAMessageTheRecipientsPrimaryNeverAcked() {
    accepted(0, "m1", "c1", "hello");
    bob.onMessage(message("m1", "c1", "hello"));
    bobLaptop.onMessage(message("m1", "c1", "hello"));
    bobLaptop.onAcked(List.of("m1"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.receiptsDue()).isZero();
    assertThat(verdict.receiptsMissing()).isZero();
  }

  @Test
  void aLaterMessageReceivedFirstIsAnOrderViolationOnThatDeviceOnly() {
    accepted(0, "m1", "c1", "one");
    accepted(1, "m2", "c2", "two");
    bob.onMessage(message("m1", "c1", "one"));
    bob.onMessage(message("m2", "c2", "two"));
    bobLaptop.onMessage(message("m2", "c2", "two"));
    bobLaptop.onMessage(message("m1", "c1", "one"));
    alice.onReceipt(delivered("r1", "m1"));
    alice.onReceipt(delivered("r2", "m2"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.orderViolations()).isEqualTo(1);
    assertThat(verdict.holds()).isFalse();
    assertThat(verdict.problems()).anyMatch(line -> line.startsWith("order: " + BOB + "#2"));
  }

  @Test
  void groupMessagesInAnotherOrderAreNoViolation() {
    acceptedInGroup(0, "m1", "c1", "one");
    acceptedInGroup(1, "m2", "c2", "two");
    for (DeviceLog device : List.of(bob, bobLaptop)) {
      device.onMessage(groupMessage("m2", "c2", "two"));
      device.onMessage(groupMessage("m1", "c1", "one"));
    }
    bob.onAcked(List.of("m2", "m1"));
    alice.onReceipt(groupDelivered("r1", "m1", "m2"));

    DeliveryChecker.Verdict verdict = check();

    assertThat(verdict.holds()).as(verdict.figures()).isTrue();
    assertThat(verdict.receiptsDue()).isEqualTo(2);
  }

  private DeliveryChecker.Verdict check() {
    return DeliveryChecker.check(CAST, attempts, List.of(alice, bob, bobLaptop));
  }

  private void bothBobDevicesGet(String messageId, String clientId, String body) {
    bob.onMessage(message(messageId, clientId, body));
    bob.onAcked(List.of(messageId));
    bobLaptop.onMessage(message(messageId, clientId, body));
  }

  private void accepted(int sequence, String messageId, String clientId, String body) {
    attempts.add(
        new Attempt(
            "alice->bob", ALICE, 1, BOB, null, sequence, body, clientId, messageId, null, true));
  }

  private void acceptedInGroup(int sequence, String messageId, String clientId, String body) {
    attempts.add(
        new Attempt(
            "alice->g", ALICE, 1, null, "g", sequence, body, clientId, messageId, null, true));
  }

  private void failed(String body) {
    attempts.add(
        new Attempt("alice->bob", ALICE, 1, BOB, null, -1, body, null, null, "INTERNAL", true));
  }

  private static MessageFrame message(String messageId, String clientId, String body) {
    return new MessageFrame(messageId, ALICE, 1, null, null, clientId, body, 0, null);
  }

  private static MessageFrame groupMessage(String messageId, String clientId, String body) {
    return new MessageFrame(messageId, ALICE, 1, null, "g", clientId, body, 0, null);
  }

  private static ReceiptFrame delivered(String receiptId, String... messageIds) {
    return new ReceiptFrame(receiptId, "delivered", BOB, 1, null, List.of(messageIds), 0);
  }

  private static ReceiptFrame groupDelivered(String receiptId, String... messageIds) {
    return new ReceiptFrame(receiptId, "delivered", BOB, 1, "g", List.of(messageIds), 0);
  }
}
