package io.checkmark.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One-to-one delivery, after WhatsApp and Signal-Server: a message is stored in the queue of each
 * of its recipient's devices (and, as a sent transcript, of each other device of its sender) before
 * its sender hears {@code accepted}, pushed at once to those devices' live connections, and deleted
 * from a device's queue only when that device acks it; the primary's ack queues, in the same
 * transaction, one {@code delivered} receipt for every device of the sender. No push failure loses
 * or duplicates a stored item: whatever was not pushed waits for {@code sync}, and an item that can
 * never be pushed is moved aside so that it blocks nothing behind it.
 */
public final class MessagingService {

  /** API Gateway's limit on one message it pushes: a message frame as pushed, escapes and all. */
  public static final int MAX_PUSHED_MESSAGE_BYTES = 128 * 1024;

  public static final int MAX_IDS_PER_REQUEST = 100;
  public static final int DEFAULT_SYNC_LIMIT = 100;
  public static final int MAX_SYNC_LIMIT = 500;

  /**
   * Short clock-aligned windows: a burst cannot straddle two of them and pass twice the limit
   * unseen.
   */
  private static final Duration RATE_WINDOW = Duration.ofSeconds(10);

  private static final Duration UNKNOWN_RECIPIENT_WINDOW = Duration.ofDays(1);
  private static final int MAX_ID_CHARS = 64;

  /**
   * How long a warm function reuses an account it has read (strongly consistent), counted from when
   * the read began: to fan a message out to both accounts' devices and to address receipts. A newly
   * linked device is told it is linked only this long after it was stored (see {@link
   * LinkedDevices#approveLink}), so every copy of the account still in use by then holds it; and a
   * block holds on every function within it. One second: a conversation's burst still reads each
   * account once.
   */
  public static final Duration ACCOUNT_REUSE = Duration.ofSeconds(1);

  /**
   * How long a warm function reuses an account to address {@code delivered} receipts to the
   * sender's devices: a device linked within it may miss the receipt of a message it holds.
   */
  private static final Duration RECEIPT_ADDRESSEES_REUSE = Duration.ofMinutes(1);

  private static final int ACCOUNTS_KEPT = 10_000;

  private final MessageQueue queue;
  private final AccountStore accounts;
  private final GroupStore groups;
  private final ConnectionStore connections;
  private final ConnectionPusher pusher;
  private final RateLimiter limits;
  private final Limits perAccount;
  private final Metrics metrics;
  private final MessageIds messageIds;
  private final Clock clock;
  private final ExpiringCache<String, Account> recentAccounts;
  private final ExpiringCache<String, Account> receiptAddressees;
  private final DevicePushes pushes;
  private final PushNotifications notifications;
  private final MediaService media;

  public MessagingService(
      MessageQueue queue,
      AccountStore accounts,
      GroupStore groups,
      ConnectionStore connections,
      ConnectionPusher pusher,
      RateLimiter limits,
      Limits perAccount,
      Metrics metrics,
      MessageIds messageIds,
      MediaService media,
      PushNotifications notifications,
      Clock clock) {
    this.queue = queue;
    this.accounts = accounts;
    this.groups = groups;
    this.connections = connections;
    this.pusher = pusher;
    this.limits = limits;
    this.perAccount = perAccount;
    this.metrics = metrics;
    this.messageIds = messageIds;
    this.media = media;
    this.notifications = notifications;
    this.clock = clock;
    this.recentAccounts = new ExpiringCache<>(ACCOUNTS_KEPT, ACCOUNT_REUSE, clock);
    this.receiptAddressees = new ExpiringCache<>(ACCOUNTS_KEPT, RECEIPT_ADDRESSEES_REUSE, clock);
    this.pushes = new DevicePushes(connections, pusher, metrics);
  }

  /**
   * Per-account limits: {@code send}s and {@code read}s per 10-second window, and distinct
   * unregistered numbers an account may be told of ({@code UNKNOWN_RECIPIENT}) per day.
   */
  public record Limits(int sendsPer10Seconds, int readsPer10Seconds, int unknownRecipientsPerDay) {}

