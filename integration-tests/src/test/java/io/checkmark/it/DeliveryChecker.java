package io.checkmark.it;

import io.checkmark.it.DeliveryHistory.Attempt;
import io.checkmark.it.DeliveryHistory.Cast;
import io.checkmark.it.DeliveryHistory.DeviceLog;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Judges a {@link DeliveryHistory} against the protocol's promises, in the manner of Jepsen's queue
 * checkers: what was accepted must reach every device it was for, once; nothing arrives that was
 * never sent; every delivery yields one {@code delivered} receipt; and a sender that waited for
 * {@code accepted} has its one-to-one messages reach each recipient device in the order it sent
 * them.
 */
final class DeliveryChecker {

  /** How many problem lines a verdict keeps to show; the counts cover them all. */
  static final int PROBLEMS_SHOWN = 30;

  private DeliveryChecker() {}

  /**
   * The figures of one run. Those that must be 0 are in {@link #holds()}; {@code stayedQueued} (a
   * fresh client found items still queued once the run settled, at-least-once delivery's second
   * chance) and {@code storedWithoutAccepted} (a send that failed was stored anyway, so its message
   * arrived) are reported, not failures: the protocol allows both.
   *
   * @param attempts calls of {@code send}, resends after a failure included
   * @param accepted sends that got {@code accepted}
   * @param failedSends sends that failed (an error, or no reply in time)
   * @param neverAccepted app messages none of whose sends got {@code accepted}: the app gave up
   * @param deliveries (message, device) pairs the accepted messages were due to reach
   * @param lost of those, the pairs never reached
   * @param duplicatesToApp a device's app handed one {@code messageId} again
   * @param duplicatesInQueue one send (sender device, conversation, client {@code id}) stored under
   *     two {@code messageId}s in one device's queue
   * @param duplicatesAfterResend one app message (its body) stored twice in a device's queue
   *     because the app sent it again after the SDK failed the first send
   * @param unexpected messages received that no one in the run ever sent
   * @param receiptsDue (message, sender device, recipient) {@code delivered} receipts due: for each
   *     message the recipient's primary acked, one for each device of the sender
   * @param receiptsMissing of those, the ones that never came
   * @param receiptsDuplicated extra {@code delivered} receipts for a message already receipted
   * @param orderViolations one-to-one messages a recipient device got after a later one of the same
   *     sender device
   * @param sendFailures how the failed sends failed: error code or exception, and how often
   * @param problems the first {@link #PROBLEMS_SHOWN} problems, one line each
   */
  record Verdict(
      int attempts,
      int accepted,
      int failedSends,
      int neverAccepted,
      int deliveries,
      int lost,
      int duplicatesToApp,
      int duplicatesInQueue,
      int duplicatesAfterResend,
      int unexpected,
      int storedWithoutAccepted,
      int stayedQueued,
      int receiptsDue,
      int receiptsMissing,
      int receiptsDuplicated,
      int orderViolations,
      Map<String, Integer> sendFailures,
      List<String> problems) {

    boolean holds() {
      return neverAccepted == 0
          && lost == 0
          && duplicatesToApp == 0
          && duplicatesInQueue == 0
          && duplicatesAfterResend == 0
          && unexpected == 0
          && receiptsMissing == 0
          && receiptsDuplicated == 0
          && orderViolations == 0;
    }

    String figures() {
      return String.format(
          "accepted %d of %d sends (%d failed), never accepted %d, deliveries due %d, lost %d,"
              + " duplicated to an app %d, duplicated in a queue %d, duplicated after a resend %d,"
              + " unexpected %d, stored without accepted %d, stayed queued %d, receipts due %d,"
              + " missing %d, duplicated %d, order violations %d; sends failed with %s",
          accepted,
          attempts,
          failedSends,
          neverAccepted,
          deliveries,
          lost,
          duplicatesToApp,
          duplicatesInQueue,
          duplicatesAfterResend,
          unexpected,
          storedWithoutAccepted,
          stayedQueued,
          receiptsDue,
          receiptsMissing,
          receiptsDuplicated,
          orderViolations,
          sendFailures);
    }
  }

