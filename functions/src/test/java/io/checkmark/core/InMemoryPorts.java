package io.checkmark.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The core's ports in memory, keeping the contracts their Javadoc states (and the DynamoDB tables
 * keep): dedup by sender, recipient and client id; removal of only what is still there, with its
 * receipt; every write of a session checked against the connection's binding; windows of the rate
 * limits on the clock. Each method is synchronized on its store, as each DynamoDB write is atomic,
 * so that racing callers see what they would see on the tables.
 */
final class InMemoryPorts {

  final Clock clock;
  final Accounts accounts = new Accounts();
  final Connections connections = new Connections();
  final Queue queue = new Queue();
  final Groups groups = new Groups();
  final Pins pins = new Pins();
  final LinkCodes linkCodes = new LinkCodes();
  final Limits limits;
  final Pusher pusher = new Pusher();
  final Texts sms = new Texts();
  final Media media = new Media();
  final PushTargets pushTargets = new PushTargets();
  final Platforms platforms = new Platforms();

  InMemoryPorts(Clock clock) {
    this.clock = clock;
    this.limits = new Limits(clock);
  }

  final class Accounts implements AccountStore {
    private final Map<String, Account> byPhone = new HashMap<>();

    /** Whether last-seen writes fail, as when DynamoDB keeps failing. */
    volatile boolean lastSeenUnavailable;

    @Override
    public synchronized Optional<Account> find(String phone) {
      return Optional.ofNullable(byPhone.get(phone));
    }

    @Override
    public synchronized Map<String, Account> findAll(Collection<String> phones) {
      Map<String, Account> found = new HashMap<>();
      phones.forEach(
          phone -> {
            if (byPhone.containsKey(phone)) {
              found.put(phone, byPhone.get(phone));
            }
          });
      return found;
    }

    @Override
    public synchronized Registration replacePrimary(
        String phone, String primaryKeyHash, Instant registeredAt) {
      Account before = byPhone.get(phone);
      long generation = before == null ? 1 : before.keyGeneration() + 1;
      byPhone.put(
          phone,
          new Account(
              phone,
              generation,
              List.of(new Device(Account.PRIMARY, primaryKeyHash, null, registeredAt, null)),
              before == null ? 2 : before.nextDeviceId(),
              before != null && before.hidesLastSeen(),
              before == null ? Set.of() : before.blocked()));
      List<Integer> revoked =
          before == null
              ? List.of()
              : before.deviceIds().stream().filter(id -> id != Account.PRIMARY).toList();
      return new Registration(generation, revoked);
    }

    @Override
    public synchronized boolean addDevice(Account current, Device device) {
      Account now = byPhone.get(current.phone());
      if (now == null
          || now.keyGeneration() != current.keyGeneration()
          || now.nextDeviceId() != device.id()
          || now.linkedDevices() != current.linkedDevices()) {
        return false;
      }
      List<Device> devices = new ArrayList<>(now.devices());
      devices.add(device);
      byPhone.put(
          now.phone(),
          new Account(
              now.phone(),
              now.keyGeneration(),
              devices,
              device.id() + 1,
              now.hidesLastSeen(),
              now.blocked()));
      return true;
    }

    @Override
    public synchronized boolean removeDevice(String phone, long keyGeneration, int deviceId) {
      Account now = byPhone.get(phone);
      if (now == null || now.keyGeneration() != keyGeneration || now.device(deviceId).isEmpty()) {
        return false;
      }
      byPhone.put(
          phone,
          new Account(
              phone,
              keyGeneration,
              now.devices().stream().filter(device -> device.id() != deviceId).toList(),
              now.nextDeviceId(),
              now.hidesLastSeen(),
              now.blocked()));
      return true;
    }

    @Override
    public synchronized void lastSeen(DeviceRef device, long keyGeneration, Instant at) {
      if (lastSeenUnavailable) {
        throw new StorageUnavailable("injected: the last-seen write failed");
      }
      Account now = byPhone.get(device.phone());
      if (now == null || now.keyGeneration() != keyGeneration) {
        return;
      }
      byPhone.put(
          device.phone(),
          new Account(
              device.phone(),
              keyGeneration,
              now.devices().stream()
                  .map(
                      found ->
                          found.id() == device.deviceId()
                              ? new Device(
                                  found.id(), found.keyHash(), found.name(), found.linkedAt(), at)
                              : found)
                  .toList(),
              now.nextDeviceId(),
              now.hidesLastSeen(),
              now.blocked()));
    }

