package io.checkmark.it;

import io.checkmark.client.Listener;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every client of a reliability run did and saw, as Jepsen's queue checkers keep it: each send
 * attempt and its outcome, and per device every message and receipt its app was handed, in order,
 * what it acked, and what was still queued for it once the run was over. {@link DeliveryChecker}
 * reads it; nothing here judges.
 */
final class DeliveryHistory {

  /** The accounts of the run: each phone's devices, and each group's member phones. */
  record Cast(Map<String, List<Integer>> devicesByPhone, Map<String, Set<String>> groupMembers) {}

  /**
   * One call of the SDK's {@code send}: the app's message ({@code body}, unique in the run), the
   * stream that sent it and its place there, and how it ended. {@code messageId} and {@code
   * clientId} are set once accepted; {@code failure} when the send failed instead; neither while it
   * is still waiting. {@code waitedFor} says that the sender waited for this {@code accepted}
   * before its next send in the stream, which is what makes its order checkable.
   */
  record Attempt(
      String stream,
      String senderPhone,
      int senderDevice,
      String to,
      String group,
      int sequence,
      String body,
      String clientId,
      String messageId,
      String failure,
      boolean waitedFor) {

    boolean accepted() {
      return messageId != null;
    }

    String senderDeviceKey() {
      return deviceKey(senderPhone, senderDevice);
    }
  }

  static String deviceKey(String phone, int deviceId) {
    return phone + "#" + deviceId;
  }

  private final List<Attempt> attempts = new ArrayList<>();

  synchronized void record(Attempt attempt) {
    attempts.add(attempt);
  }

  synchronized List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  /**
   * One device's app: the {@link Listener} it gives the SDK records what the SDK hands it, live;
   * {@link #leftoverListener()} what a fresh client found queued for the device after the run.
   */
  static final class DeviceLog implements Listener {
    private final String phone;
    private final int deviceId;
    private final List<MessageFrame> messages = new ArrayList<>();
    private final List<ReceiptFrame> receipts = new ArrayList<>();
    private final List<String> acked = new ArrayList<>();
    private final List<MessageFrame> leftoverMessages = new ArrayList<>();
    private final List<ReceiptFrame> leftoverReceipts = new ArrayList<>();

    DeviceLog(String phone, int deviceId) {
      this.phone = phone;
      this.deviceId = deviceId;
    }

    String phone() {
      return phone;
    }

    int deviceId() {
      return deviceId;
    }

    String key() {
      return deviceKey(phone, deviceId);
    }

    @Override
    public synchronized void onMessage(MessageFrame message) {
      messages.add(message);
    }

    @Override
    public synchronized void onSentTranscript(MessageFrame transcript) {
      messages.add(transcript);
    }

    @Override
    public synchronized void onReceipt(ReceiptFrame receipt) {
      receipts.add(receipt);
    }

    @Override
    public synchronized void onAcked(List<String> messageIds) {
      acked.addAll(messageIds);
    }

    /** What the app was handed live: messages and sent transcripts, in the order handed. */
    synchronized List<MessageFrame> messages() {
      return List.copyOf(messages);
    }

    synchronized List<ReceiptFrame> receipts() {
      return List.copyOf(receipts);
    }

    synchronized List<String> acked() {
      return List.copyOf(acked);
    }

    synchronized List<MessageFrame> leftoverMessages() {
      return List.copyOf(leftoverMessages);
    }

    synchronized List<ReceiptFrame> leftoverReceipts() {
      return List.copyOf(leftoverReceipts);
    }

    /** Everything recorded so far: it stops changing once the run has settled. */
    synchronized int events() {
      return messages.size()
          + receipts.size()
          + acked.size()
          + leftoverMessages.size()
          + leftoverReceipts.size();
    }

    /** For a fresh client of this device, after the run: what it finds is what stayed queued. */
    Listener leftoverListener() {
      return new Listener() {
        @Override
        public void onMessage(MessageFrame message) {
          synchronized (DeviceLog.this) {
            leftoverMessages.add(message);
          }
        }

        @Override
        public void onSentTranscript(MessageFrame transcript) {
          onMessage(transcript);
        }

        @Override
        public void onReceipt(ReceiptFrame receipt) {
          synchronized (DeviceLog.this) {
            leftoverReceipts.add(receipt);
          }
        }
      };
    }
  }
}
