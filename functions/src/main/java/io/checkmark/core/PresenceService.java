package io.checkmark.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The signals that are never stored: typing, pushed to the live connections of the recipient's (or
 * the group's members') devices; presence, worked out from the Connections table and the account's
 * last seen; and the last-seen privacy setting. Typing costs no DynamoDB write and, from a warm
 * function, few reads: a recipient's connections are kept {@link MessagingService#ACCOUNT_REUSE}
 * long, as its account is (a page opened a moment ago gets the next signal), and a group's members
 * and their connections {@link #REUSE} long, so that a large group's typing does not read every
 * member's connections each time; a member's device that connects or a member who joins may miss a
 * few seconds of the group's typing, which is all a typing signal is worth.
 */
public final class PresenceService {

  /** Typing signals a connection may send per second; more are dropped without a word. */
  public static final int TYPING_PER_SECOND = 5;

  /** How long a warm function reuses a group's members, and their connections, for typing. */
  public static final Duration REUSE = Duration.ofSeconds(10);

  private static final Duration RATE_WINDOW = Duration.ofSeconds(10);
  private static final int KEPT = 10_000;

  private final AccountStore accounts;
  private final GroupStore groups;
  private final ConnectionStore connections;
  private final ConnectionPusher pusher;
  private final RateLimiter limits;
  private final Limits perAccount;
  private final Metrics metrics;
  private final Executor pushing;
  private final Clock clock;
  private final ExpiringCache<String, AtomicInteger> typingBudgets;
  private final ExpiringCache<String, List<Connection>> recentRecipientConnections;
  private final ExpiringCache<String, List<Connection>> recentMemberConnections;
  private final ExpiringCache<String, Group> recentGroups;
  private final ExpiringCache<String, Account> recentAccounts;

  public PresenceService(
      AccountStore accounts,
      GroupStore groups,
      ConnectionStore connections,
      ConnectionPusher pusher,
      RateLimiter limits,
      Limits perAccount,
      Metrics metrics,
      Executor pushing,
      Clock clock) {
    this.accounts = accounts;
    this.groups = groups;
    this.connections = connections;
    this.pusher = pusher;
    this.limits = limits;
    this.perAccount = perAccount;
    this.metrics = metrics;
    this.pushing = pushing;
    this.clock = clock;
    this.typingBudgets = new ExpiringCache<>(KEPT, Duration.ofSeconds(1), clock);
    this.recentRecipientConnections =
        new ExpiringCache<>(KEPT, MessagingService.ACCOUNT_REUSE, clock);
    this.recentMemberConnections = new ExpiringCache<>(KEPT, REUSE, clock);
    this.recentGroups = new ExpiringCache<>(KEPT, REUSE, clock);
    // Blocks take effect within this: the same bound as the send path's.
    this.recentAccounts = new ExpiringCache<>(KEPT, MessagingService.ACCOUNT_REUSE, clock);
  }

  /**
   * Per-account limits: {@code presence} queries per 10-second window, and distinct unregistered
   * numbers an account may be told of per day (shared with {@code send}).
   */
  public record Limits(int presencePer10Seconds, int unknownRecipientsPerDay) {}

  /**
   * What {@code presence} answers: whether a device of the phone is connected, and when the phone
   * was last connected or active, to the minute (null where hidden or never seen).
   */
  public record Seen(String phone, boolean online, Instant lastSeen) {}

  /**
   * Pushes a typing signal to the live connections of the recipient's devices, or of every other
   * member's in {@code group}. Dropped without a word above {@link #TYPING_PER_SECOND} per
   * connection, to a phone that blocks the typist, and to an unregistered or offline one (answering
   * otherwise would tell who is registered).
   */
  public void typing(Session from, String to, String group, String state) {
    if (!Typing.TYPING.equals(state) && !Typing.PAUSED.equals(state)) {
      throw Refusal.invalid("state must be \"typing\" or \"paused\"");
    }
    if ((to == null) == (group == null)) {
      throw Refusal.invalid("typing needs either to or group");
    }
    String recipient = to == null ? null : MessagingService.requirePhone("to", to);
    if (!withinBudget(from.connectionId())) {
      metrics.count("TypingDropped", 1, "cause", "budget");
      return;
    }
    if (recipient != null) {
      typingTo(from, recipient, new Typing(from.phone(), null, state));
    } else {
      typingInGroup(from, group, new Typing(from.phone(), group, state));
    }
  }

  private void typingTo(Session from, String recipient, Typing typing) {
    if (recipient.equals(from.phone())) {
      return;
    }
    List<Connection> live = connectionsOf(recipient, recentRecipientConnections);
    if (live.isEmpty()) {
      return;
    }
    Optional<Account> account = recentAccount(recipient);
    if (account.isEmpty() || account.get().blocks(from.phone())) {
      metrics.count("TypingDropped", 1, "cause", "blocked");
      return;
    }
    pushTo(recipient, live, account.get().keyGeneration(), typing);
  }

  private void typingInGroup(Session from, String groupId, Typing typing) {
    Group group = recentGroups.get(groupId).orElse(null);
    if (group == null) {
      group = GroupService.find(groups, groupId);
      recentGroups.put(groupId, group);
    }
    if (!group.isMember(from.phone())) {
      throw Refusal.of(Refusal.Reason.NOT_A_MEMBER, "you are not a member of this group");
    }
    // As with its messages, a blocked member's typing reaches the group: blocks are one-to-one.
    List<CompletableFuture<Void>> pushed = new ArrayList<>();
    for (String member : group.members()) {
      if (!member.equals(from.phone())) {
        pushed.add(
            CompletableFuture.runAsync(
                () -> {
                  List<Connection> live = connectionsOf(member, recentMemberConnections);
                  pushTo(member, live, DevicePushes.newestGeneration(live), typing);
                },
                pushing));
      }
    }
    CompletableFuture.allOf(pushed.toArray(CompletableFuture[]::new)).join();
  }

  /**
   * Whether a device of {@code phone} is connected, and when it was last seen. A phone that blocks
   * the asker shows nothing; last seen is hidden when either side hides its own. Limited per
   * account, and an unregistered number counts against the same daily limit as {@code send}'s.
   */
  public Seen presence(Session asker, String phone) {
    String subjectPhone = MessagingService.requirePhone("phone", phone);
    limits.acquireInAlignedWindow(
        new RateLimiter.Limit(
            "presence#" + asker.phone(), perAccount.presencePer10Seconds(), RATE_WINDOW));
    Map<String, Account> found =
        accounts.findAll(new LinkedHashSet<>(List.of(asker.phone(), subjectPhone)));
    Account self = found.get(asker.phone());
    if (self == null || self.keyGeneration() != asker.keyGeneration()) {
      throw new SessionChanged(asker.connectionId());
    }
    Account subject = found.get(subjectPhone);
    if (subject == null) {
      throw MessagingService.unknownRecipient(
          limits, perAccount.unknownRecipientsPerDay(), asker.phone(), subjectPhone);
    }
    if (subject.blocks(asker.phone())) {
      return new Seen(subjectPhone, false, null);
    }
    Instant now = clock.instant();
    boolean online = isOnline(subject);
    Instant lastSeen = null;
    if (!subject.hidesLastSeen() && !self.hidesLastSeen()) {
      lastSeen =
          online
              ? now
              : subject.devices().stream()
                  .map(Device::lastSeen)
                  .filter(Objects::nonNull)
                  .max(Instant::compareTo)
                  .orElse(null);
    }
    return new Seen(subjectPhone, online, lastSeen == null ? null : toMinute(lastSeen));
  }

  /**
   * {@code everyone} shows the caller's last seen, {@code nobody} hides it (and others' from it).
   */
  public void setLastSeenPrivacy(Session caller, String lastSeen) {
    boolean hidden;
    if ("everyone".equals(lastSeen)) {
      hidden = false;
    } else if ("nobody".equals(lastSeen)) {
      hidden = true;
    } else {
      throw Refusal.invalid("lastSeen must be \"everyone\" or \"nobody\"");
    }
    if (!accounts.hideLastSeen(caller.phone(), caller.keyGeneration(), hidden)) {
      throw new SessionChanged(caller.connectionId());
    }
  }

  /**
   * Whether a connection of the account's current registration is open, asked of the gateway: a
   * gone one does not count, and its row (left by a lost {@code $disconnect}) is forgotten unless
   * it may still be opening ({@link ConnectionStore#forgetGone}); one the gateway could not be
   * asked about counts, as its row says so.
   */
  private boolean isOnline(Account subject) {
    for (Connection connection : connections.connectionsOf(subject.phone())) {
      if (!isOfGeneration(connection, subject.keyGeneration())
          || subject.device(connection.device().deviceId()).isEmpty()) {
        continue;
      }
      if (pusher.liveness(connection.id()) == ConnectionPusher.Liveness.GONE) {
        connections.forgetGone(connection.id());
      } else {
        return true;
      }
    }
    return false;
  }

  private void pushTo(String phone, List<Connection> live, long keyGeneration, Typing typing) {
    boolean gone = false;
    for (Connection connection : live) {
      if (!isOfGeneration(connection, keyGeneration)) {
        continue;
      }
      ConnectionPusher.PushResult result = pusher.pushTyping(connection.id(), typing);
      if (result == ConnectionPusher.PushResult.GONE) {
        connections.forgetGone(connection.id());
        gone = true;
      }
    }
    if (gone) {
      recentRecipientConnections.remove(phone);
      recentMemberConnections.remove(phone);
    }
    metrics.count("TypingPushed", 1);
  }

  private List<Connection> connectionsOf(
      String phone, ExpiringCache<String, List<Connection>> recentConnections) {
    Optional<List<Connection>> recent = recentConnections.get(phone);
    if (recent.isPresent()) {
      return recent.get();
    }
    Instant readBegan = clock.instant();
    List<Connection> live = List.copyOf(connections.connectionsOf(phone));
    recentConnections.put(phone, live, readBegan);
    return live;
  }

  private Optional<Account> recentAccount(String phone) {
    Optional<Account> recent = recentAccounts.get(phone);
    if (recent.isPresent()) {
      return recent;
    }
    Instant readBegan = clock.instant();
    Optional<Account> found = accounts.find(phone);
    found.ifPresent(account -> recentAccounts.put(phone, account, readBegan));
    return found;
  }

  private static boolean isOfGeneration(Connection connection, long keyGeneration) {
    return connection.isLoggedIn()
        && Long.valueOf(keyGeneration).equals(connection.keyGeneration());
  }

  private boolean withinBudget(String connectionId) {
    AtomicInteger used;
    synchronized (typingBudgets) {
      used = typingBudgets.get(connectionId).orElse(null);
      if (used == null) {
        used = new AtomicInteger();
        typingBudgets.put(connectionId, used);
      }
    }
    return used.incrementAndGet() <= TYPING_PER_SECOND;
  }

  private static Instant toMinute(Instant at) {
    long millis = at.toEpochMilli();
    return Instant.ofEpochMilli(millis - Math.floorMod(millis, 60_000L));
  }
}