    @Override
    public synchronized boolean block(
        String phone, long keyGeneration, String blocked, int maxBlocked) {
      Account now = byPhone.get(phone);
      if (now == null
          || now.keyGeneration() != keyGeneration
          || (!now.blocks(blocked) && now.blocked().size() >= maxBlocked)) {
        return false;
      }
      Set<String> phones = new HashSet<>(now.blocked());
      phones.add(blocked);
      byPhone.put(phone, withBlocked(now, phones));
      return true;
    }

    @Override
    public synchronized boolean unblock(String phone, long keyGeneration, String blocked) {
      Account now = byPhone.get(phone);
      if (now == null || now.keyGeneration() != keyGeneration) {
        return false;
      }
      Set<String> phones = new HashSet<>(now.blocked());
      phones.remove(blocked);
      byPhone.put(phone, withBlocked(now, phones));
      return true;
    }

    @Override
    public synchronized boolean hideLastSeen(String phone, long keyGeneration, boolean hidden) {
      Account now = byPhone.get(phone);
      if (now == null || now.keyGeneration() != keyGeneration) {
        return false;
      }
      byPhone.put(
          phone,
          new Account(
              phone, keyGeneration, now.devices(), now.nextDeviceId(), hidden, now.blocked()));
      return true;
    }

    private static Account withBlocked(Account account, Set<String> blocked) {
      return new Account(
          account.phone(),
          account.keyGeneration(),
          account.devices(),
          account.nextDeviceId(),
          account.hidesLastSeen(),
          blocked);
    }
  }

  final class Connections implements ConnectionStore {
    private final Map<String, Connection> byId = new HashMap<>();

    /** Whether a phone's connections cannot be looked up, as when DynamoDB keeps failing. */
    volatile boolean lookupsUnavailable;

    @Override
    public synchronized void save(Connection connection) {
      byId.put(connection.id(), connection);
    }

    @Override
    public synchronized Optional<Connection> find(String connectionId) {
      return Optional.ofNullable(byId.get(connectionId));
    }

    @Override
    public synchronized boolean bind(String connectionId, DeviceRef device, long keyGeneration) {
      Connection open = byId.get(connectionId);
      if (open == null) {
        return false;
      }
      byId.put(
          connectionId,
          new Connection(
              connectionId,
              open.connectedAt(),
              open.sourceIp(),
              device.phone(),
              device.deviceId(),
              keyGeneration));
      return true;
    }

    @Override
    public synchronized void unbind(String connectionId) {
      Connection open = byId.get(connectionId);
      if (open != null) {
        byId.put(
            connectionId, Connection.anonymous(connectionId, open.connectedAt(), open.sourceIp()));
      }
    }

    @Override
    public synchronized List<Connection> connectionsOf(String phone) {
      if (lookupsUnavailable) {
        throw new StorageUnavailable("injected: the connections' index could not be read");
      }
      return byId.values().stream().filter(connection -> phone.equals(connection.phone())).toList();
    }

    @Override
    public synchronized void delete(String connectionId) {
      byId.remove(connectionId);
    }

    @Override
    public synchronized void forgetGone(String connectionId) {
      Connection connection = byId.get(connectionId);
      if (connection != null
          && connection.connectedAt().isBefore(clock.instant().minus(HANDSHAKE_GRACE))) {
        byId.remove(connectionId);
      }
    }

    @Override
    public synchronized Optional<Connection> remove(String connectionId) {
      return Optional.ofNullable(byId.remove(connectionId));
    }

    /** The write-time check every session's write carries (ConnectionsTable.stillBound). */
    synchronized void requireBound(Session session) {
      Connection connection = byId.get(session.connectionId());
      if (connection == null || !connection.isOf(session.device(), session.keyGeneration())) {
        throw new SessionChanged(session.connectionId());
      }
    }
  }