  /**
   * What one {@code sync} did: items pushed, and whether more wait (or a push failed and the page
   * stopped).
   */
  public record SyncPage(int sent, boolean more) {}

  /**
   * Stores the message in the queue of each of the recipient's devices (none when the recipient
   * blocks the sender), and a sent transcript in the queue of each other device of the sender, all
   * in one atomic write (once per sending device, conversation and client id), then pushes each
   * copy to its device's live connections. Both accounts come from a read at most {@link
   * #ACCOUNT_REUSE} old, and a device is told it is linked only once that long has passed, so every
   * device linked before its {@code linked} frame gets its copy. Refused when the message as it
   * will be pushed exceeds API Gateway's limit.
   */
  public MessageQueue.Stored send(
      Session sender, String to, String clientId, String body, Attachment attachment) {
    String recipientPhone = requirePhone("to", to);
    requireContent(clientId, body, attachment);
    QueueItem.Message message =
        new QueueItem.Message(
            DeviceRef.primaryOf(recipientPhone),
            messageIds.next(sender.phone(), recipientPhone),
            sender.phone(),
            sender.deviceId(),
            null,
            null,
            clientId,
            body,
            attachment,
            clock.instant());
    // A transcript's frame is the larger (it names the recipient): check that one.
    if (pusher.sizeAsPushed(message.copyFor(sender.device(), recipientPhone))
        > MAX_PUSHED_MESSAGE_BYTES) {
      throw tooLarge();
    }
    media.requireUploaded(attachment);
    Map<String, Account> found = accountsOf(sender, recipientPhone);
    Account senderAccount = found.get(sender.phone());
    if (!holdsSession(senderAccount, sender)) {
      // Replaced or unlinked since this function checked: the handler reads the session again.
      throw new SessionChanged(sender.connectionId());
    }
    Account recipient = found.get(recipientPhone);
    if (recipient == null) {
      requireStillBound(sender);
      throw unknownRecipient(sender.phone(), recipientPhone);
    }
    List<QueueItem.Message> copies = new ArrayList<>();
    // A blocked sender hears accepted, as always, and its other devices get their transcripts;
    // the blocker's devices get nothing, so no delivered receipt ever tells it the difference.
    boolean blocked = recipient.blocks(sender.phone());
    if (!blocked) {
      for (int device : recipient.deviceIds()) {
        copies.add(message.copyFor(new DeviceRef(recipientPhone, device), null));
      }
    }
    if (!recipientPhone.equals(sender.phone())) {
      for (int device : senderAccount.deviceIds()) {
        if (device != sender.deviceId()) {
          copies.add(message.copyFor(new DeviceRef(sender.phone(), device), recipientPhone));
        }
      }
    }
    MessageQueue.Stored stored =
        queue.storeOnce(
            sender,
            recipientPhone,
            message,
            copies,
            new RateLimiter.Limit(
                "sends#" + sender.phone(), perAccount.sendsPer10Seconds(), RATE_WINDOW));
    // A push that cannot look up the connections fails the send although its message is stored:
    // answered INTERNAL, the client sends it again with its id, and that retry pushes the stored
    // copy; answered accepted, the message would wait for a sync while the next one is pushed.
    if (!stored.duplicate()) {
      metrics.count("MessagesAccepted", 1);
      if (blocked) {
        metrics.count("MessagesBlocked", 1);
      }
      push(copies);
    } else {
      pushAgain(stored.messageId(), copies);
    }
    return stored;
  }

  /**
   * A send retried after its first try stored the message: that try may have crashed before its
   * push, and a message left to the next sync would reach a live device after the sender's next
   * one. Each device's stored copy is pushed (not this retry's content: an id reused with other
   * content does not change what the recipient sees), looked up in that device's own queue: a
   * device that acked its copy meanwhile has it, and says nothing about the others.
   */
  private void pushAgain(String messageId, List<QueueItem.Message> copies) {
    List<QueueItem> stillQueued = new ArrayList<>();
    for (QueueItem.Message copy : copies) {
      stillQueued.addAll(queue.find(copy.owner(), List.of(messageId)));
    }
    push(stillQueued);
  }

