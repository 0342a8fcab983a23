package io.checkmark.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.BlockList;
import io.checkmark.protocol.Blocked;
import io.checkmark.protocol.ClientText;
import io.checkmark.protocol.DeviceLinked;
import io.checkmark.protocol.DeviceUnlinked;
import io.checkmark.protocol.Devices;
import io.checkmark.protocol.DownloadUrl;
import io.checkmark.protocol.ErrorFrame;
import io.checkmark.protocol.GroupCreated;
import io.checkmark.protocol.GroupFrame;
import io.checkmark.protocol.GroupLeft;
import io.checkmark.protocol.GroupUpdateFrame;
import io.checkmark.protocol.GroupUpdated;
import io.checkmark.protocol.LinkCode;
import io.checkmark.protocol.Linked;
import io.checkmark.protocol.Media;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.PinSent;
import io.checkmark.protocol.Presence;
import io.checkmark.protocol.PrivacySet;
import io.checkmark.protocol.PushRegistered;
import io.checkmark.protocol.PushUnregistered;
import io.checkmark.protocol.ReceiptFrame;
import io.checkmark.protocol.Registered;
import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.Synced;
import io.checkmark.protocol.TypingFrame;
import io.checkmark.protocol.Unblocked;
import io.checkmark.protocol.UploadUrl;
import io.checkmark.protocol.WireJson;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Checkmark device: one WebSocket to the server, kept open. On every connect it syncs its queue
 * until the server has no more (or sends back a page the {@link Listener} refused whole), acking
 * each item after the listener returns, and holds what is pushed live meanwhile so that the app
 * hears a queue in its order; it reconnects with exponential backoff and jitter, pings before API
 * Gateway's 10-minute idle timeout, reconnects before the 2-hour connection limit, and when the
 * server no longer knows a logged-in connection. A {@link #send} goes again, with the same id,
 * after a reconnect, when nothing answered it in time, and when the server answered {@code
 * INTERNAL}, so the server stores each message once whatever was lost on the way.
 *
 * <p>Without credentials the client connects anonymously, for {@link #requestPin} and {@link
 * #verifyPin}, or for {@link #requestLink} to become a linked device of an account.
 */
public final class CheckmarkClient implements AutoCloseable {

  /**
   * The platforms {@link #registerPush} takes: Apple's APNs, its development environment (for apps
   * signed for development), and Firebase Cloud Messaging.
   */
  public static final List<String> PUSH_PLATFORMS = List.of("apns", "apns_sandbox", "fcm");

  private static final int SEEN_IDS_REMEMBERED = 10_000;

  /** Tries of one send the server answers {@code INTERNAL}, before the send fails with it. */
  static final int SEND_TRIES_ON_INTERNAL = 5;

  private static final Duration FIRST_RETRY_AFTER_INTERNAL = Duration.ofMillis(500);
  private static final Duration LONGEST_SYNC_RETRY = Duration.ofSeconds(30);
  private static final int SYNC_TRIES_PER_CONNECTION = 3;
  private static final int MAX_SYNC_PAGE = 500;

  private final Settings settings;
  private final HttpClient http;
  private final MediaTransfers media;
  private final TypingIndicators typingIndicators;
  private final ScheduledExecutorService timers;
  private final ExecutorService events;
  private final Map<String, CompletableFuture<ServerFrame>> requests = new ConcurrentHashMap<>();
  private final Map<String, PendingSend> sends = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Set<String> seen =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > SEEN_IDS_REMEMBERED;
                }
              }));
  private final List<String> acksDue = new ArrayList<>();
  private final Set<CompletableFuture<Void>> acksUnconfirmed = ConcurrentHashMap.newKeySet();
  private final AtomicLong acksQueued = new AtomicLong();
  private final AtomicLong listenerRefusals = new AtomicLong();
  private final AtomicInteger itemsTaken = new AtomicInteger();
  private final AtomicLong refs = new AtomicLong();
  private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
  private final Set<CompletableFuture<Credentials>> linksAwaited = ConcurrentHashMap.newKeySet();
  private volatile Credentials credentials;
  private volatile Session session;
  private volatile boolean closed;
  private volatile boolean connectedOnce;
  private int failedAttempts;

  private CheckmarkClient(Settings settings) {
    this.settings = settings;
    this.credentials = settings.credentials;
    this.http = HttpClient.newHttpClient();
    this.timers = Executors.newSingleThreadScheduledExecutor(daemon("checkmark-client-timer"));
    this.events = Executors.newSingleThreadExecutor(daemon("checkmark-client-events"));
    this.media = new MediaTransfers(this);
    this.typingIndicators =
        new TypingIndicators(
            timers, this::sendTyping, settings.typingRepeatEvery, settings.typingPausedAfter);
  }

  public static Settings builder(URI url) {
    return new Settings(url);
  }

  /**
   * Connects; the future completes once the queue has been synced (at once when anonymous), or
   * fails with {@link ConnectionFailed} when the first connection cannot be made. Once connected, a
   * lost connection is made again by the client itself.
   */
  public CompletableFuture<Void> connect() {
    open();
    return firstSync;
  }

  public boolean isConnected() {
    Session current = session;
    return current != null && current.open;
  }

  /** The phone this client logs in as, or null for an anonymous client. */
  public String phone() {
    Credentials current = credentials;
    return current == null ? null : current.phone();
  }

  /**
   * What this client logs in with: those it was built with, or those a {@link #requestLink link}
   * gave it; null while anonymous.
   */
  public Credentials credentials() {
    return credentials;
  }

  /** Asks for a registration PIN by SMS; completes with the seconds the PIN stays valid. */
  public CompletableFuture<Long> requestPin(String phoneNumber) {
    ObjectNode frame = WireJson.newRequest("requestPin").put("phone", phoneNumber);
    return request(frame).thenApply(reply -> expect(PinSent.class, reply).expiresInSeconds());
  }

  /**
   * Registers this device with the PIN and completes with its device key. The registering client
   * does not sync: messages already queued for the number wait for a client built with the
   * credentials and the app's listener, so none is acked before the app has stored it.
   */
  public CompletableFuture<String> verifyPin(String phoneNumber, String pin) {
    ObjectNode frame = WireJson.newRequest("verifyPin").put("phone", phoneNumber).put("pin", pin);
    return request(frame).thenApply(reply -> expect(Registered.class, reply).deviceKey());
  }

  /**
   * Asks, on an anonymous connection, for a code that the account's primary device approves to make
   * this client one of the account's devices, known there by {@code deviceName}. Once approved, the
   * connection is logged in as the new device and the client holds its {@link #credentials()}: it
   * syncs as after any connect and logs in with them at every reconnect, so the app's listener is
   * best set before linking.
   */
  public CompletableFuture<PendingLink> requestLink(String deviceName) {
    ObjectNode frame = WireJson.newRequest("requestLink").put("name", deviceName);
    return request(frame)
        .thenApply(
            reply -> {
              LinkCode code = expect(LinkCode.class, reply);
              CompletableFuture<Credentials> linked = new CompletableFuture<>();
              linksAwaited.add(linked);
              linked.whenComplete((ignored, failure) -> linksAwaited.remove(linked));
              timers.schedule(
                  () ->
                      linked.completeExceptionally(
                          linkExpired("the code expired before it was approved")),
                  code.expiresInSeconds(),
                  TimeUnit.SECONDS);
              return new PendingLink(code.code(), code.expiresInSeconds(), linked);
            });
  }

  /**
   * Approves a code shown by a device that asked to be linked (only the primary may); completes
   * with the new device's id and name.
   */
  public CompletableFuture<DeviceLinked> approveLink(String code) {
    ObjectNode frame = WireJson.newRequest("approveLink").put("code", code);
    return request(frame).thenApply(reply -> expect(DeviceLinked.class, reply));
  }

  /** Every device of this account, the primary first, then by device id. */
  public CompletableFuture<List<Devices.Device>> listDevices() {
    return request(WireJson.newRequest("listDevices"))
        .thenApply(reply -> expect(Devices.class, reply).devices());
  }

  /**
   * Unlinks a device: the primary may unlink any linked device, a linked device only itself (after
   * which this client stops, as {@link Listener#onDeviceUnlinked()} says).
   */
  public CompletableFuture<DeviceUnlinked> unlinkDevice(int deviceId) {
    ObjectNode frame = WireJson.newRequest("unlinkDevice").put("deviceId", deviceId);
    return request(frame).thenApply(reply -> expect(DeviceUnlinked.class, reply));
  }

  /** Sends a text; completes with {@code accepted} (one tick). */
  public CompletableFuture<Accepted> send(String to, String body) {
    return send(to, body, null);
  }

  public CompletableFuture<Accepted> send(String to, String body, Media media) {
    return send("to", to, body, media);
  }

  /**
   * Sends a text to a group; completes with {@code accepted} (one tick) once the server stored it,
   * after which it reaches every member's devices.
   */
  public CompletableFuture<Accepted> sendToGroup(String groupId, String body) {
    return sendToGroup(groupId, body, null);
  }

  public CompletableFuture<Accepted> sendToGroup(String groupId, String body, Media media) {
    return send("group", groupId, body, media);
  }

  /** A group of this account and {@code members}, this account its only admin. */
  public CompletableFuture<GroupCreated> createGroup(String name, List<String> members) {
    ObjectNode frame = WireJson.newRequest("createGroup").put("name", name);
    members.forEach(frame.putArray("members")::add);
    return request(frame).thenApply(reply -> expect(GroupCreated.class, reply));
  }

  /**
   * An admin's change to a group: any of a new name, members to add and to remove, and the new list
   * of admins (null for what stays as it is).
   */
  public CompletableFuture<GroupUpdated> updateGroup(
      String groupId, String name, List<String> add, List<String> remove, List<String> admins) {
    ObjectNode frame = WireJson.newRequest("updateGroup").put("groupId", groupId);
    if (name != null) {
      frame.put("name", name);
    }
    if (add != null) {
      add.forEach(frame.putArray("add")::add);
    }
    if (remove != null) {
      remove.forEach(frame.putArray("remove")::add);
    }
    if (admins != null) {
      admins.forEach(frame.putArray("admins")::add);
    }
    return request(frame).thenApply(reply -> expect(GroupUpdated.class, reply));
  }

  /** Leaves a group; its other members hear of it. */
  public CompletableFuture<Void> leaveGroup(String groupId) {
    ObjectNode frame = WireJson.newRequest("leaveGroup").put("groupId", groupId);
    return request(frame)
        .thenApply(reply -> expect(GroupLeft.class, reply))
        .thenApply(left -> null);
  }

  /** A group this account is a member of: its name, members and admins. */
  public CompletableFuture<GroupFrame> getGroup(String groupId) {
    ObjectNode frame = WireJson.newRequest("getGroup").put("groupId", groupId);
    return request(frame).thenApply(reply -> expect(GroupFrame.class, reply));
  }

  /**
   * Has the server wake this device by push when items are queued for it while it has no
   * connection. The push carries no content, only "sync now": the app answers it with {@link
   * #fetchOnPush}.
   *
   * @param platform one of {@link #PUSH_PLATFORMS}
   * @param token the device's push token, as the platform gave it to the app
   * @throws IllegalArgumentException for another platform or a blank token, before anything is sent
   */
  public CompletableFuture<Void> registerPush(String platform, String token) {
    if (platform == null || !PUSH_PLATFORMS.contains(platform)) {
      throw new IllegalArgumentException(
          "push platform '"
              + platform
              + "' is not one of "
              + String.join(", ", PUSH_PLATFORMS)
              + " (apns_sandbox is APNs for apps signed for development)");
    }
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the push token is blank");
    }
    ObjectNode frame =
        WireJson.newRequest("registerPush").put("platform", platform).put("token", token);
    return request(frame)
        .thenApply(reply -> expect(PushRegistered.class, reply))
        .thenApply(registered -> null);
  }

  /** Stops the pushes to this device, for example when the user logs out of the app. */
  public CompletableFuture<Void> unregisterPush() {
    return request(WireJson.newRequest("unregisterPush"))
        .thenApply(reply -> expect(PushUnregistered.class, reply))
        .thenApply(unregistered -> null);
  }

  /**
   * What an app does when a push wakes it in the background, in place of {@link #connect()}:
   * connects and logs in, syncs every queued item (page after page, until the server has no more or
   * sends back a page the listener refused whole) to the listener, acks each item only after the
   * listener returned for it, waits until the server confirmed the acks, and closes this client. An
   * item the listener threw for is not acked and comes back at the next sync. The listener may use
   * this client meanwhile, to {@link #download} a file before its message is acked.
   *
   * <p>Completes with how many items (messages, receipts, group changes) the listener took. Fails
   * with {@link TimeoutException} when all that took longer than {@code timeout} (what the listener
   * took by then is acked or comes back at the next sync, so the app drops an item it already has
   * by its {@code messageId}), and as {@link #connect()} fails otherwise; the client is closed
   * either way.
   *
   * @throws IllegalStateException for a client without credentials or built {@link
   *     Settings#withoutMessages() without messages}: it has nothing to fetch
   */
  public CompletableFuture<Integer> fetchOnPush(Duration timeout) {
    if (credentials == null || settings.withoutMessages) {
      throw new IllegalStateException(
          "fetchOnPush needs a client built with the device's credentials, and with messages");
    }
    return connect()
        .thenApply(synced -> itemsTaken.get())
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((taken, failure) -> close());
  }

  private CompletableFuture<Accepted> send(
      String addressField, String address, String body, Media media) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the client was closed or stopped"));
    }
    if (body != null && !ClientText.isWellFormed(body)) {
      // The server could only refuse the frame whole, naming no send, and it would go again for
      // ever: a half of a surrogate pair, as when text is cut inside an emoji.
      throw new IllegalArgumentException("the body is not well-formed UTF-16 text");
    }
    String id = UUID.randomUUID().toString();
    ObjectNode frame =
        WireJson.newRequest("send").put(addressField, address).put("id", id).put("ref", id);
    if (body != null) {
      frame.put("body", body);
    }
    if (media != null) {
      frame.set("media", WireJson.tree(media));
    }
    PendingSend pending = new PendingSend(id, WireJson.write(frame));
    sends.put(id, pending);
    if (closed && sends.remove(id, pending)) {
      // Stopped meanwhile, after stop failed what it found.
      pending.accepted.completeExceptionally(
          new IllegalStateException("the client was closed or stopped"));
    }
    Session current = session;
    if (current != null && current.open && current.isLoggedIn()) {
      writeSend(current, pending);
    }
    return pending.accepted;
  }

  /**
   * Writes a send and, should nothing answer it in time, writes it again: a reply is lost when the
   * invocation crashed (API Gateway's "Internal server error" names no request) or the reply's push
   * failed. The server stores one message per id, so a send written twice is stored once.
   */
  private void writeSend(Session on, PendingSend pending) {
    int write = pending.written();
    on.write(pending.frame);
    afterDelay(() -> resendIfUnanswered(on, pending, write), settings.resendUnansweredAfter);
  }

  private void resendIfUnanswered(Session on, PendingSend pending, int write) {
    if (pending.writes() == write
        && sends.get(pending.id) == pending
        && session == on
        && on.open
        && on.isLoggedIn()) {
      writeSend(on, pending);
    }
  }

  /** Every send not yet answered, written on a connection that has just logged in. */
  private void writeUnanswered(Session on) {
    unansweredSends().forEach(pending -> writeSend(on, pending));
  }

  private List<PendingSend> unansweredSends() {
    synchronized (sends) {
      return new ArrayList<>(sends.values());
    }
  }

  /**
   * API Gateway answered one of this connection's requests itself (an invocation crashed, or was
   * throttled): which one it does not say, so every send still unanswered goes again shortly, with
   * its id, rather than after the full wait.
   */
  private void answerLost(Session on) {
    // The crashed invocation may have been the catch-up's sync: asked again now, not after the
    // request timeout, with live pushes held meanwhile. Its reply, should it come, is not awaited.
    String syncAsked = on.syncAsked;
    CompletableFuture<ServerFrame> sync = syncAsked == null ? null : requests.remove(syncAsked);
    if (sync != null) {
      sync.completeExceptionally(new IllegalStateException("the sync's answer was lost"));
    }
    for (PendingSend pending : unansweredSends()) {
      int write = pending.writes();
      afterDelay(() -> resendIfUnanswered(on, pending, write), FIRST_RETRY_AFTER_INTERNAL);
    }
  }

  /** Runs a task after a delay, unless the client was closed meanwhile. */
  private void afterDelay(Runnable task, Duration delay) {
    if (closed) {
      return;
    }
    try {
      timers.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // Closed meanwhile: nothing is sent any more.
    }
  }

  /**
   * Says that the user is typing to {@code to}: the app calls it at every keystroke. The SDK sends
   * {@code typing} at once, again at most every 3 seconds while keystrokes go on, and {@code
   * paused} 5 seconds after the last one (see {@link Settings#typingIndicators}). Fire and forget:
   * nothing answers, and nothing is sent while disconnected.
   */
  public void typing(String to) {
    typingIndicators.keystroke(new TypingIndicators.Chat("to", Objects.requireNonNull(to, "to")));
  }

  /** {@link #typing} in a group. */
  public void typingInGroup(String groupId) {
    typingIndicators.keystroke(
        new TypingIndicators.Chat("group", Objects.requireNonNull(groupId, "groupId")));
  }

  /**
   * The user stopped typing to {@code to} (sent the message, or cleared the field): {@code paused}
   * goes at once if a {@code typing} is outstanding, and not again 5 seconds later.
   */
  public void stoppedTyping(String to) {
    typingIndicators.stopped(new TypingIndicators.Chat("to", Objects.requireNonNull(to, "to")));
  }

  /** {@link #stoppedTyping} in a group. */
  public void stoppedTypingInGroup(String groupId) {
    typingIndicators.stopped(
        new TypingIndicators.Chat("group", Objects.requireNonNull(groupId, "groupId")));
  }

  /**
   * Whether a device of {@code phone} is connected now, and when it was last seen: {@link
   * Presence#lastSeen()} is epoch milliseconds rounded down to the minute, or null where hidden (by
   * its own setting, or because this account hides its own, see {@link LastSeenPrivacy#NOBODY}). A
   * phone that blocks this account answers offline with no last seen. Fails with {@link
   * CheckmarkException} {@code UNKNOWN_RECIPIENT} for an unregistered number, and {@code
   * RATE_LIMITED} when asked too often: the server limits presence per account, so an app asks when
   * a chat opens and then every half minute or so, not more.
   */
  public CompletableFuture<Presence> presence(String phone) {
    ObjectNode frame = WireJson.newRequest("presence").put("phone", phone);
    return request(frame).thenApply(reply -> expect(Presence.class, reply));
  }

  /** Who sees this account's last seen from now on; everyone until set. */
  public CompletableFuture<Void> setLastSeenPrivacy(LastSeenPrivacy whoSees) {
    ObjectNode frame =
        WireJson.newRequest("setPrivacy")
            .put("lastSeen", Objects.requireNonNull(whoSees, "whoSees").toString());
    return request(frame)
        .thenApply(reply -> expect(PrivacySet.class, reply))
        .thenApply(set -> null);
  }

  /**
   * Blocks {@code phone}: its one-to-one messages to this account still get {@code accepted} on its
   * side but never arrive (and so are never delivered), its typing is dropped, and it sees this
   * account offline with no last seen. Its messages in a shared group still arrive. Completes with
   * the phone as the server keys it (E.164).
   */
  public CompletableFuture<String> block(String phone) {
    ObjectNode frame = WireJson.newRequest("block").put("phone", phone);
    return request(frame).thenApply(reply -> expect(Blocked.class, reply).phone());
  }

  /** Undoes {@link #block}; completes with the phone as the server keys it (E.164). */
  public CompletableFuture<String> unblock(String phone) {
    ObjectNode frame = WireJson.newRequest("unblock").put("phone", phone);
    return request(frame).thenApply(reply -> expect(Unblocked.class, reply).phone());
  }

  /** Every phone this account blocks. */
  public CompletableFuture<List<String>> blocked() {
    return request(WireJson.newRequest("listBlocked"))
        .thenApply(reply -> expect(BlockList.class, reply).phones());
  }

  /**
   * A presigned {@code PUT} for an encrypted file of this length, type and SHA-256 (base64); {@link
   * #sendMedia} does the whole upload.
   */
  public CompletableFuture<UploadUrl> requestUpload(String mimeType, long size, String sha256) {
    ObjectNode frame =
        WireJson.newRequest("requestUpload")
            .put("mimeType", mimeType)
            .put("size", size)
            .put("sha256", sha256);
    return request(frame).thenApply(reply -> expect(UploadUrl.class, reply));
  }

  /** A short-lived presigned {@code GET} of an uploaded file; {@link #download} does the rest. */
  public CompletableFuture<DownloadUrl> requestDownload(String mediaId) {
    ObjectNode frame = WireJson.newRequest("requestDownload").put("mediaId", mediaId);
    return request(frame).thenApply(reply -> expect(DownloadUrl.class, reply));
  }

  /**
   * Encrypts a file with a new key, uploads it, and sends it to {@code to} with the key and, for an
   * image, a thumbnail; completes with {@code accepted}. {@code progress} hears the bytes uploaded.
   */
  public CompletableFuture<Accepted> sendMedia(
      String to, Path file, String mimeType, MediaTransfers.Progress progress) {
    return media.upload(file, mimeType, progress).thenCompose(uploaded -> send(to, null, uploaded));
  }

  /** {@link #sendMedia} to a group. */
  public CompletableFuture<Accepted> sendMediaToGroup(
      String groupId, Path file, String mimeType, MediaTransfers.Progress progress) {
    return media
        .upload(file, mimeType, progress)
        .thenCompose(uploaded -> sendToGroup(groupId, null, uploaded));
  }

  /**
   * Fetches a received file, checks its SHA-256 and HMAC, and only then hands back its plaintext,
   * read from a temporary file deleted when the stream is closed.
   */
  public CompletableFuture<InputStream> download(Media received, MediaTransfers.Progress progress) {
    return media.download(received, progress);
  }

  /** Tells the sender of these messages that they were read. */
  public CompletableFuture<Void> markRead(String sender, List<String> messageIds) {
    return markRead(sender, null, messageIds);
  }

  /** Tells the sender of these messages, sent in {@code groupId}, that they were read. */
  public CompletableFuture<Void> markRead(String sender, String groupId, List<String> messageIds) {
    ObjectNode frame = WireJson.newRequest("read").put("to", sender);
    if (groupId != null) {
      frame.put("group", groupId);
    }
    messageIds.forEach(frame.putArray("messageIds")::add);
    return request(frame).thenApply(reply -> null);
  }

  public CompletableFuture<Void> ping() {
    return request(WireJson.newRequest("ping")).thenApply(reply -> null);
  }

  @Override
  public void close() {
    stop(new IllegalStateException("the client was closed"));
    Session current = session;
    if (current != null) {
      current.close();
    }
    timers.shutdownNow();
    events.shutdown();
  }

  private void open() {
    if (closed) {
      return;
    }
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(settings.connectTimeout);
    Credentials current = credentials;
    if (current != null && !settings.loginAction) {
      String userAndKey = current.basicUser() + ":" + current.deviceKey();
      builder.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(userAndKey.getBytes(StandardCharsets.UTF_8)));
    }
    Session next = new Session(current != null && !settings.withoutMessages);
    builder
        .buildAsync(settings.url, next)
        .whenComplete(
            (webSocket, failure) -> {
              if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                int status =
                    cause instanceof WebSocketHandshakeException refused
                        ? refused.getResponse().statusCode()
                        : 0;
                if (status == 401) {
                  // Wrong or revoked credentials: retrying cannot help, now or after a reconnect.
                  CheckmarkException refused =
                      new CheckmarkException(
                          "UNAUTHORIZED", "the server refused the credentials", null, null);
                  stop(refused);
                  if (connectedOnce) {
                    events.execute(settings.listener::onDeviceReplaced);
                  }
                  return;
                }
                if (!connectedOnce && settings.giveUpIfFirstConnectFails) {
                  // A wrong address, a wrong stage or a stopped server: said at once, not retried
                  // unseen.
                  stop(new ConnectionFailed(settings.url, status, cause));
                  return;
                }
                reconnectLater();
                return;
              }
              next.start(webSocket);
            });
  }

  /**
   * Stops for good: the first connect, if still waited for, and every send not yet accepted fail
   * with {@code why}, so that nobody waits for what cannot come.
   */
  private void stop(RuntimeException why) {
    closed = true;
    firstSync.completeExceptionally(why);
    List<PendingSend> unanswered;
    synchronized (sends) {
      unanswered = new ArrayList<>(sends.values());
      sends.clear();
    }
    unanswered.forEach(pending -> pending.accepted.completeExceptionally(why));
    failLinksAwaited(why);
  }

  private void failLinksAwaited(RuntimeException why) {
    List.copyOf(linksAwaited).forEach(linked -> linked.completeExceptionally(why));
  }

  private static CheckmarkException linkExpired(String why) {
    return new CheckmarkException("LINK_EXPIRED", why, null, null);
  }

  private synchronized void reconnectLater() {
    if (closed || timers.isShutdown()) {
      return;
    }
    // Exponential backoff with "equal jitter": half the ceiling fixed, half random, so that a crowd
    // of
    // clients cut off together comes back spread out, and none comes back at once.
    long ceiling =
        Math.min(
            settings.maxBackoff.toMillis(),
            settings.minBackoff.toMillis() << Math.min(failedAttempts, 20));
    failedAttempts++;
    long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    timers.schedule(this::open, delay, TimeUnit.MILLISECONDS);
  }

  private synchronized void connected() {
    connectedOnce = true;
  }

  /**
   * The backoff starts again only once a connection has synced: a server that accepts connections
   * and then refuses them everything is retried ever more slowly, not every quarter second.
   */
  private synchronized void settled() {
    failedAttempts = 0;
  }

  /**
   * Syncs until the server has no more, holding what is pushed live meanwhile, then tells the
   * listener (and the first connect). A sync whose reply did not come (a crashed invocation, an
   * error) is asked again on the same connection, later each time.
   */
  private void syncAll(Session on, int failedSyncs) {
    if (credentials == null || settings.withoutMessages) {
      settled();
      firstSync.complete(null);
      return;
    }
    on.catchUp();
    syncUntilEmpty(on)
        .whenComplete(
            (done, failure) -> {
              if (failure == null) {
                on.caughtUp();
                settled();
                firstSync.complete(null);
                events.execute(settings.listener::onSynced);
              } else if (on.open && failedSyncs + 1 >= SYNC_TRIES_PER_CONNECTION) {
                // Held pushes must not wait for ever: a new connection syncs from the start.
                on.ended();
              } else if (on.open) {
                long delay =
                    Math.min(
                        LONGEST_SYNC_RETRY.toMillis(),
                        settings.minBackoff.toMillis() << Math.min(failedSyncs, 20));
                afterDelay(
                    () -> {
                      if (on.open && session == on) {
                        syncAll(on, failedSyncs + 1);
                      }
                    },
                    Duration.ofMillis(delay));
              }
            });
  }

  /**
   * Every page goes on {@code on}: a catch-up whose connection ended stops, as the next connection
   * has its own, and two on one connection would let live pushes out between the pages.
   */
  private CompletableFuture<Void> syncUntilEmpty(Session on) {
    long acksBefore = acksQueued.get();
    long refusalsBefore = listenerRefusals.get();
    ObjectNode frame = WireJson.newRequest("sync").put("limit", settings.syncPageSize);
    CompletableFuture<ServerFrame> page = request(on, frame);
    on.syncAsked = frame.path("ref").asText(null);
    return page.thenCompose(
            synced ->
                afterDeliveredEvents()
                    .thenCompose(ignored -> ackedAllDelivered())
                    .thenApply(ignored -> synced))
        .thenCompose(
            synced -> {
              // The server sends the oldest items first: a page the listener refused whole would
              // come back unchanged, so asking again could only spin. Its items wait for the next
              // connect.
              boolean refusedWhole =
                  listenerRefusals.get() > refusalsBefore && acksQueued.get() == acksBefore;
              return expect(Synced.class, synced).more() && !refusedWhole
                  ? syncUntilEmpty(on)
                  : CompletableFuture.<Void>completedFuture(null);
            });
  }

  /**
   * Sends the acks due and completes once the server confirmed every ack sent so far, those the ack
   * timer sent included: a next sync could otherwise find an item whose ack is still on its way.
   */
  private CompletableFuture<Void> ackedAllDelivered() {
    flushAcks();
    return CompletableFuture.allOf(acksUnconfirmed.toArray(CompletableFuture[]::new));
  }

  /** Completes once every item received so far has been through the listener. */
  private CompletableFuture<Void> afterDeliveredEvents() {
    return CompletableFuture.runAsync(() -> {}, events);
  }

  /**
   * Typing frames have no ref: nothing answers them, and one lost with a connection is harmless.
   */
  private void sendTyping(TypingIndicators.Chat chat, String state) {
    Session current = session;
    if (current != null && current.open) {
      current.write(
          WireJson.write(
              WireJson.newRequest("typing").put(chat.field(), chat.address()).put("state", state)));
    }
  }

  private CompletableFuture<ServerFrame> request(ObjectNode frame) {
    return request(session, frame);
  }

  private CompletableFuture<ServerFrame> request(Session current, ObjectNode frame) {
    if (current == null || !current.open) {
      return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
    }
    String ref = "r" + refs.incrementAndGet();
    frame.put("ref", ref);
    CompletableFuture<ServerFrame> reply = new CompletableFuture<>();
    requests.put(ref, reply);
    current.write(WireJson.write(frame));
    return reply
        .orTimeout(settings.requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((ignored, failure) -> requests.remove(ref));
  }

  /**
   * Frames that are not JSON, or of a type this client does not know, are skipped; one API Gateway
   * wrote itself sends the unanswered sends again.
   */
  private void onFrame(Session from, String text) {
    WireJson.parseFrame(text)
        .ifPresentOrElse(
            received -> {
              ServerFrame frame = received.frame();
              if (settings.withoutMessages
                  && (frame instanceof MessageFrame
                      || frame instanceof ReceiptFrame
                      || frame instanceof GroupUpdateFrame)) {
                // Neither shown nor acked: it stays queued for the device's app.
                return;
              }
              if (frame instanceof MessageFrame message) {
                from.received(
                    message.messageId(),
                    () ->
                        deliver(
                            message.messageId(),
                            isTranscript(message)
                                ? () -> settings.listener.onSentTranscript(message)
                                : () -> settings.listener.onMessage(message)));
              } else if (frame instanceof GroupUpdateFrame update) {
                from.received(
                    update.messageId(),
                    () ->
                        deliver(update.messageId(), () -> settings.listener.onGroupUpdate(update)));
              } else if (frame instanceof TypingFrame typingFrame) {
                events.execute(() -> settings.listener.onTyping(typingFrame));
              } else if (frame instanceof Linked linked) {
                onLinked(linked);
              } else if (frame instanceof ReceiptFrame receipt) {
                from.received(
                    receipt.messageId(),
                    () -> deliver(receipt.messageId(), () -> settings.listener.onReceipt(receipt)));
              } else if (frame instanceof Accepted accepted) {
                PendingSend pending = accepted.id() == null ? null : sends.remove(accepted.id());
                if (pending != null) {
                  pending.accepted.complete(accepted);
                }
              } else if (frame instanceof ErrorFrame error) {
                onError(from, error, received.ref());
              } else {
                CompletableFuture<ServerFrame> reply =
                    received.ref() == null ? null : requests.remove(received.ref());
                if (frame instanceof Synced synced && reply != null) {
                  // The page's items are the oldest held; anything newer waits for the pages after.
                  from.release(synced.more() ? synced.count() : Integer.MAX_VALUE);
                }
                if (reply != null) {
                  reply.complete(frame);
                }
              }
            },
            () -> {
              if (WireJson.isGatewayError(text)) {
                answerLost(from);
              }
            });
  }

  /**
   * A copy of this account's own message, sent from another of its devices: one-to-one it names the
   * recipient, in a group it comes from this account's own number.
   */
  private boolean isTranscript(MessageFrame message) {
    Credentials current = credentials;
    return message.to() != null
        || (message.group() != null && current != null && message.from().equals(current.phone()));
  }

  /**
   * The primary approved this connection's link code: the connection is that device now, and every
   * reconnect logs in as it.
   */
  private void onLinked(Linked linked) {
    Credentials given = new Credentials(linked.phone(), linked.deviceId(), linked.deviceKey());
    credentials = given;
    List.copyOf(linksAwaited).forEach(awaited -> awaited.complete(given));
    Session current = session;
    if (current != null) {
      current.loggedIn();
      syncAll(current, 0);
    }
  }

  private void onError(Session from, ErrorFrame frame, String ref) {
    CheckmarkException error =
        new CheckmarkException(
            frame.code(), frame.message(), frame.retryAfterSeconds(), frame.attemptsLeft());
    // Both mean this device's key is dead: reconnecting could only be refused.
    if ("DEVICE_REPLACED".equals(frame.code())) {
      stop(error);
      events.execute(settings.listener::onDeviceReplaced);
      return;
    }
    if ("DEVICE_UNLINKED".equals(frame.code())) {
      stop(error);
      events.execute(settings.listener::onDeviceUnlinked);
      return;
    }
    if ("UNAUTHORIZED".equals(frame.code()) && from.isLoggedIn()) {
      // The server no longer knows this connection as logged in (it forgot it, taking it for
      // closed): a new connection logs in again, and the sends go again on it.
      from.ended();
      return;
    }
    if ("send".equals(frame.action()) && frame.id() != null) {
      PendingSend pending = sends.get(frame.id());
      if (pending != null) {
        int internalErrors = "INTERNAL".equals(frame.code()) ? pending.failedInternally() : 0;
        if (internalErrors > 0 && internalErrors < SEND_TRIES_ON_INTERNAL) {
          // The server may have stored it before it failed: the same id again, so not twice.
          Duration wait = FIRST_RETRY_AFTER_INTERNAL.multipliedBy(1L << (internalErrors - 1));
          int write = pending.writes();
          afterDelay(() -> resendIfUnanswered(from, pending, write), wait);
          return;
        }
        if (sends.remove(frame.id(), pending)) {
          pending.accepted.completeExceptionally(error);
        }
        return;
      }
    }
    CompletableFuture<ServerFrame> reply = ref == null ? null : requests.remove(ref);
    if (reply != null) {
      reply.completeExceptionally(error);
    }
  }

  /**
   * The reply a request expects; another frame under its ref is a server fault, not a client one.
   */
  private static <F extends ServerFrame> F expect(Class<F> type, ServerFrame reply) {
    if (!type.isInstance(reply)) {
      throw new IllegalStateException(
          "expected " + type.getSimpleName() + " but the server sent " + reply);
    }
    return type.cast(reply);
  }

  /** Hands an item to the listener once (push and sync may both bring it), then acks it. */
  private void deliver(String messageId, Runnable toListener) {
    if (!seen.contains(messageId)) {
      try {
        toListener.run();
      } catch (RuntimeException listenerFailed) {
        // Not acked: the item comes back at the next sync.
        listenerRefusals.incrementAndGet();
        return;
      }
      seen.add(messageId);
      itemsTaken.incrementAndGet();
    }
    ackLater(messageId);
  }

  private void ackLater(String messageId) {
    acksQueued.incrementAndGet();
    boolean first;
    synchronized (acksDue) {
      first = acksDue.isEmpty();
      acksDue.add(messageId);
    }
    if (first && !closed) {
      try {
        timers.schedule(this::flushAcks, settings.ackDelay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // Closed meanwhile: the item was not acked and comes back at the next sync.
      }
    }
  }

  /**
   * Sends the acks due, at most 100 ids a frame, and keeps their confirmation among those awaited
   * until the server has answered.
   */
  private void flushAcks() {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    List<String> due;
    synchronized (acksDue) {
      due = new ArrayList<>(acksDue);
      acksDue.clear();
      // Awaited from the moment its ids leave acksDue, so that ackedAllDelivered never misses them.
      acksUnconfirmed.add(confirmed);
    }
    List<CompletableFuture<ServerFrame>> confirmations = new ArrayList<>();
    for (int start = 0; start < due.size(); start += 100) {
      ObjectNode frame = WireJson.newRequest("ack");
      due.subList(start, Math.min(due.size(), start + 100))
          .forEach(frame.putArray("messageIds")::add);
      List<String> ids = List.copyOf(due.subList(start, Math.min(due.size(), start + 100)));
      // An ack that does not arrive is harmless: the item comes back at the next sync and is acked
      // then.
      confirmations.add(
          request(frame)
              .thenApply(
                  acked -> {
                    events.execute(() -> settings.listener.onAcked(ids));
                    return acked;
                  })
              .exceptionally(failure -> null));
    }
    CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ignored, failure) -> {
              confirmed.complete(null);
              acksUnconfirmed.remove(confirmed);
            });
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** A send not yet answered: its frame, written again as often as needed, and its future. */
  private static final class PendingSend {
    private final String id;
    private final String frame;
    private final CompletableFuture<Accepted> accepted = new CompletableFuture<>();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger internalErrors = new AtomicInteger();

    PendingSend(String id, String frame) {
      this.id = id;
      this.frame = frame;
    }

    /** Counts a write of the frame; returns its number. */
    int written() {
      return writes.incrementAndGet();
    }

    int writes() {
      return writes.get();
    }

    /** Counts an {@code INTERNAL} answer; returns how many there were. */
    int failedInternally() {
      return internalErrors.incrementAndGet();
    }
  }

  /**
   * One WebSocket connection: its writes serialized (the JDK allows one outstanding send), its
   * timers.
   */
  private final class Session implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean open;
    private WebSocket webSocket;
    private CompletableFuture<?> lastWrite = CompletableFuture.completedFuture(null);
    private final List<java.util.concurrent.ScheduledFuture<?>> timersOfSession = new ArrayList<>();
    // While the connection catches up (its first sync), what arrives waits here, by messageId:
    // an item pushed live may be newer than one the sync has still to send.
    private final TreeMap<String, Runnable> held = new TreeMap<>();
    private boolean catchingUp;
    private volatile boolean loggedIn;
    // The ref of the catch-up's latest sync, so that a crashed invocation's answer can end it.
    private volatile String syncAsked;
    // Closed by the server before start: start makes a new connection instead.
    private boolean closedBeforeStart;

    /**
     * A connection that will sync catches up from its first frame: the server may push as soon as
     * it has the connection, before this client has even seen the upgrade complete.
     */
    Session(boolean willSync) {
      this.catchingUp = willSync;
    }

    void start(WebSocket socket) {
      synchronized (this) {
        if (closedBeforeStart) {
          // The server closed it before this client saw the upgrade complete: a new one.
          socket.abort();
          reconnectLater();
          return;
        }
        webSocket = socket;
        open = true;
      }
      session = this;
      connected();
      timersOfSession.add(
          timers.scheduleAtFixedRate(
              () -> ping().exceptionally(failure -> null),
              settings.pingInterval.toMillis(),
              settings.pingInterval.toMillis(),
              TimeUnit.MILLISECONDS));
      // Leave before API Gateway's 2-hour limit cuts the connection; the close reconnects at once.
      timersOfSession.add(
          timers.schedule(
              this::close, settings.maxConnectionAge.toMillis(), TimeUnit.MILLISECONDS));
      Credentials current = credentials;
      loggedIn = current != null && !settings.loginAction;
      if (settings.loginAction && current != null) {
        // Log in before anything else is sent; until then the connection is anonymous.
        ObjectNode login =
            WireJson.newRequest("login")
                .put("phone", current.phone())
                .put("deviceKey", current.deviceKey());
        if (!current.isPrimary()) {
          login.put("deviceId", current.deviceId());
        }
        request(login)
            .whenComplete(
                (loggedIn, failure) -> {
                  if (failure != null) {
                    firstSync.completeExceptionally(failure);
                    return;
                  }
                  loggedIn();
                  writeUnanswered(this);
                  syncAll(this, 0);
                });
        return;
      }
      writeUnanswered(this);
      syncAll(this, 0);
    }

    void loggedIn() {
      loggedIn = true;
    }

    boolean isLoggedIn() {
      return loggedIn;
    }

    void catchUp() {
      synchronized (held) {
        catchingUp = true;
      }
    }

    /** A queued item arrived: to the listener at once, or held while the connection catches up. */
    void received(String messageId, Runnable delivery) {
      synchronized (held) {
        if (catchingUp) {
          held.putIfAbsent(messageId, delivery);
        } else {
          events.execute(delivery);
        }
      }
    }

    /** Hands the oldest held items to the listener, in messageId order. */
    void release(int count) {
      synchronized (held) {
        for (int released = 0; released < count && !held.isEmpty(); released++) {
          events.execute(held.pollFirstEntry().getValue());
        }
      }
    }

    /** The first sync is done: what is held goes to the listener, and what comes next at once. */
    void caughtUp() {
      synchronized (held) {
        release(Integer.MAX_VALUE);
        catchingUp = false;
      }
    }

    synchronized void write(String text) {
      lastWrite =
          lastWrite
              .handle((ignored, failure) -> null)
              .thenCompose(
                  ignored ->
                      open
                          ? webSocket.sendText(text, true)
                          : CompletableFuture.completedFuture(null));
    }

    void close() {
      if (open && webSocket != null) {
        webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "closing");
      }
    }

    @Override
    public void onOpen(WebSocket socket) {
      socket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        onFrame(this, text);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      ended();
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      ended();
    }

    void ended() {
      synchronized (this) {
        if (!open) {
          closedBeforeStart = webSocket == null;
          return;
        }
        open = false;
      }
      timersOfSession.forEach(timer -> timer.cancel(false));
      if (webSocket != null) {
        webSocket.abort();
      }
      requests
          .values()
          .forEach(reply -> reply.completeExceptionally(new IllegalStateException("disconnected")));
      requests.clear();
      // A link code is bound to the connection that asked for it: it cannot be approved any more.
      failLinksAwaited(linkExpired("the connection closed before the code was approved"));
      if (!closed) {
        events.execute(settings.listener::onDisconnected);
      }
      reconnectLater();
    }
  }

  /** How the client connects and behaves; the defaults suit API Gateway's limits. */
  public static final class Settings {
    private final URI url;
    private Credentials credentials;
    private Listener listener = new Listener() {};
    private Duration pingInterval = Duration.ofMinutes(5);
    private Duration maxConnectionAge = Duration.ofMinutes(110);
    private Duration minBackoff = Duration.ofMillis(250);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration resendUnansweredAfter = Duration.ofSeconds(10);
    private Duration ackDelay = Duration.ofMillis(20);
    private Duration typingRepeatEvery = Duration.ofSeconds(3);
    private Duration typingPausedAfter = Duration.ofSeconds(5);
    private int syncPageSize = 100;
    private boolean loginAction;
    private boolean giveUpIfFirstConnectFails;
    private boolean withoutMessages;

    private Settings(URI url) {
      this.url = url;
    }

    /**
     * Logs in as the primary device with the {@code Authorization: Basic} header at every connect.
     */
    public Settings credentials(String phoneNumber, String key) {
      return credentials(new Credentials(phoneNumber, Credentials.PRIMARY, key));
    }

    /** Logs in as this device with the {@code Authorization: Basic} header at every connect. */
    public Settings credentials(Credentials deviceCredentials) {
      this.credentials = deviceCredentials;
      return this;
    }

    /**
     * The client manages the account only (links, devices): it neither syncs nor hands messages and
     * receipts to a listener, and acks none, so that all of them stay queued for the device's app.
     */
    public Settings withoutMessages() {
      this.withoutMessages = true;
      return this;
    }

    /**
     * Logs in with the {@code login} action after connecting instead of the header, for platforms
     * whose WebSocket cannot set request headers.
     */
    public Settings loginWithAction() {
      this.loginAction = true;
      return this;
    }

    public Settings listener(Listener listener) {
      this.listener = listener;
      return this;
    }

    public Settings pingInterval(Duration pingInterval) {
      this.pingInterval = pingInterval;
      return this;
    }

    public Settings maxConnectionAge(Duration maxConnectionAge) {
      this.maxConnectionAge = maxConnectionAge;
      return this;
    }

    public Settings backoff(Duration min, Duration max) {
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /**
     * When the first connection cannot be made, {@link #connect()} fails at once with {@link
     * ConnectionFailed} and the client stops, instead of trying again with backoff: for tools that
     * a person runs (a wrong URL should be said, not retried). Later connections are always made
     * again.
     */
    public Settings giveUpIfFirstConnectFails() {
      this.giveUpIfFirstConnectFails = true;
      return this;
    }

    /** How long opening a connection may take before it counts as failed. */
    public Settings connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * How long a request other than {@code send} waits for its reply before it fails; a catch-up
     * sync whose reply was lost is asked again after it, live pushes held meanwhile.
     */
    public Settings requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * How long a {@code send} waits for its answer before it is written again, with its id, on the
     * same connection, and again after each such wait until it is answered (default 10 seconds, the
     * send function's timeout: by then its first try has ended, answered or not).
     */
    public Settings resendUnansweredAfter(Duration resendUnansweredAfter) {
      this.resendUnansweredAfter = resendUnansweredAfter;
      return this;
    }

    public Settings ackDelay(Duration ackDelay) {
      this.ackDelay = ackDelay;
      return this;
    }

    /**
     * How often {@code typing} is sent again while keystrokes go on (default 3 seconds: the other
     * side stops showing it a few seconds after the last one), and how long after the last
     * keystroke {@code paused} is sent (default 5 seconds).
     */
    public Settings typingIndicators(Duration repeatEvery, Duration pausedAfter) {
      if (repeatEvery.isNegative()
          || repeatEvery.isZero()
          || pausedAfter.isNegative()
          || pausedAfter.isZero()) {
        throw new IllegalArgumentException("typing intervals must be positive");
      }
      this.typingRepeatEvery = repeatEvery;
      this.typingPausedAfter = pausedAfter;
      return this;
    }

    /** Items per {@code sync} page, 1 to 500 (the server's limit); 100 unless set. */
    public Settings syncPageSize(int syncPageSize) {
      if (syncPageSize < 1 || syncPageSize > MAX_SYNC_PAGE) {
        throw new IllegalArgumentException(
            "a sync page holds 1 to " + MAX_SYNC_PAGE + " items, not " + syncPageSize);
      }
      this.syncPageSize = syncPageSize;
      return this;
    }

    public CheckmarkClient build() {
      return new CheckmarkClient(this);
    }
  }
}