  static final class LinkCodes implements LinkCodeStore {
    private final Map<String, LinkRequest> byHash = new HashMap<>();

    @Override
    public synchronized void save(LinkRequest request) {
      byHash.put(request.codeHash(), request);
    }

    @Override
    public synchronized Optional<LinkRequest> claim(String codeHash, Instant now) {
      LinkRequest request = byHash.get(codeHash);
      if (request == null || !now.isBefore(request.expiresAt())) {
        return Optional.empty();
      }
      byHash.remove(codeHash);
      return Optional.of(request);
    }
  }

  final class Queue implements MessageQueue {
    /** Per owner device, items by id (ids sort in acceptance order). */
    private final Map<DeviceRef, TreeMap<String, QueueItem>> byOwner = new HashMap<>();

    private final Map<String, Stored> dedup = new HashMap<>();
    private final Map<String, Integer> fanOutProgress = new HashMap<>();
    final List<QueueItem> setAside = new ArrayList<>();

    @Override
    public Optional<Stored> storeOnceInGroup(
        Session sender, Group group, GroupEvent message, RateLimiter.Limit sendLimit) {
      synchronized (InMemoryPorts.this) {
        connections.requireBound(sender);
        String key =
            sender.phone()
                + "."
                + sender.deviceId()
                + "#"
                + group.id()
                + "#"
                + ((QueueItem.Message) message.item()).clientId();
        Stored earlier = dedup.get(key);
        if (earlier != null) {
          return Optional.of(
              new Stored(earlier.messageId(), earlier.to(), earlier.acceptedAtMillis(), true));
        }
        if (groups.byId.get(group.id()).version() != group.version()) {
          return Optional.empty();
        }
        limits.acquireInAlignedWindow(sendLimit);
        Stored stored =
            new Stored(
                message.messageId(), group.id(), message.item().acceptedAt().toEpochMilli(), false);
        dedup.put(key, stored);
        groups.events.add(message);
        return Optional.of(stored);
      }
    }

    @Override
    public int fanOutProgress(String eventId) {
      synchronized (InMemoryPorts.this) {
        return fanOutProgress.getOrDefault(eventId, 0);
      }
    }

    @Override
    public boolean storeFanOutStep(GroupEvent event, int from, int to, List<QueueItem> copies) {
      String eventId = event.messageId();
      if (copies.size() > MAX_FAN_OUT_COPIES) {
        throw new IllegalArgumentException("a step holds at most " + MAX_FAN_OUT_COPIES);
      }
      synchronized (InMemoryPorts.this) {
        if (fanOutProgress.getOrDefault(eventId, 0) != from) {
          return false;
        }
        fanOutProgress.put(eventId, to);
        copies.forEach(this::put);
        return true;
      }
    }

    @Override
    public Stored storeOnce(
        Session sender,
        String conversation,
        QueueItem.Message message,
        List<QueueItem.Message> copies,
        RateLimiter.Limit sendLimit) {
      synchronized (InMemoryPorts.this) {
        connections.requireBound(sender);
        String key =
            sender.phone()
                + "."
                + sender.deviceId()
                + "#"
                + conversation
                + "#"
                + message.clientId();
        Stored earlier = dedup.get(key);
        if (earlier != null) {
          return new Stored(earlier.messageId(), earlier.to(), earlier.acceptedAtMillis(), true);
        }
        limits.acquireInAlignedWindow(sendLimit);
        Stored stored =
            new Stored(
                message.messageId(), conversation, message.acceptedAt().toEpochMilli(), false);
        dedup.put(key, stored);
        copies.forEach(this::put);
        return stored;
      }
    }

    @Override
    public void add(Session by, List<QueueItem.Receipt> copies) {
      synchronized (InMemoryPorts.this) {
        connections.requireBound(by);
        copies.forEach(this::put);
      }
    }

    @Override
    public synchronized List<QueueItem> oldest(DeviceRef owner, int limit) {
      return byOwner.getOrDefault(owner, new TreeMap<>()).values().stream().limit(limit).toList();
    }