  /**
   * Sends the oldest items of the device's queue to the caller's connection, oldest first, then
   * says whether more wait. An item too large to push is moved aside and the page goes on; any
   * other failed push ends the page, so that order holds.
   */
  public SyncPage sync(DeviceRef owner, String connectionId, Integer limit) {
    int pageSize = limit == null ? DEFAULT_SYNC_LIMIT : limit;
    if (pageSize < 1 || pageSize > MAX_SYNC_LIMIT) {
      throw Refusal.invalid("limit must be 1 to " + MAX_SYNC_LIMIT);
    }
    List<QueueItem> items = queue.oldest(owner, pageSize + 1);
    boolean more = items.size() > pageSize;
    List<QueueItem> page = more ? items.subList(0, pageSize) : items;
    if (!page.isEmpty()) {
      metrics.seconds(
          "OldestQueuedItemAge",
          Duration.between(page.get(0).acceptedAt(), clock.instant()).toMillis() / 1000.0);
    }
    int sent = 0;
    boolean stopped = false;
    for (QueueItem item : page) {
      ConnectionPusher.PushResult result = pusher.push(connectionId, item);
      if (result == ConnectionPusher.PushResult.DELIVERED) {
        sent++;
      } else if (result == ConnectionPusher.PushResult.TOO_LARGE) {
        queue.setAside(item);
        metrics.count("UndeliverableItemsSetAside", 1);
      } else {
        stopped = true;
        break;
      }
    }
    if (!more && !stopped) {
      // The device has everything that was queued: its next push need not wait out the window.
      notifications.synced(owner);
    }
    return new SyncPage(sent, more || stopped);
  }

  /**
   * Removes acked items from the caller's device queue. When that device is its account's primary,
   * the same transactions queue, for each sender of a removed message, one {@code delivered}
   * receipt in each of the sender's devices' queues: only the primary's ack that removes a message
   * queues its receipt. A linked device's ack only removes its copies. A message id names its
   * sender, so an ack needs no read first, except of an id older than that rule or of a message
   * from the owner's own phone. Returns how many items this call removed.
   */
  public int ack(Session owner, List<String> ids) {
    List<String> requested = requireIds(ids);
    List<MessageQueue.Ack> acks = new ArrayList<>();
    List<String> toRead = new ArrayList<>();
    for (String id : requested) {
      Optional<String> sender = MessageIds.senderOf(id);
      if (MessageIds.isReceipt(id) || !owner.isPrimary()) {
        // Sets off nothing: a receipt or group update, or any copy a linked device holds.
        acks.add(new MessageQueue.Ack(id, null, null));
      } else if (sender.isPresent() && !sender.get().equals(owner.phone())) {
        acks.add(new MessageQueue.Ack(id, sender.get(), null));
      } else {
        // A group message (its receipt names the group, which the item holds), an id minted
        // before ids named their sender, or a message of the owner's own phone (a sent
        // transcript, which sets off nothing, or a note to itself): read it.
        toRead.add(id);
      }
    }
    if (!toRead.isEmpty()) {
      for (QueueItem item : queue.find(owner.device(), toRead)) {
        acks.add(ackOf(owner, item));
      }
      if (acks.isEmpty()) {
        requireStillBound(owner);
        return 0;
      }
    }
    MessageQueue.Removal removal =
        queue.remove(owner, acks, removed -> deliveredReceipts(owner, removed));
    if (!removal.receipts().isEmpty()) {
      metrics.count(
          "ReceiptsQueued",
          (int) removal.receipts().stream().map(QueueItem::messageId).distinct().count(),
          "status",
          "delivered");
      pushes.pushUnordered(removal.receipts());
    }
    metrics.count("ItemsAcked", removal.removed());
    return removal.removed();
  }