  static Verdict check(Cast cast, List<Attempt> attempts, List<DeviceLog> devices) {
    return new Run(cast, attempts, devices).verdict();
  }

  /**
   * The messages and receipts due but not yet seen by any app: the run waits for this to reach 0
   * (or to stop moving) before it drains the queues.
   */
  static int outstanding(Cast cast, List<Attempt> attempts, List<DeviceLog> devices) {
    Verdict verdict = check(cast, attempts, devices);
    return verdict.lost() + verdict.receiptsMissing();
  }

  private static final class Run {
    private final Cast cast;
    private final List<Attempt> attempts;
    private final List<DeviceLog> devices;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Attempt> acceptedById = new HashMap<>();
    private final Set<String> bodiesSent = new HashSet<>();

    Run(Cast cast, List<Attempt> attempts, List<DeviceLog> devices) {
      this.cast = cast;
      this.attempts = attempts;
      this.devices = devices;
      for (Attempt attempt : attempts) {
        bodiesSent.add(attempt.body());
        if (attempt.accepted()) {
          acceptedById.put(attempt.messageId(), attempt);
        }
      }
    }

    Verdict verdict() {
      int deliveries = 0;
      int lost = 0;
      int receiptsDue = 0;
      int receiptsMissing = 0;
      int receiptsDuplicated = 0;
      Map<String, DeviceLog> byKey = new HashMap<>();
      Map<String, Set<String>> receivedIds = new HashMap<>();
      Map<String, Map<String, Integer>> deliveredCounts = new HashMap<>();
      Map<String, Set<String>> ackedByPrimary = new HashMap<>();
      for (DeviceLog device : devices) {
        byKey.put(device.key(), device);
        Set<String> ids = new HashSet<>();
        allMessages(device).forEach(message -> ids.add(message.messageId()));
        receivedIds.put(device.key(), ids);
        deliveredCounts.put(device.key(), deliveredReceiptCounts(device));
        if (device.deviceId() == 1) {
          // What the drain's fresh clients found they acked before the queue counted as empty.
          Set<String> acked = new HashSet<>(device.acked());
          device.leftoverMessages().forEach(message -> acked.add(message.messageId()));
          ackedByPrimary.put(device.phone(), acked);
        }
      }
      for (Attempt attempt : acceptedById.values()) {
        for (String device : devicesDue(attempt)) {
          deliveries++;
          if (!receivedIds.getOrDefault(device, Set.of()).contains(attempt.messageId())) {
            lost++;
            problem(
                "lost: %s (%s, %s #%d) never reached %s",
                attempt.messageId(), attempt.stream(), attempt.body(), attempt.sequence(), device);
          }
        }
        for (String recipient : recipientPhones(attempt)) {
          if (!ackedByPrimary.getOrDefault(recipient, Set.of()).contains(attempt.messageId())) {
            // Not delivered (acked by the recipient's primary): no receipt due; lost counts it.
            continue;
          }
          for (int senderDevice : cast.devicesByPhone().get(attempt.senderPhone())) {
            String device = DeliveryHistory.deviceKey(attempt.senderPhone(), senderDevice);
            receiptsDue++;
            int receipts =
                deliveredCounts
                    .getOrDefault(device, Map.of())
                    .getOrDefault(receiptKey(attempt.group(), recipient, attempt.messageId()), 0);
            if (receipts == 0) {
              receiptsMissing++;
              problem(
                  "receipt missing: %s got no delivered receipt by %s for %s (%s)",
                  device, recipient, attempt.messageId(), attempt.stream());
            } else if (receipts > 1) {
              receiptsDuplicated += receipts - 1;
              problem(
                  "receipt duplicated: %s got %d delivered receipts by %s for %s (%s)",
                  device, receipts, recipient, attempt.messageId(), attempt.stream());
            }
          }
        }
      }
      int duplicatesToApp = 0;
      int duplicatesInQueue = 0;
      int duplicatesAfterResend = 0;
      int unexpected = 0;
      int storedWithoutAccepted = 0;
      int stayedQueued = 0;
      int orderViolations = 0;
      for (DeviceLog device : devices) {
        duplicatesToApp += duplicatesToApp(device);
        duplicatesInQueue += duplicatesInQueue(device);
        duplicatesAfterResend += duplicatesAfterResend(device);
        stayedQueued += device.leftoverMessages().size() + device.leftoverReceipts().size();
        Set<String> counted = new HashSet<>();
        for (MessageFrame message : allMessages(device)) {
          if (!counted.add(message.messageId())) {
            continue;
          }
          if (!bodiesSent.contains(message.body())) {
            unexpected++;
            problem(
                "unexpected: %s got %s from %s#%s, never sent: %s",
                device.key(),
                message.messageId(),
                message.from(),
                message.fromDevice(),
                message.body());
          } else if (!acceptedById.containsKey(message.messageId())) {
            storedWithoutAccepted++;
          }
        }
        orderViolations += orderViolations(device);
      }
      Map<String, Integer> sendFailures = new TreeMap<>();
      attempts.stream()
          .filter(attempt -> attempt.failure() != null)
          .forEach(attempt -> sendFailures.merge(attempt.failure(), 1, Integer::sum));
      int failedSends = sendFailures.values().stream().mapToInt(Integer::intValue).sum();
      Set<String> bodiesAccepted = new HashSet<>();
      acceptedById.values().forEach(attempt -> bodiesAccepted.add(attempt.body()));
      int neverAccepted = 0;
      for (String body : bodiesSent) {
        if (!bodiesAccepted.contains(body)) {
          neverAccepted++;
          problem("never accepted: %s", body);
        }
      }
      return new Verdict(
          attempts.size(),
          acceptedById.size(),
          failedSends,
          neverAccepted,
          deliveries,
          lost,
          duplicatesToApp,
          duplicatesInQueue,
          duplicatesAfterResend,
          unexpected,
          storedWithoutAccepted,
          stayedQueued,
          receiptsDue,
          receiptsMissing,
          receiptsDuplicated,
          orderViolations,
          sendFailures,
          List.copyOf(problems));
    }

