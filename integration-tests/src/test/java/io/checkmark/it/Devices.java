package io.checkmark.it;

import static org.awaitility.Awaitility.await;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.Listener;
import io.checkmark.core.MessagingService;
import io.checkmark.local.LocalStack;
import io.checkmark.protocol.GroupUpdateFrame;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Registered devices on a local stack, through the client SDK, reading PINs from the captured SMS.
 */
final class Devices {

  private Devices() {}

  /**
   * Waits until a block or unblock confirmed at {@code changeConfirmed} holds for sends that start
   * now: the send path may reuse an account it read before the change for {@link
   * MessagingService#ACCOUNT_REUSE} (docs/presence.md: within a second).
   */
  static void awaitBlockChangeEffective(Instant changeConfirmed) {
    await("the block change is effective for new sends")
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Duration.between(changeConfirmed, Instant.now())
                        .compareTo(MessagingService.ACCOUNT_REUSE)
                    > 0);
  }

  /** A phone number registered on the stack; returns its device key. */
  static String register(LocalStack stack, String phone) {
    return register(stack, phone, stack);
  }

  /** Registers through {@code stack}, reading the PIN where the SMS went: {@code smsCapture}. */
  static String register(LocalStack smsCapture, String phone, LocalStack stack) {
    return register(stack.webSocketUrl(), phone, () -> smsCapture.lastPinSentTo(phone));
  }

  /**
   * Registers a phone through an anonymous client: requests a PIN, then verifies the one {@code
   * pinAfterRequest} gives (read from an SMS, or a test number's fixed PIN); returns the key.
   */
  static String register(URI url, String phone, Supplier<String> pinAfterRequest) {
    try (CheckmarkClient anonymous = CheckmarkClient.builder(url).build()) {
      anonymous.connect().join();
      anonymous.requestPin(phone).join();
      return anonymous.verifyPin(phone, pinAfterRequest.get()).join();
    }
  }

  static CheckmarkClient client(LocalStack stack, String phone, String deviceKey, Inbox inbox) {
    return CheckmarkClient.builder(stack.webSocketUrl())
        .credentials(phone, deviceKey)
        .listener(inbox)
        .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
        .build();
  }

  /** Everything a device's listener hears. */
  static final class Inbox implements Listener {
    final BlockingQueue<MessageFrame> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<ReceiptFrame> receipts = new LinkedBlockingQueue<>();
    final BlockingQueue<GroupUpdateFrame> groupUpdates = new LinkedBlockingQueue<>();
    final BlockingQueue<MessageFrame> transcripts = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(MessageFrame message) {
      messages.add(message);
    }

    @Override
    public void onReceipt(ReceiptFrame receipt) {
      receipts.add(receipt);
    }

    @Override
    public void onGroupUpdate(GroupUpdateFrame update) {
      groupUpdates.add(update);
    }

    @Override
    public void onSentTranscript(MessageFrame transcript) {
      transcripts.add(transcript);
    }

    GroupUpdateFrame nextGroupUpdate() throws InterruptedException {
      GroupUpdateFrame update = groupUpdates.poll(10, TimeUnit.SECONDS);
      if (update == null) {
        throw new AssertionError("no group update within 10 s");
      }
      return update;
    }

    MessageFrame nextTranscript() throws InterruptedException {
      MessageFrame transcript = transcripts.poll(10, TimeUnit.SECONDS);
      if (transcript == null) {
        throw new AssertionError("no sent transcript within 10 s");
      }
      return transcript;
    }

    MessageFrame nextMessage() throws InterruptedException {
      MessageFrame message = messages.poll(10, TimeUnit.SECONDS);
      if (message == null) {
        throw new AssertionError("no message within 10 s");
      }
      return message;
    }

    ReceiptFrame nextReceipt() throws InterruptedException {
      ReceiptFrame receipt = receipts.poll(10, TimeUnit.SECONDS);
      if (receipt == null) {
        throw new AssertionError("no receipt within 10 s");
      }
      return receipt;
    }
  }
}
