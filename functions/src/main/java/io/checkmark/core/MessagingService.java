package io.checkmark.core;

import io.checkmark.core.ConnectionPusher.PushResult;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.Acked;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.Media;
import io.checkmark.protocol.ProtocolException;
import io.checkmark.protocol.ReceiptSent;
import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.Synced;
import java.nio.charset.StandardCharsets;
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
 * connections, and deleted only when the recipient acks it, which is when its sender is queued a
 * {@code delivered} receipt. No push failure loses or duplicates a stored item: whatever was not
 * pushed waits for {@code sync}.
 */
public final class MessagingService {

  /** Body, link and thumbnail together: a {@code send} frame stays within one 32 KB WebSocket frame. */
  public static final int MAX_CONTENT_BYTES = 24 * 1024;
  public static final int MAX_IDS_PER_REQUEST = 100;
  public static final int DEFAULT_SYNC_LIMIT = 100;
  public static final int MAX_SYNC_LIMIT = 500;
  public static final Duration RETENTION = Duration.ofDays(30);
  private static final int MAX_ID_CHARS = 64;
  private static final int MAX_URL_CHARS = 2048;
  private static final int MAX_MIME_TYPE_CHARS = 255;
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");
  /**
   * How long a warm function reuses an account it has read. Accounts are never deleted, so a
   * cached one proves the recipient exists; its key generation may lag a re-registration, which
   * {@link #push} allows for.
   */
  public static final Duration ACCOUNT_REUSE = Duration.ofMinutes(1);
  private static final int ACCOUNTS_KEPT = 10_000;

  private final MessageQueue queue;
  private final AccountStore accounts;
  private final ConnectionStore connections;
  private final ConnectionPusher pusher;
  private final Metrics metrics;
  private final MessageIds messageIds;
  private final Clock clock;
  private final ExpiringCache<String, Account> recentAccounts;

  public MessagingService(MessageQueue queue, AccountStore accounts, ConnectionStore connections,
      ConnectionPusher pusher, Metrics metrics, MessageIds messageIds, Clock clock) {
    this.queue = queue;
    this.accounts = accounts;
    this.connections = connections;
    this.pusher = pusher;
    this.metrics = metrics;
    this.messageIds = messageIds;
    this.clock = clock;
    this.recentAccounts = new ExpiringCache<>(ACCOUNTS_KEPT, ACCOUNT_REUSE, clock);
  }