    /** The phones whose primary's ack makes a {@code delivered} receipt for this message. */
    private List<String> recipientPhones(Attempt attempt) {
      if (attempt.group() == null) {
        return List.of(attempt.to());
      }
      return cast.groupMembers().get(attempt.group()).stream()
          .filter(member -> !member.equals(attempt.senderPhone()))
          .sorted()
          .toList();
    }

    /**
     * Every device of every recipient, and the sender's other devices (sent transcripts): all
     * linked before the run, so all existed when the message was sent.
     */
    private List<String> devicesDue(Attempt attempt) {
      List<String> due = new ArrayList<>();
      for (String phone : recipientPhones(attempt)) {
        cast.devicesByPhone()
            .get(phone)
            .forEach(device -> due.add(DeliveryHistory.deviceKey(phone, device)));
      }
      cast.devicesByPhone().get(attempt.senderPhone()).stream()
          .filter(device -> device != attempt.senderDevice())
          .forEach(device -> due.add(DeliveryHistory.deviceKey(attempt.senderPhone(), device)));
      return due;
    }

    private static String receiptKey(String group, String by, String messageId) {
      return group + "|" + by + "|" + messageId;
    }

    /**
     * How many distinct {@code delivered} receipts (by their own {@code messageId}) named each
     * (group, recipient, message): a receipt handed to the app twice counts among the app's
     * duplicates, not here.
     */
    private static Map<String, Integer> deliveredReceiptCounts(DeviceLog device) {
      Map<String, Integer> counts = new HashMap<>();
      Set<String> seen = new HashSet<>();
      Stream.concat(device.receipts().stream(), device.leftoverReceipts().stream())
          .filter(receipt -> "delivered".equals(receipt.status()))
          .filter(receipt -> seen.add(receipt.messageId()))
          .forEach(
              receipt ->
                  receipt
                      .messageIds()
                      .forEach(
                          id ->
                              counts.merge(
                                  receiptKey(receipt.group(), receipt.by(), id), 1, Integer::sum)));
      return counts;
    }