    @Override
    public synchronized List<QueueItem> storedSince(DeviceRef owner, Instant since, int limit) {
      return byOwner.getOrDefault(owner, new TreeMap<>()).values().stream()
          .filter(item -> !item.acceptedAt().isBefore(since))
          .limit(limit)
          .toList();
    }

    @Override
    public synchronized List<QueueItem> find(DeviceRef owner, Collection<String> messageIds) {
      TreeMap<String, QueueItem> items = byOwner.getOrDefault(owner, new TreeMap<>());
      return new LinkedHashSet<>(messageIds)
          .stream().sorted().map(items::get).filter(item -> item != null).toList();
    }

    @Override
    public synchronized void drop(DeviceRef device) {
      byOwner.remove(device);
    }

    @Override
    public Removal remove(
        Session owner, List<Ack> acks, Function<List<Ack>, List<QueueItem.Receipt>> receiptsFor) {
      synchronized (InMemoryPorts.this) {
        TreeMap<String, QueueItem> queued = byOwner.getOrDefault(owner.device(), new TreeMap<>());
        // Receipts go first and unchecked, as the Messages table removes them.
        int receiptsRemoved = 0;
        List<Ack> checked = new ArrayList<>();
        for (Ack ack : acks) {
          if (MessageIds.isReceipt(ack.messageId())
              && !(queued.get(ack.messageId()) instanceof QueueItem.GroupUpdate)) {
            receiptsRemoved += queued.remove(ack.messageId()) == null ? 0 : 1;
          } else {
            checked.add(ack);
          }
        }
        if (!checked.isEmpty()) {
          connections.requireBound(owner);
        }
        List<Ack> removed = new ArrayList<>();
        for (Ack ack : checked) {
          if (queued.remove(ack.messageId()) != null) {
            removed.add(ack);
          }
        }
        boolean anySender = removed.stream().anyMatch(ack -> ack.sender() != null);
        List<QueueItem.Receipt> receipts = anySender ? receiptsFor.apply(removed) : List.of();
        receipts.forEach(this::put);
        return new Removal(receiptsRemoved + removed.size(), receipts);
      }
    }

    @Override
    public synchronized void setAside(QueueItem item) {
      if (byOwner.getOrDefault(item.owner(), new TreeMap<>()).remove(item.messageId()) != null) {
        setAside.add(item);
      }
    }

    synchronized List<QueueItem> all(DeviceRef owner) {
      return List.copyOf(byOwner.getOrDefault(owner, new TreeMap<>()).values());
    }

    /** The primary's queue, where protocol v1 kept a phone's only queue. */
    List<QueueItem> all(String phone) {
      return all(DeviceRef.primaryOf(phone));
    }

    private void put(QueueItem item) {
      byOwner.computeIfAbsent(item.owner(), owner -> new TreeMap<>()).put(item.messageId(), item);
    }
  }

  /** Groups by id, and every event stored, in order, as the GroupEvents table's stream has them. */
  final class Groups implements GroupStore {
    private final Map<String, Group> byId = new HashMap<>();
    final List<GroupEvent> events = new ArrayList<>();

    @Override
    public Optional<Group> find(String groupId) {
      synchronized (InMemoryPorts.this) {
        return Optional.ofNullable(byId.get(groupId));
      }
    }

    @Override
    public void create(Session creator, Group group, GroupEvent created, RateLimiter.Limit limit) {
      synchronized (InMemoryPorts.this) {
        connections.requireBound(creator);
        limits.acquireInAlignedWindow(limit);
        byId.put(group.id(), group);
        events.add(created);
      }
    }

    @Override
    public boolean change(
        Session by, Group before, Group after, GroupEvent event, RateLimiter.Limit limit) {
      synchronized (InMemoryPorts.this) {
        connections.requireBound(by);
        if (byId.get(before.id()).version() != before.version()) {
          return false;
        }
        if (limit != null) {
          limits.acquireInAlignedWindow(limit);
        }
        byId.put(after.id(), after);
        events.add(event);
        return true;
      }
    }
  }

  static final class Pins implements PinStore {
    private final Map<String, PendingPin> byPhone = new HashMap<>();

    @Override
    public synchronized void save(PendingPin pin) {
      byPhone.put(pin.phone(), pin);
    }