  /**
   * Queues the original sender, in each of its devices' queues, one {@code read} receipt for those
   * of the ids that are of messages the reader received from it, in {@code group} when that is set
   * (their ids carry a MAC over sender and conversation; in a group, the reader must be a member);
   * other ids are ignored, and nothing is queued when none counts. Returns how many ids counted.
   */
  public int read(Session reader, String to, String group, List<String> ids) {
    String sender = requirePhone("to", to);
    List<String> requested = requireIds(ids);
    limits.acquireInAlignedWindow(
        new RateLimiter.Limit(
            "reads#" + reader.phone(), perAccount.readsPer10Seconds(), RATE_WINDOW));
    if (group != null) {
      GroupService.requireMember(groups, group, reader.phone());
    }
    List<String> received =
        requested.stream()
            .filter(
                id ->
                    group == null
                        ? messageIds.isFrom(id, sender, reader.phone())
                        : messageIds.isFromInGroup(id, sender, group))
            .toList();
    Optional<Account> senderAccount = received.isEmpty() ? Optional.empty() : accounts.find(sender);
    if (senderAccount.isEmpty()) {
      requireStillBound(reader);
      return 0;
    }
    String receiptId = messageIds.nextReceipt();
    List<QueueItem.Receipt> copies = new ArrayList<>();
    for (int device : senderAccount.get().deviceIds()) {
      copies.add(
          new QueueItem.Receipt(
              new DeviceRef(sender, device),
              receiptId,
              "read",
              reader.phone(),
              reader.deviceId(),
              group,
              received,
              clock.instant()));
    }
    queue.add(reader, copies);
    metrics.count("ReceiptsQueued", 1, "status", "read");
    pushes.pushUnordered(copies);
    return received.size();
  }

  /**
   * A read item's ack: a message queues a receipt for its sender, unless it is a sent transcript
   * (one-to-one, or a group message from another device of the owner's own phone).
   */
  private static MessageQueue.Ack ackOf(Session owner, QueueItem item) {
    if (item instanceof QueueItem.Message message
        && message.to() == null
        && !(message.group() != null && message.from().equals(owner.phone()))) {
      return new MessageQueue.Ack(item.messageId(), message.from(), message.group());
    }
    return new MessageQueue.Ack(item.messageId(), null, null);
  }

  /**
   * For an outcome that writes nothing, so that no write's session check ran (nothing found in the
   * queue, no id counted, an unknown recipient): the connection must still be bound to the session
   * the answer was worked out for, or the action is run again as the connection's current identity.
   * Costs one read, on these rare paths only.
   */
  private void requireStillBound(Session session) {
    boolean bound =
        connections
            .find(session.connectionId())
            .filter(connection -> connection.isOf(session.device(), session.keyGeneration()))
            .isPresent();
    if (!bound) {
      throw new SessionChanged(session.connectionId());
    }
  }

  /**
   * One {@code delivered} receipt per sender and conversation of the removed messages (a group's
   * name it), a copy for each of the sender's devices, from a read at most {@link
   * #RECEIPT_ADDRESSEES_REUSE} old.
   */
  private List<QueueItem.Receipt> deliveredReceipts(Session by, List<MessageQueue.Ack> delivered) {
    Map<String, List<MessageQueue.Ack>> byConversation = new LinkedHashMap<>();
    for (MessageQueue.Ack ack : delivered) {
      if (ack.sender() != null) {
        byConversation.computeIfAbsent(ack.receiptKey(), key -> new ArrayList<>()).add(ack);
      }
    }
    List<QueueItem.Receipt> receipts = new ArrayList<>();
    byConversation.forEach(
        (conversation, acks) -> {
          String sender = acks.get(0).sender();
          List<String> messages = acks.stream().map(MessageQueue.Ack::messageId).toList();
          String receiptId = messageIds.nextReceipt();
          List<Integer> devices =
              receiptAddressees(sender).map(Account::deviceIds).orElse(List.of(Account.PRIMARY));
          for (int device : devices) {
            receipts.add(
                new QueueItem.Receipt(
                    new DeviceRef(sender, device),
                    receiptId,
                    "delivered",
                    by.phone(),
                    by.deviceId(),
                    acks.get(0).group(),
                    messages,
                    clock.instant()));
          }
        });
    return receipts;
  }