  /** Stores the message in the recipient's queue (once per sender and client id), then pushes it. */
  public Accepted send(String from, String to, String clientId, String body, Media media) {
    requirePhone("to", to);
    requireId("id", clientId);
    if (body == null && media == null) {
      throw ProtocolException.badRequest("a message needs a body or media");
    }
    requireMedia(media);
    if (contentBytes(body, media) > MAX_CONTENT_BYTES) {
      throw new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE,
          "body, link and thumbnail may take at most " + MAX_CONTENT_BYTES + " bytes");
    }
    Account recipient = account(to)
        .orElseThrow(() -> new ProtocolException(ErrorCode.UNKNOWN_RECIPIENT, "no one is registered as " + to));
    QueueItem.Message message = new QueueItem.Message(to, messageIds.next(), from, clientId, body, media,
        clock.instant());
    MessageQueue.Stored stored = queue.storeOnce(message);
    if (!stored.duplicate()) {
      metrics.count("MessagesAccepted", 1);
      push(recipient, message.frame());
    }
    return new Accepted(clientId, stored.messageId(), stored.to(), stored.acceptedAtMillis());
  }

  /** Sends the oldest queued items to the caller's connection, oldest first, then says whether more wait. */
  public Synced sync(String owner, String connectionId, Integer limit) {
    int pageSize = limit == null ? DEFAULT_SYNC_LIMIT : limit;
    if (pageSize < 1 || pageSize > MAX_SYNC_LIMIT) {
      throw ProtocolException.badRequest("limit must be 1 to " + MAX_SYNC_LIMIT);
    }
    List<QueueItem> items = queue.oldest(owner, pageSize + 1);
    boolean more = items.size() > pageSize;
    List<QueueItem> page = more ? items.subList(0, pageSize) : items;
    if (!page.isEmpty()) {
      metrics.seconds("OldestQueuedItemAge", Duration.between(page.get(0).acceptedAt(), clock.instant()).toMillis() / 1000.0);
    }
    int sent = 0;
    for (QueueItem item : page) {
      if (pusher.send(connectionId, item.frame()) != PushResult.DELIVERED) {
        break;
      }
      sent++;
    }
    return new Synced(sent, more || sent < page.size());
  }

  /**
   * Removes acked items from the caller's queue and queues each sender of an acked message one
   * {@code delivered} receipt for them. Receipts are stored before the messages are deleted, so a
   * failure in between repeats a receipt rather than losing it. Acked receipts set off nothing and
   * are deleted at once, without a read first.
   */
  public Acked ack(String owner, List<String> ids) {
    List<String> requested = requireIds(ids);
    Map<Boolean, List<String>> receiptOrNot = requested.stream().collect(Collectors.partitioningBy(MessageIds::isReceipt));
    int acked = 0;
    if (!receiptOrNot.get(true).isEmpty()) {
      acked += queue.removeReceipts(owner, receiptOrNot.get(true)).size();
    }
    if (!receiptOrNot.get(false).isEmpty()) {
      List<QueueItem> found = queue.find(owner, receiptOrNot.get(false));
      Map<String, List<String>> deliveredBySender = new LinkedHashMap<>();
      for (QueueItem item : found) {
        if (item instanceof QueueItem.Message message) {
          deliveredBySender.computeIfAbsent(message.from(), sender -> new ArrayList<>()).add(message.messageId());
        }
      }
      deliveredBySender.forEach((sender, delivered) -> queueReceipt(sender, "delivered", owner, delivered));
      if (!found.isEmpty()) {
        queue.delete(owner, found.stream().map(QueueItem::messageId).toList());
      }
      acked += found.size();
    }
    metrics.count("ItemsAcked", acked);
    return new Acked(acked);
  }

  /** Queues the original sender one {@code read} receipt for its messages. */
  public ReceiptSent read(String reader, String to, List<String> ids) {
    requirePhone("to", to);
    List<String> read = requireIds(ids);
    if (account(to).isEmpty()) {
      throw new ProtocolException(ErrorCode.UNKNOWN_RECIPIENT, "no one is registered as " + to);
    }
    queueReceipt(to, "read", reader, read);
    return new ReceiptSent(read.size());
  }

  private void queueReceipt(String owner, String status, String by, List<String> ids) {
    QueueItem.Receipt receipt = new QueueItem.Receipt(owner, messageIds.nextReceipt(), status, by, List.copyOf(ids),
        clock.instant());
    queue.add(receipt);
    metrics.count("ReceiptsQueued", 1, "status", status);
    account(owner).ifPresent(account -> push(account, receipt.frame()));
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
  private void push(Account account, ServerFrame frame) {
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
      PushResult result = pusher.send(connection.id(), frame);
      switch (result) {
        case DELIVERED -> metrics.count("ItemsPushed", 1);
        case GONE -> {
          connections.delete(connection.id());
          metrics.count("PushFailures", 1, "cause", "gone");
        }
        case FAILED -> metrics.count("PushFailures", 1, "cause", "throttled");
      }
    }
  }

  private static void requirePhone(String field, String phone) {
    if (!PhoneNumbers.looksLikeE164(phone)) {
      throw ProtocolException.badRequest(field + " must be a phone number in E.164 form");
    }
  }

  private static void requireId(String field, String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
      throw ProtocolException.badRequest(field + " must be 1 to " + MAX_ID_CHARS + " characters");
    }
  }

  private static List<String> requireIds(List<String> ids) {
    if (ids == null || ids.isEmpty() || ids.size() > MAX_IDS_PER_REQUEST) {
      throw ProtocolException.badRequest("messageIds must hold 1 to " + MAX_IDS_PER_REQUEST + " ids");
    }
    for (String id : ids) {
      requireId("each of messageIds", id);
    }
    return List.copyOf(new LinkedHashSet<>(ids));
  }

  private static void requireMedia(Media media) {
    if (media == null) {
      return;
    }
    String url = media.url();
    if (url == null || url.length() > MAX_URL_CHARS || !(url.startsWith("https://") || url.startsWith("http://"))) {
      throw ProtocolException.badRequest("media.url must be an http(s) link of at most " + MAX_URL_CHARS + " characters");
    }
    if (media.mimeType() != null && media.mimeType().length() > MAX_MIME_TYPE_CHARS) {
      throw ProtocolException.badRequest("media.mimeType is too long");
    }
    if (media.thumbnail() != null && !BASE64.matcher(media.thumbnail()).matches()) {
      throw ProtocolException.badRequest("media.thumbnail must be base64");
    }
  }

  private static int contentBytes(String body, Media media) {
    int bytes = body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
    if (media != null) {
      bytes += Optional.ofNullable(media.url()).map(String::length).orElse(0);
      bytes += Optional.ofNullable(media.mimeType()).map(String::length).orElse(0);
      bytes += Optional.ofNullable(media.thumbnail()).map(String::length).orElse(0);
    }
    return bytes;
  }
}