    @Override
    public synchronized Attempt takeAttempt(String phone, Instant now) {
      PendingPin pin = byPhone.get(phone);
      if (pin == null) {
        return new Attempt(Outcome.NONE_PENDING, null);
      }
      if (!now.isBefore(pin.expiresAt())) {
        return new Attempt(Outcome.EXPIRED, null);
      }
      if (pin.attemptsLeft() <= 0) {
        return new Attempt(Outcome.NO_TRIES_LEFT, null);
      }
      PendingPin taken =
          new PendingPin(phone, pin.pinHash(), pin.expiresAt(), pin.attemptsLeft() - 1);
      byPhone.put(phone, taken);
      return new Attempt(Outcome.TAKEN, taken);
    }

    @Override
    public synchronized boolean consume(PendingPin pin) {
      PendingPin pending = byPhone.get(pin.phone());
      if (pending == null || !pending.pinHash().equals(pin.pinHash())) {
        return false;
      }
      byPhone.remove(pin.phone());
      return true;
    }
  }

  /** Windows by bucket: aligned windows keyed by their start, others from a bucket's first hit. */
  static final class Limits implements RateLimiter {
    private final Clock clock;
    private final Map<String, long[]> windows = new HashMap<>();
    private final Map<String, Set<String>> members = new HashMap<>();

    Limits(Clock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized void acquireInAlignedWindow(Limit limit) {
      long now = clock.millis();
      long size = limit.window().toMillis();
      long start = now / size * size;
      long[] window =
          windows.computeIfAbsent(limit.bucket() + "@" + start, key -> new long[] {start, 0});
      if (window[1] >= limit.limit()) {
        throw Refusal.rateLimited((start + size - now + 999) / 1000);
      }
      window[1]++;
    }

    @Override
    public synchronized void acquire(String bucket, int limit, Duration window) {
      requireBelow(bucket, limit, window);
      record(bucket, window);
    }

    @Override
    public synchronized void requireBelow(String bucket, int limit, Duration window) {
      long[] current = current(bucket, window);
      if (current[1] >= limit) {
        throw Refusal.rateLimited((current[0] + window.toMillis() - clock.millis() + 999) / 1000);
      }
    }

    @Override
    public synchronized void record(String bucket, Duration window) {
      current(bucket, window)[1]++;
    }

    @Override
    public synchronized void acquireDistinct(
        String bucket, String member, int limit, Duration window) {
      long now = clock.millis();
      long size = window.toMillis();
      long start = now / size * size;
      Set<String> set = members.computeIfAbsent(bucket + "@" + start, key -> new HashSet<>());
      if (!set.contains(member) && set.size() >= limit) {
        throw Refusal.rateLimited((start + size - now + 999) / 1000);
      }
      set.add(member);
    }

    private long[] current(String bucket, Duration window) {
      long now = clock.millis();
      long[] current = windows.get(bucket);
      if (current == null || now >= current[0] + window.toMillis()) {
        current = new long[] {now, 0};
        windows.put(bucket, current);
      }
      return current;
    }
  }

  /** Records what is pushed; a connection may be made to answer with another result. */
  static final class Pusher implements ConnectionPusher {
    final List<String> pushed = new ArrayList<>();
    final Map<String, List<QueueItem>> items = new ConcurrentHashMap<>();
    final Set<String> replacedNotices = ConcurrentHashMap.newKeySet();
    final Set<String> unlinkedNotices = ConcurrentHashMap.newKeySet();
    final Map<String, String> linkedKeys = new ConcurrentHashMap<>();
    final Set<String> closed = ConcurrentHashMap.newKeySet();
    final Map<String, PushResult> answers = new ConcurrentHashMap<>();
    final Map<String, List<Typing>> typings = new ConcurrentHashMap<>();

    @Override
    public PushResult pushTyping(String connectionId, Typing typing) {
      PushResult result = answers.getOrDefault(connectionId, PushResult.DELIVERED);
      if (result == PushResult.DELIVERED) {
        typings.computeIfAbsent(connectionId, id -> new CopyOnWriteArrayList<>()).add(typing);
      }
      return result;
    }