  /**
   * {@code UNKNOWN_RECIPIENT} tells whether a number is registered, so an account is told so of at
   * most so many distinct numbers a day; asking again about one it was told of costs nothing more.
   */
  private Refusal unknownRecipient(String asker, String to) {
    return unknownRecipient(limits, perAccount.unknownRecipientsPerDay(), asker, to);
  }

  /**
   * {@code UNKNOWN_RECIPIENT}, counted against the asker's daily limit; one-to-one or in a group.
   */
  static Refusal unknownRecipient(RateLimiter limits, int perDay, String asker, String to) {
    limits.acquireDistinct("unknown-recipients#" + asker, to, perDay, UNKNOWN_RECIPIENT_WINDOW);
    return Refusal.of(Refusal.Reason.UNKNOWN_RECIPIENT, "no one is registered as " + to);
  }

  /**
   * The sender's and the recipient's accounts from this function's recent reads, or read again
   * (both, strongly consistent, in one request) when either is missing or the sender's does not
   * hold the session (registered again or linked since it was read).
   */
  private Map<String, Account> accountsOf(Session sender, String recipientPhone) {
    Optional<Account> recentSender = recentAccounts.get(sender.phone());
    Optional<Account> recentRecipient = recentAccounts.get(recipientPhone);
    if (recentRecipient.isPresent()
        && recentSender.isPresent()
        && holdsSession(recentSender.get(), sender)) {
      Map<String, Account> recent = new LinkedHashMap<>();
      recent.put(recipientPhone, recentRecipient.get());
      recent.put(sender.phone(), recentSender.get());
      return recent;
    }
    Instant readBegan = clock.instant();
    Map<String, Account> found =
        accounts.findAll(new LinkedHashSet<>(List.of(recipientPhone, sender.phone())));
    found.forEach((phone, account) -> recentAccounts.put(phone, account, readBegan));
    return found;
  }

  private static boolean holdsSession(Account account, Session session) {
    return account != null
        && account.keyGeneration() == session.keyGeneration()
        && account.device(session.deviceId()).isPresent();
  }

  private Optional<Account> receiptAddressees(String phone) {
    Optional<Account> recent = receiptAddressees.get(phone);
    if (recent.isPresent()) {
      return recent;
    }
    Optional<Account> found = accounts.find(phone);
    found.ifPresent(account -> receiptAddressees.put(phone, account));
    return found;
  }

  private void push(List<? extends QueueItem> items) {
    pushes.push(items);
  }

  /** A message's client id and content, one-to-one or in a group. */
  static void requireContent(String clientId, String body, Attachment attachment) {
    requireId("id", clientId);
    if (body == null && attachment == null) {
      throw Refusal.invalid("a message needs a body or media");
    }
    MediaService.requireWellFormed(attachment);
  }

  static Refusal tooLarge() {
    return Refusal.of(
        Refusal.Reason.MESSAGE_TOO_LARGE,
        "the message as delivered (JSON, escapes included) may take at most "
            + MAX_PUSHED_MESSAGE_BYTES
            + " bytes");
  }

  /** The canonical E.164 form of a phone field. */
  static String requirePhone(String field, String phone) {
    return PhoneNumbers.canonical(phone)
        .orElseThrow(
            () -> Refusal.invalid(field + " must be a valid phone number in international form"));
  }

  private static void requireId(String field, String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
      throw Refusal.invalid(field + " must be 1 to " + MAX_ID_CHARS + " characters");
    }
  }

  private static List<String> requireIds(List<String> ids) {
    if (ids == null || ids.isEmpty() || ids.size() > MAX_IDS_PER_REQUEST) {
      throw Refusal.invalid("messageIds must hold 1 to " + MAX_IDS_PER_REQUEST + " ids");
    }
    for (String id : ids) {
      requireId("each of messageIds", id);
    }
    return List.copyOf(new LinkedHashSet<>(ids));
  }
}