    private static List<MessageFrame> allMessages(DeviceLog device) {
      List<MessageFrame> all = new ArrayList<>(device.messages());
      all.addAll(device.leftoverMessages());
      return all;
    }

    /** Items the live client handed its app twice (the SDK should drop a push and sync twin). */
    private int duplicatesToApp(DeviceLog device) {
      int duplicates = 0;
      Set<String> seen = new HashSet<>();
      for (MessageFrame message : device.messages()) {
        if (!seen.add(message.messageId())) {
          duplicates++;
          problem(
              "duplicated to the app: %s was handed %s (%s) twice",
              device.key(), message.messageId(), message.body());
        }
      }
      for (ReceiptFrame receipt : device.receipts()) {
        if (!seen.add(receipt.messageId())) {
          duplicates++;
          problem(
              "duplicated to the app: %s was handed receipt %s twice",
              device.key(), receipt.messageId());
        }
      }
      return duplicates;
    }

    /** One send, retried with its client id, stored under more than one messageId. */
    private int duplicatesInQueue(DeviceLog device) {
      Map<String, Set<String>> idsBySend = new LinkedHashMap<>();
      for (MessageFrame message : allMessages(device)) {
        String send =
            String.join(
                "|",
                message.from(),
                String.valueOf(message.fromDevice()),
                Objects.toString(message.group(), Objects.toString(message.to(), device.phone())),
                message.id());
        idsBySend.computeIfAbsent(send, key -> new HashSet<>()).add(message.messageId());
      }
      int duplicates = 0;
      for (Map.Entry<String, Set<String>> send : idsBySend.entrySet()) {
        if (send.getValue().size() > 1) {
          duplicates += send.getValue().size() - 1;
          problem(
              "duplicated in a queue: %s holds send %s as %s",
              device.key(), send.getKey(), send.getValue());
        }
      }
      return duplicates;
    }

    /** One app message, sent again after the SDK failed it, stored twice. */
    private int duplicatesAfterResend(DeviceLog device) {
      Map<String, Set<String>> idsByBody = new LinkedHashMap<>();
      for (MessageFrame message : allMessages(device)) {
        idsByBody
            .computeIfAbsent(message.body(), key -> new HashSet<>())
            .add(message.from() + "|" + message.fromDevice() + "|" + message.id());
      }
      int duplicates = 0;
      for (Map.Entry<String, Set<String>> body : idsByBody.entrySet()) {
        if (body.getValue().size() > 1) {
          duplicates += body.getValue().size() - 1;
          problem(
              "duplicated after a resend: %s holds %s under client ids %s",
              device.key(), body.getKey(), body.getValue());
        }
      }
      return duplicates;
    }

    /**
     * For each sender device, its one-to-one messages that this device (a recipient) got after one
     * the sender sent later, counting only sends the sender waited for (group messages are exempt,
     * as the protocol says).
     */
    private int orderViolations(DeviceLog device) {
      Map<String, Integer> latestByStream = new HashMap<>();
      Set<String> seen = new HashSet<>();
      int violations = 0;
      for (MessageFrame message : allMessages(device)) {
        Attempt attempt = acceptedById.get(message.messageId());
        if (attempt == null
            || !seen.add(message.messageId())
            || attempt.group() != null
            || !attempt.waitedFor()
            || !attempt.to().equals(device.phone())) {
          continue;
        }
        Integer latest = latestByStream.get(attempt.stream());
        if (latest != null && attempt.sequence() < latest) {
          violations++;
          problem(
              "order: %s got %s #%d after #%d",
              device.key(), attempt.stream(), attempt.sequence(), latest);
        } else {
          latestByStream.put(attempt.stream(), attempt.sequence());
        }
      }
      return violations;
    }

    private void problem(String format, Object... arguments) {
      if (problems.size() < PROBLEMS_SHOWN) {
        problems.add(String.format(format, arguments));
      }
    }
  }
}