    @Override
    public synchronized PushResult push(String connectionId, QueueItem item) {
      PushResult result = answers.getOrDefault(connectionId, PushResult.DELIVERED);
      if (result == PushResult.DELIVERED) {
        pushed.add(connectionId + ":" + item.messageId());
        items.computeIfAbsent(connectionId, id -> new ArrayList<>()).add(item);
      }
      return result;
    }

    @Override
    public PushResult pushDeviceReplaced(String connectionId) {
      replacedNotices.add(connectionId);
      return PushResult.DELIVERED;
    }

    @Override
    public PushResult pushDeviceUnlinked(String connectionId) {
      unlinkedNotices.add(connectionId);
      return PushResult.DELIVERED;
    }

    @Override
    public PushResult pushLinked(String connectionId, DeviceRef device, String deviceKey) {
      PushResult result = answers.getOrDefault(connectionId, PushResult.DELIVERED);
      if (result == PushResult.DELIVERED) {
        linkedKeys.put(connectionId, device.deviceId() + ":" + deviceKey);
      }
      return result;
    }

    /**
     * The body's characters and a fixed envelope: enough to tell a large message from a small one.
     */
    @Override
    public int sizeAsPushed(QueueItem item) {
      int body =
          item instanceof QueueItem.Message message && message.body() != null
              ? message.body().length()
              : 0;
      return 200 + body;
    }

    @Override
    public void close(String connectionId) {
      closed.add(connectionId);
    }

    /** Gone when closed or answering pushes with {@code GONE}, as API Gateway answers both. */
    @Override
    public Liveness liveness(String connectionId) {
      return closed.contains(connectionId) || answers.get(connectionId) == PushResult.GONE
          ? Liveness.GONE
          : Liveness.OPEN;
    }

    List<QueueItem> to(String connectionId) {
      return items.getOrDefault(connectionId, List.of());
    }
  }

  /**
   * Uploads as storage would hold them once their presigned {@code PUT} succeeded; grants are URLs
   * that name what they grant.
   */
  static final class Media implements MediaStore {
    final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    final List<String> lookups = new CopyOnWriteArrayList<>();

    @Override
    public Grant grantUpload(
        String mediaId, String mimeType, long size, String sha256, Duration validity) {
      return new Grant(
          "https://media.test/media/" + mediaId + "?put",
          Map.of("content-type", mimeType, "content-length", Long.toString(size)));
    }

    @Override
    public Grant grantDownload(String mediaId, Duration validity) {
      return new Grant("https://media.test/media/" + mediaId + "?get", Map.of());
    }

    @Override
    public Optional<Upload> find(String mediaId) {
      lookups.add(mediaId);
      return Optional.ofNullable(uploads.get(mediaId));
    }
  }

  /** The push targets, with the table's conditions. */
  static final class PushTargets implements PushTargetStore {
    final Map<DeviceRef, PushTarget> byDevice = new HashMap<>();

    @Override
    public synchronized Optional<PushTarget> put(PushTarget target) {
      return Optional.ofNullable(byDevice.put(target.device(), target));
    }

    @Override
    public synchronized List<DeviceRef> detach(String endpoint, DeviceRef keeper) {
      List<DeviceRef> detached =
          byDevice.values().stream()
              .filter(target -> target.endpoint().equals(endpoint))
              .map(PushTarget::device)
              .filter(device -> !device.equals(keeper))
              .toList();
      detached.forEach(byDevice::remove);
      return detached;
    }

    @Override
    public synchronized Optional<PushTarget> remove(DeviceRef device) {
      return Optional.ofNullable(byDevice.remove(device));
    }

    @Override
    public synchronized List<DeviceRef> holdersOf(String endpoint) {
      return byDevice.values().stream()
          .filter(target -> target.endpoint().equals(endpoint))
          .map(PushTarget::device)
          .toList();
    }

    @Override
    public synchronized void clearPushed(DeviceRef device) {
      PushTarget current = byDevice.get(device);
      if (current != null) {
        byDevice.put(device, withPushedAt(current, null));
      }
    }

