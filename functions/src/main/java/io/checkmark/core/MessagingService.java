package io.checkmark.core;

import io.checkmark.core.ConnectionPusher.PushResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One-to-one delivery, after WhatsApp and Signal-Server: a message is stored in its recipient's
 * queue before its sender hears {@code accepted}, pushed at once to the recipient's live
 * connections, and deleted only when the recipient acks it, in the same transaction that queues its
 * sender one {@code delivered} receipt. No push failure loses or duplicates a stored item: whatever
 * was not pushed waits for {@code sync}, and an item that can never be pushed is moved aside so
 * that it blocks nothing behind it.
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
  private static final int MAX_URL_CHARS = 2048;
  private static final int MAX_MIME_TYPE_CHARS = 255;
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

  /**
   * How long a warm function reuses an account it has read. Accounts are never deleted, so a cached
   * one proves the recipient exists; its key generation may lag a re-registration, which {@link
   * #push} allows for.
   */
  public static final Duration ACCOUNT_REUSE = Duration.ofMinutes(1);

  private static final int ACCOUNTS_KEPT = 10_000;

  private final MessageQueue queue;
  private final AccountStore accounts;
  private final ConnectionStore connections;
  private final ConnectionPusher pusher;
  private final RateLimiter limits;
  private final Limits perAccount;
  private final Metrics metrics;
  private final MessageIds messageIds;
  private final Clock clock;
  private final ExpiringCache<String, Account> recentAccounts;

  public MessagingService(
      MessageQueue queue,
      AccountStore accounts,
      ConnectionStore connections,
      ConnectionPusher pusher,
      RateLimiter limits,
      Limits perAccount,
      Metrics metrics,
      MessageIds messageIds,
      Clock clock) {
    this.queue = queue;
    this.accounts = accounts;
    this.connections = connections;
    this.pusher = pusher;
    this.limits = limits;
    this.perAccount = perAccount;
    this.metrics = metrics;
    this.messageIds = messageIds;
    this.clock = clock;
    this.recentAccounts = new ExpiringCache<>(ACCOUNTS_KEPT, ACCOUNT_REUSE, clock);
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
   * Stores the message in the recipient's queue (once per sender, recipient and client id), then
   * pushes it. Refused when the message as it will be pushed exceeds API Gateway's limit.
   */
  public MessageQueue.Stored send(
      Session sender, String to, String clientId, String body, Attachment attachment) {
    String recipientPhone = requirePhone("to", to);
    requireId("id", clientId);
    if (body == null && attachment == null) {
      throw Refusal.invalid("a message needs a body or media");
    }
    requireAttachment(attachment);
    QueueItem.Message message =
        new QueueItem.Message(
            recipientPhone,
            messageIds.next(sender.phone(), recipientPhone),
            sender.phone(),
            clientId,
            body,
            attachment,
            clock.instant());
    if (pusher.sizeAsPushed(message) > MAX_PUSHED_MESSAGE_BYTES) {
      throw Refusal.of(
          Refusal.Reason.MESSAGE_TOO_LARGE,
          "the message as delivered (JSON, escapes included) may take at most "
              + MAX_PUSHED_MESSAGE_BYTES
              + " bytes");
    }
    Optional<Account> found = account(recipientPhone);
    if (found.isEmpty()) {
      requireStillBound(sender);
      throw unknownRecipient(sender.phone(), recipientPhone);
    }
    Account recipient = found.get();
    MessageQueue.Stored stored =
        queue.storeOnce(
            sender,
            message,
            new RateLimiter.Limit(
                "sends#" + sender.phone(), perAccount.sendsPer10Seconds(), RATE_WINDOW));
    if (!stored.duplicate()) {
      metrics.count("MessagesAccepted", 1);
      push(recipient, message);
    }
    return stored;
  }

  /**
   * Sends the oldest queued items to the caller's connection, oldest first, then says whether more
   * wait. An item too large to push is moved aside and the page goes on; any other failed push ends
   * the page, so that order holds.
   */
  public SyncPage sync(String owner, String connectionId, Integer limit) {
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
      PushResult result = pusher.push(connectionId, item);
      if (result == PushResult.DELIVERED) {
        sent++;
      } else if (result == PushResult.TOO_LARGE) {
        queue.setAside(item);
        metrics.count("UndeliverableItemsSetAside", 1);
      } else {
        stopped = true;
        break;
      }
    }
    return new SyncPage(sent, more || stopped);
  }

  /**
   * Removes acked items from the caller's queue and, in the same transactions, queues each sender
   * of a removed message one {@code delivered} receipt for them: only the ack that removes a
   * message queues its receipt. Acked receipts set off nothing and need no read first. Returns how
   * many items this call removed.
   */
  public int ack(Session owner, List<String> ids) {
    List<String> requested = requireIds(ids);
    Map<Boolean, List<String>> receiptOrNot =
        requested.stream().collect(Collectors.partitioningBy(MessageIds::isReceipt));
    List<String> messageIdsAcked = receiptOrNot.get(false);
    List<QueueItem> found =
        messageIdsAcked.isEmpty() ? List.of() : queue.find(owner.phone(), messageIdsAcked);
    if (found.isEmpty() && receiptOrNot.get(true).isEmpty()) {
      requireStillBound(owner);
      return 0;
    }
    MessageQueue.Removal removal =
        queue.remove(
            owner,
            receiptOrNot.get(true),
            found,
            removed -> deliveredReceipts(owner.phone(), removed));
    for (QueueItem.Receipt receipt : removal.receipts()) {
      metrics.count("ReceiptsQueued", 1, "status", receipt.status());
      account(receipt.owner()).ifPresent(account -> push(account, receipt));
    }
    metrics.count("ItemsAcked", removal.removed());
    return removal.removed();
  }

  /**
   * Queues the original sender one {@code read} receipt for those of the ids that are of messages
   * the reader received from it (their ids carry a MAC over sender and conversation); other ids are
   * ignored, and nothing is queued when none counts. Returns how many ids counted.
   */
  public int read(Session reader, String to, List<String> ids) {
    String sender = requirePhone("to", to);
    List<String> requested = requireIds(ids);
    limits.acquireInAlignedWindow(
        new RateLimiter.Limit(
            "reads#" + reader.phone(), perAccount.readsPer10Seconds(), RATE_WINDOW));
    List<String> received =
        requested.stream().filter(id -> messageIds.isFrom(id, sender, reader.phone())).toList();
    if (received.isEmpty()) {
      requireStillBound(reader);
      return 0;
    }
    QueueItem.Receipt receipt =
        new QueueItem.Receipt(
            sender, messageIds.nextReceipt(), "read", reader.phone(), received, clock.instant());
    queue.add(reader, receipt);
    metrics.count("ReceiptsQueued", 1, "status", "read");
    account(sender).ifPresent(account -> push(account, receipt));
    return received.size();
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
            .filter(
                connection ->
                    session.phone().equals(connection.phone())
                        && Long.valueOf(session.keyGeneration()).equals(connection.keyGeneration()))
            .isPresent();
    if (!bound) {
      throw new SessionChanged(session.connectionId());
    }
  }

  private List<QueueItem.Receipt> deliveredReceipts(String by, List<QueueItem.Message> delivered) {
    Map<String, List<String>> idsBySender = new LinkedHashMap<>();
    for (QueueItem.Message message : delivered) {
      idsBySender
          .computeIfAbsent(message.from(), sender -> new ArrayList<>())
          .add(message.messageId());
    }
    List<QueueItem.Receipt> receipts = new ArrayList<>();
    idsBySender.forEach(
        (sender, messages) ->
            receipts.add(
                new QueueItem.Receipt(
                    sender,
                    messageIds.nextReceipt(),
                    "delivered",
                    by,
                    List.copyOf(messages),
                    clock.instant())));
    return receipts;
  }

  /**
   * {@code UNKNOWN_RECIPIENT} tells whether a number is registered, so an account is told so of at
   * most so many distinct numbers a day; asking again about one it was told of costs nothing more.
   */
  private Refusal unknownRecipient(String asker, String to) {
    limits.acquireDistinct(
        "unknown-recipients#" + asker,
        to,
        perAccount.unknownRecipientsPerDay(),
        UNKNOWN_RECIPIENT_WINDOW);
    return Refusal.of(Refusal.Reason.UNKNOWN_RECIPIENT, "no one is registered as " + to);
  }

  private Optional<Account> account(String phone) {
    Optional<Account> recent = recentAccounts.get(phone);
    if (recent.isPresent()) {
      return recent;
    }
    Optional<Account> found = accounts.find(phone);
    found.ifPresent(account -> recentAccounts.put(phone, account));
    return found;
  }

  /**
   * Pushes to the account's live connections of its current key; stale rows are removed. Key
   * generations only grow, so the newest one among the account (perhaps cached) and its connections
   * is the current one: a replaced device is never pushed to, and a new device is pushed to even
   * while a cached account still names the old key.
   */
  private void push(Account account, QueueItem item) {
    List<Connection> live = connections.connectionsOf(account.phone());
    long current = account.keyGeneration();
    for (Connection connection : live) {
      if (connection.keyGeneration() != null) {
        current = Math.max(current, connection.keyGeneration());
      }
    }
    for (Connection connection : live) {
      if (connection.keyGeneration() == null || connection.keyGeneration() != current) {
        continue;
      }
      PushResult result = pusher.push(connection.id(), item);
      switch (result) {
        case DELIVERED -> metrics.count("ItemsPushed", 1);
        case GONE -> {
          connections.delete(connection.id());
          metrics.count("PushFailures", 1, "cause", "gone");
        }
        // Cannot happen for a frame send has checked; sync moves such an item aside.
        case TOO_LARGE -> metrics.count("PushFailures", 1, "cause", "tooLarge");
        case FAILED -> metrics.count("PushFailures", 1, "cause", "transient");
      }
    }
  }

  /** The canonical E.164 form of a phone field. */
  private static String requirePhone(String field, String phone) {
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

  private static void requireAttachment(Attachment attachment) {
    if (attachment == null) {
      return;
    }
    String url = attachment.url();
    if (url == null
        || url.length() > MAX_URL_CHARS
        || !(url.startsWith("https://") || url.startsWith("http://"))) {
      throw Refusal.invalid(
          "media.url must be an http(s) link of at most " + MAX_URL_CHARS + " characters");
    }
    if (attachment.mimeType() != null && attachment.mimeType().length() > MAX_MIME_TYPE_CHARS) {
      throw Refusal.invalid("media.mimeType is too long");
    }
    if (attachment.thumbnail() != null && !BASE64.matcher(attachment.thumbnail()).matches()) {
      throw Refusal.invalid("media.thumbnail must be base64");
    }
  }
}