    @Override
    public synchronized boolean forget(PushTarget target) {
      PushTarget current = byDevice.get(target.device());
      if (current == null
          || !current.endpoint().equals(target.endpoint())
          || !current.registeredAt().equals(target.registeredAt())) {
        return false;
      }
      byDevice.remove(target.device());
      return true;
    }

    @Override
    public synchronized List<PushTarget> targetsOf(String phone) {
      return byDevice.values().stream().filter(t -> t.device().phone().equals(phone)).toList();
    }

    @Override
    public synchronized boolean claimPush(
        PushTarget target, Instant now, Instant windowStart, Instant lastOnline) {
      PushTarget current = byDevice.get(target.device());
      if (current == null || !current.endpoint().equals(target.endpoint())) {
        return false;
      }
      Instant pushedAt = current.pushedAt();
      boolean pushable =
          pushedAt == null
              || !pushedAt.isAfter(windowStart)
              || (lastOnline != null && pushedAt.isBefore(lastOnline));
      if (pushable) {
        byDevice.put(target.device(), withPushedAt(current, now));
      }
      return pushable;
    }

    @Override
    public synchronized void releasePush(PushTarget target, Instant claimedAt) {
      PushTarget current = byDevice.get(target.device());
      if (current != null && claimedAt.equals(current.pushedAt())) {
        byDevice.put(target.device(), withPushedAt(current, null));
      }
    }

    private static PushTarget withPushedAt(PushTarget target, Instant pushedAt) {
      return new PushTarget(
          target.device(),
          target.keyGeneration(),
          target.platform(),
          target.endpoint(),
          target.registeredAt(),
          pushedAt);
    }
  }

  /**
   * The platforms' push services: an endpoint per token, pushes recorded; tokens may be refused,
   * endpoints gone, pushes failing.
   */
  static final class Platforms implements MobilePush {
    final Set<PushPlatform> supported = EnumSet.allOf(PushPlatform.class);
    final Map<String, String> endpointsByToken = new HashMap<>();
    final Set<String> refusedTokens = new HashSet<>();
    final Set<String> goneEndpoints = new HashSet<>();
    final Set<String> deleted = new HashSet<>();
    final List<String> pushed = new ArrayList<>();
    final Set<String> failingEndpoints = new HashSet<>();
    final Set<PushPlatform> unavailable = EnumSet.noneOf(PushPlatform.class);
    boolean failing;

    @Override
    public boolean supports(PushPlatform platform) {
      return supported.contains(platform);
    }

    @Override
    public synchronized Optional<String> endpointFor(PushPlatform platform, String token) {
      if (unavailable.contains(platform)) {
        throw new PlatformUnavailable(platform, "disabled");
      }
      if (refusedTokens.contains(token)) {
        return Optional.empty();
      }
      return Optional.of(
          endpointsByToken.computeIfAbsent(
              platform.name() + "/" + token, key -> "endpoint/" + UUID.randomUUID()));
    }

    @Override
    public synchronized Delivery push(String endpoint, PushPlatform platform) {
      if (goneEndpoints.contains(endpoint) || deleted.contains(endpoint)) {
        return Delivery.ENDPOINT_GONE;
      }
      if (failing || failingEndpoints.contains(endpoint)) {
        return Delivery.FAILED;
      }
      pushed.add(endpoint);
      return Delivery.SENT;
    }

    @Override
    public synchronized void deleteEndpoint(String endpoint) {
      deleted.add(endpoint);
      endpointsByToken.values().remove(endpoint);
    }

    synchronized int pushesTo(String endpoint) {
      return (int) pushed.stream().filter(endpoint::equals).count();
    }
  }

  static final class Texts implements SmsSender {
    final Map<String, List<String>> byPhone = new ConcurrentHashMap<>();

    @Override
    public void send(String phone, String text) {
      byPhone.computeIfAbsent(phone, p -> new ArrayList<>()).add(text);
    }

    String lastPinTo(String phone) {
      List<String> texts = byPhone.getOrDefault(phone, List.of());
      var pin = RegistrationService.PIN_IN_SMS.matcher(texts.get(texts.size() - 1));
      if (!pin.find()) {
        throw new AssertionError("no PIN in " + texts);
      }
      return pin.group();
    }
  }
}
