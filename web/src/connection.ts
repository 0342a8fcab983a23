// The WebSocket client, free of UI: one connection kept open, as the Java SDK's CheckmarkClient
// keeps it. It logs in with the `login` action (a browser WebSocket cannot set headers), syncs the
// device's queue until empty at every connect while holding what is pushed live meanwhile, hands
// every queue item to the app once and acks it only after the app stored it, writes unanswered
// sends again with their client id, and reconnects with jittered exponential backoff.

import { backoffDelay } from "./backoff";
import {
  isGatewayError,
  type Accepted,
  type Address,
  type Credentials,
  type ErrorCode,
  type ErrorFrame,
  type FrameOfType,
  type Linked,
  type Media,
  type QueueItem,
  type ServerFrame,
} from "./protocol";

/** The part of the browser's WebSocket this client uses, so that tests can drive a fake one. */
export interface SocketLike {
  send(text: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type ConnectionState = "connecting" | "connected" | "offline";

/** Why something failed: a server error code, or a failure on this side of the wire. */
export type FailureCode = ErrorCode | "NOT_CONNECTED" | "TIMEOUT" | "UNEXPECTED_REPLY";

export class CheckmarkError extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
    readonly retryAfterSeconds?: number,
    readonly attemptsLeft?: number,
  ) {
    super(message);
    this.name = "CheckmarkError";
  }

  static of(frame: ErrorFrame): CheckmarkError {
    return new CheckmarkError(frame.code, frame.message, frame.retryAfterSeconds, frame.attemptsLeft);
  }
}

/**
 * What the app hears. Queue items come in order, a catch-up's page in one call and a live push
 * alone; their acks wait for the promise.
 */
export interface ConnectionListener {
  onState(state: ConnectionState): void;
  /** Resolves once the items are stored; a rejection leaves them unacked, to come back at next sync. */
  onItems(items: readonly QueueItem[]): Promise<void>;
  onTyping(frame: FrameOfType<"typing">): void;
  /** The connection is logged in (after every connect, or once registered or linked). */
  onLoggedIn(credentials: Credentials): void;
  /** This device's key no longer works (replaced, unlinked, or refused at login): stop for good. */
  onSignedOut(error: CheckmarkError): void;
}

export interface ConnectionSettings {
  url: string;
  listener: ConnectionListener;
  credentials?: Credentials;
  createSocket?: (url: string) => SocketLike;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  resendUnansweredAfterMs?: number;
  ackDelayMs?: number;
  pingIntervalMs?: number;
  maxConnectionAgeMs?: number;
  syncPageSize?: number;
  random?: () => number;
  /** False while the device knows it has no network: no connection is tried (each would fail). */
  isOnline?: () => boolean;
}

/** A link code shown to the user, and the credentials once the primary approved it. */
export interface PendingLink {
  code: string;
  expiresInSeconds: number;
  linked: Promise<Credentials>;
}

export const SEND_TRIES_ON_INTERNAL = 5;
const FIRST_RETRY_AFTER_INTERNAL_MS = 500;
const LONGEST_SYNC_RETRY_MS = 30_000;
const SYNC_TRIES_PER_CONNECTION = 3;
const SEEN_IDS_REMEMBERED = 10_000;
const MAX_IDS_PER_ACK = 100;

/** Login refusals that no reconnect can fix: the device key is dead. */
const DEAD_KEY_CODES: ReadonlySet<FailureCode> = new Set(["UNAUTHORIZED", "UNKNOWN_DEVICE", "INVALID_PHONE"]);

interface PendingSend {
  id: string;
  frame: string;
  writes: number;
  internalErrors: number;
  resolve(accepted: Accepted): void;
  reject(error: Error): void;
}

interface PendingRequest {
  resolve(frame: ServerFrame): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface AwaitedLink {
  resolve(credentials: Credentials): void;
  reject(error: Error): void;
}

/** One WebSocket connection and what it holds while it catches up. */
class Session {
  open = false;
  ended = false;
  loggedIn = false;
  /** The ref of the catch-up's latest sync, so that a crashed invocation's answer can end it. */
  syncAsked: string | undefined;
  readonly timers: ReturnType<typeof setTimeout>[] = [];
  // While the connection catches up, what arrives waits here, by messageId: an item pushed live may
  // be newer than one the sync has still to send.
  private readonly held = new Map<string, QueueItem>();
  private catchingUp: boolean;

  constructor(
    readonly socket: SocketLike,
    willSync: boolean,
    private readonly run: (items: QueueItem[]) => void,
  ) {
    // The server may push as soon as the connection is logged in, before the first sync is asked.
    this.catchingUp = willSync;
  }

  catchUp(): void {
    this.catchingUp = true;
  }

  /** A queued item arrived: to the app at once, or held while the connection catches up. */
  received(item: QueueItem): void {
    if (!this.catchingUp) {
      this.run([item]);
    } else if (!this.held.has(item.messageId)) {
      this.held.set(item.messageId, item);
    }
  }

  /** Hands the oldest held items to the app, in messageId order, as one batch. */
  release(count: number): void {
    const oldestFirst = [...this.held.keys()].sort().slice(0, count);
    if (oldestFirst.length === 0) {
      return;
    }
    const items = oldestFirst.map((messageId) => this.held.get(messageId)!);
    oldestFirst.forEach((messageId) => this.held.delete(messageId));
    this.run(items);
  }

  /** The catch-up is done: what is held goes to the app, and what comes next at once. */
  caughtUp(): void {
    this.release(Number.POSITIVE_INFINITY);
    this.catchingUp = false;
  }
}

export class Connection {
  private readonly settings: Required<Omit<ConnectionSettings, "credentials">>;
  private credentials: Credentials | undefined;
  private session: Session | undefined;
  private stopped = false;
  private failedAttempts = 0;
  private refs = 0;
  private nextOpen: ReturnType<typeof setTimeout> | undefined;
  private state: ConnectionState | undefined;
  private readonly requests = new Map<string, PendingRequest>();
  private readonly sends = new Map<string, PendingSend>();
  private readonly seen = new Set<string>();
  private readonly linksAwaited = new Set<AwaitedLink>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private acksDue: string[] = [];
  private readonly acksUnconfirmed = new Set<Promise<void>>();
  private acksQueued = 0;
  private listenerRefusals = 0;
  /** Queue items reach the app one after another, in the order they were let through. */
  private events: Promise<void> = Promise.resolve();

  constructor(settings: ConnectionSettings) {
    this.credentials = settings.credentials;
    this.settings = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      minBackoffMs: 250,
      maxBackoffMs: 30_000,
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      resendUnansweredAfterMs: 10_000,
      ackDelayMs: 20,
      // API Gateway closes a connection idle for 10 minutes and any connection after 2 hours.
      pingIntervalMs: 5 * 60_000,
      maxConnectionAgeMs: 110 * 60_000,
      syncPageSize: 100,
      random: Math.random,
      isOnline: () => true,
      // A setting given as undefined keeps its default.
      ...(Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as ConnectionSettings),
    };
  }

  /** Opens the first connection; every lost one is made again with backoff until `close`. */
  connect(): void {
    this.open();
  }

  close(): void {
    this.stop(new CheckmarkError("NOT_CONNECTED", "the connection was closed"));
  }

  /** The network is back: the connection waiting for its backoff is tried now. */
  wake(): void {
    if (this.nextOpen !== undefined) {
      clearTimeout(this.nextOpen);
      this.timers.delete(this.nextOpen);
      this.nextOpen = undefined;
      this.open();
    }
  }

  get phone(): string | undefined {
    return this.credentials?.phone;
  }

  isLoggedIn(): boolean {
    return this.session?.open === true && this.session.loggedIn;
  }

  requestPin(phone: string): Promise<FrameOfType<"pinSent">> {
    return this.request({ action: "requestPin", phone }, "pinSent");
  }

  /** Registers this browser as the number's primary device; the connection is logged in as it. */
  async verifyPin(phone: string, pin: string): Promise<Credentials> {
    const on = this.session;
    const registered = await this.request({ action: "verifyPin", phone, pin }, "registered");
    const credentials = { phone: registered.phone, deviceId: 1, deviceKey: registered.deviceKey };
    if (on !== undefined && on === this.session && on.open) {
      this.adopt(on, credentials);
    } else {
      this.credentials = credentials;
    }
    return credentials;
  }

  /**
   * Asks for a link code; once the account's primary approves it, this connection is logged in as
   * the new device, and `linked` completes with its credentials. The code is bound to this
   * connection: it fails with LINK_EXPIRED when the connection ends or the code expires first.
   */
  async requestLink(name: string): Promise<PendingLink> {
    const code = await this.request({ action: "requestLink", name }, "linkCode");
    let awaited!: AwaitedLink;
    const linked = new Promise<Credentials>((resolve, reject) => {
      awaited = { resolve, reject };
    });
    this.linksAwaited.add(awaited);
    const expiry = this.afterDelay(() => {
      this.linksAwaited.delete(awaited);
      awaited.reject(new CheckmarkError("LINK_EXPIRED", "the code expired before it was approved"));
    }, code.expiresInSeconds * 1000);
    linked.then(
      () => clearTimeout(expiry),
      () => clearTimeout(expiry),
    );
    return { code: code.code, expiresInSeconds: code.expiresInSeconds, linked };
  }

  /**
   * Sends a message under the app's client id (kept across reloads, so a message goes once however
   * often it is written); resolves with `accepted`. It is written as soon as a connection is logged
   * in, again after every reconnect and after 10 s without answer, until answered.
   */
  send(address: Address, id: string, body: string | undefined, media?: Media): Promise<Accepted> {
    if (this.stopped) {
      return Promise.reject(new CheckmarkError("NOT_CONNECTED", "the connection was closed"));
    }
    const frame = JSON.stringify({ action: "send", ...address, id, ref: id, body, media });
    return new Promise<Accepted>((resolve, reject) => {
      const pending: PendingSend = { id, frame, writes: 0, internalErrors: 0, resolve, reject };
      this.sends.set(id, pending);
      const current = this.session;
      if (current?.open && current.loggedIn) {
        this.writeSend(current, pending);
      }
    });
  }

  /** Fire and forget: nothing answers typing, and nothing is sent while disconnected. */
  typing(address: Address, state: "typing" | "paused"): void {
    const current = this.session;
    if (current?.open && current.loggedIn) {
      current.socket.send(JSON.stringify({ action: "typing", ...address, state }));
    }
  }

  /** Any request answered by one frame: resolves with the frame of the expected type. */
  request<T extends ServerFrame["type"]>(
    fields: Record<string, unknown>,
    expected: T,
  ): Promise<FrameOfType<T>> {
    return this.requestOn(this.session, fields).reply.then((frame) => {
      if (frame.type !== expected) {
        throw new CheckmarkError("UNEXPECTED_REPLY", `expected ${expected} but got ${frame.type}`);
      }
      return frame as FrameOfType<T>;
    });
  }

  private requestOn(
    on: Session | undefined,
    fields: Record<string, unknown>,
  ): { ref: string; reply: Promise<ServerFrame> } {
    const ref = `r${++this.refs}`;
    if (on === undefined || !on.open) {
      return { ref, reply: Promise.reject(new CheckmarkError("NOT_CONNECTED", "not connected")) };
    }
    const reply = new Promise<ServerFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(ref);
        reject(new CheckmarkError("TIMEOUT", `no answer to ${String(fields.action)}`));
      }, this.settings.requestTimeoutMs);
      this.requests.set(ref, { resolve, reject, timer });
    });
    on.socket.send(JSON.stringify({ ...fields, ref }));
    return { ref, reply };
  }

  private setState(state: ConnectionState): void {
    if (state !== this.state) {
      this.state = state;
      this.settings.listener.onState(state);
    }
  }

  private open(): void {
    this.nextOpen = undefined;
    if (this.stopped) {
      return;
    }
    if (!this.settings.isOnline()) {
      this.setState("offline");
      this.reconnectLater();
      return;
    }
    this.setState("connecting");
    let socket: SocketLike;
    try {
      socket = this.settings.createSocket(this.settings.url);
    } catch {
      this.reconnectLater();
      return;
    }
    const session = new Session(socket, this.credentials !== undefined, (items) =>
      this.runInOrder(() => this.deliver(items)),
    );
    const connectTimeout = setTimeout(() => this.ended(session), this.settings.connectTimeoutMs);
    session.timers.push(connectTimeout);
    socket.onopen = () => {
      clearTimeout(connectTimeout);
      this.start(session);
    };
    socket.onmessage = (event) => this.onFrame(session, String(event.data));
    socket.onclose = () => this.ended(session);
    // A failed or broken connection also closes; onclose does the rest.
    socket.onerror = () => undefined;
  }

  private start(session: Session): void {
    if (this.stopped || session.ended) {
      session.socket.close();
      return;
    }
    session.open = true;
    this.session = session;
    session.timers.push(
      setInterval(() => {
        this.request({ action: "ping" }, "pong").catch(() => undefined);
      }, this.settings.pingIntervalMs),
      // Leave before API Gateway's 2-hour limit cuts the connection; the close reconnects at once.
      setTimeout(() => session.socket.close(), this.settings.maxConnectionAgeMs),
    );
    const credentials = this.credentials;
    if (credentials === undefined) {
      this.settled();
      this.setState("connected");
      return;
    }
    const login: Record<string, unknown> = {
      action: "login",
      phone: credentials.phone,
      deviceKey: credentials.deviceKey,
    };
    if (credentials.deviceId !== 1) {
      login.deviceId = credentials.deviceId;
    }
    this.requestOn(session, login).reply.then(
      (reply) => {
        if (reply.type === "loggedIn" && session === this.session && session.open) {
          this.adopt(session, credentials);
        }
      },
      (failure: unknown) => {
        if (failure instanceof CheckmarkError && DEAD_KEY_CODES.has(failure.code)) {
          this.stop(failure);
          this.settings.listener.onSignedOut(failure);
        } else {
          // A timeout, a crashed invocation or a rate limit: a later connection tries again.
          this.ended(session);
        }
      },
    );
  }

  /** The connection is logged in as these credentials: sends go again, and the queue is synced. */
  private adopt(session: Session, credentials: Credentials): void {
    this.credentials = credentials;
    session.loggedIn = true;
    this.setState("connected");
    this.settings.listener.onLoggedIn(credentials);
    this.writeUnanswered(session);
    void this.syncAll(session, 0);
  }

  private onFrame(from: Session, text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return;
    }
    const object = parsed as Record<string, unknown>;
    if (typeof object.type !== "string") {
      if (isGatewayError(object)) {
        this.answerLost(from);
      }
      return;
    }
    const frame = object as unknown as ServerFrame;
    switch (frame.type) {
      case "message":
      case "receipt":
      case "groupUpdate":
        from.received(frame);
        return;
      case "typing":
        this.settings.listener.onTyping(frame);
        return;
      case "linked":
        this.onLinked(from, frame);
        return;
      case "accepted": {
        const pending = this.sends.get(frame.id);
        if (pending !== undefined) {
          this.sends.delete(frame.id);
          pending.resolve(frame);
        }
        return;
      }
      case "error":
        this.onError(from, frame);
        return;
      default: {
        const reply = frame.ref === undefined ? undefined : this.requests.get(frame.ref);
        if (reply === undefined) {
          return;
        }
        if (frame.type === "synced") {
          // The page's items are the oldest held; anything newer waits for the pages after.
          from.release(frame.more ? frame.count : Number.POSITIVE_INFINITY);
        }
        this.requests.delete(frame.ref!);
        clearTimeout(reply.timer);
        reply.resolve(frame);
      }
    }
  }

  private onError(from: Session, frame: ErrorFrame): void {
    const error = CheckmarkError.of(frame);
    if (frame.code === "DEVICE_REPLACED" || frame.code === "DEVICE_UNLINKED") {
      // This device's key is dead: reconnecting could only be refused.
      this.stop(error);
      this.settings.listener.onSignedOut(error);
      return;
    }
    if (frame.code === "UNAUTHORIZED" && from.loggedIn) {
      // The server no longer knows this connection as logged in: a new one logs in again.
      this.ended(from);
      return;
    }
    const pending = frame.action === "send" && frame.id !== undefined ? this.sends.get(frame.id) : undefined;
    if (pending !== undefined) {
      const internalErrors = frame.code === "INTERNAL" ? ++pending.internalErrors : 0;
      if (internalErrors > 0 && internalErrors < SEND_TRIES_ON_INTERNAL) {
        // The server may have stored it before it failed: the same id again, so not twice.
        const write = pending.writes;
        this.afterDelay(
          () => this.resendIfUnanswered(from, pending, write),
          FIRST_RETRY_AFTER_INTERNAL_MS * 2 ** (internalErrors - 1),
        );
        return;
      }
      this.sends.delete(pending.id);
      pending.reject(error);
      return;
    }
    const reply = frame.ref === undefined ? undefined : this.requests.get(frame.ref);
    if (reply !== undefined) {
      this.requests.delete(frame.ref!);
      clearTimeout(reply.timer);
      reply.reject(error);
    }
  }

  /** The primary approved this connection's link code: the connection is that device now. */
  private onLinked(from: Session, linked: Linked): void {
    const credentials = { phone: linked.phone, deviceId: linked.deviceId, deviceKey: linked.deviceKey };
    const awaited = [...this.linksAwaited];
    this.linksAwaited.clear();
    awaited.forEach((link) => link.resolve(credentials));
    if (from === this.session && from.open) {
      this.adopt(from, credentials);
    } else {
      this.credentials = credentials;
    }
  }

  /**
   * API Gateway answered one of this connection's requests itself (an invocation crashed): which
   * one it does not say, so the catch-up's sync is asked again now and every unanswered send goes
   * again shortly, with its id.
   */
  private answerLost(on: Session): void {
    const sync = on.syncAsked === undefined ? undefined : this.requests.get(on.syncAsked);
    if (sync !== undefined) {
      this.requests.delete(on.syncAsked!);
      clearTimeout(sync.timer);
      sync.reject(new CheckmarkError("INTERNAL", "the sync's answer was lost"));
    }
    for (const pending of this.sends.values()) {
      const write = pending.writes;
      this.afterDelay(() => this.resendIfUnanswered(on, pending, write), FIRST_RETRY_AFTER_INTERNAL_MS);
    }
  }

  private writeSend(on: Session, pending: PendingSend): void {
    const write = ++pending.writes;
    on.socket.send(pending.frame);
    this.afterDelay(
      () => this.resendIfUnanswered(on, pending, write),
      this.settings.resendUnansweredAfterMs,
    );
  }

  private resendIfUnanswered(on: Session, pending: PendingSend, write: number): void {
    if (
      pending.writes === write &&
      this.sends.get(pending.id) === pending &&
      this.session === on &&
      on.open &&
      on.loggedIn
    ) {
      this.writeSend(on, pending);
    }
  }

  private writeUnanswered(on: Session): void {
    for (const pending of [...this.sends.values()]) {
      this.writeSend(on, pending);
    }
  }

  /**
   * Syncs until the server has no more, holding live pushes meanwhile. A sync whose reply did not
   * come is asked again on the same connection, later each time; after three, the connection is
   * made again, so that held pushes do not wait for ever.
   */
  private async syncAll(on: Session, failedSyncs: number): Promise<void> {
    on.catchUp();
    try {
      await this.syncUntilEmpty(on);
    } catch {
      if (on.open && failedSyncs + 1 >= SYNC_TRIES_PER_CONNECTION) {
        this.ended(on);
      } else if (on.open) {
        const delay = Math.min(LONGEST_SYNC_RETRY_MS, this.settings.minBackoffMs * 2 ** failedSyncs);
        this.afterDelay(() => {
          if (on.open && this.session === on) {
            void this.syncAll(on, failedSyncs + 1);
          }
        }, delay);
      }
      return;
    }
    on.caughtUp();
    this.settled();
  }

  /** Every page goes on `on`: a new connection has a catch-up of its own. */
  private async syncUntilEmpty(on: Session): Promise<void> {
    for (;;) {
      const acksBefore = this.acksQueued;
      const refusalsBefore = this.listenerRefusals;
      const { ref, reply } = this.requestOn(on, { action: "sync", limit: this.settings.syncPageSize });
      on.syncAsked = ref;
      const synced = await reply;
      if (synced.type !== "synced") {
        throw new CheckmarkError("UNEXPECTED_REPLY", `expected synced but got ${synced.type}`);
      }
      await this.events;
      await this.ackedAllDelivered();
      // A page the app refused whole would come back unchanged: its items wait for the next connect.
      const refusedWhole = this.listenerRefusals > refusalsBefore && this.acksQueued === acksBefore;
      if (!synced.more || refusedWhole) {
        return;
      }
    }
  }

  private runInOrder(delivery: () => void | Promise<void>): void {
    // A failed delivery must not stop the ones after it.
    this.events = this.events.then(delivery).catch(() => undefined);
  }

  /**
   * Hands items to the app once each (push and sync may both bring one), then acks them: a page's
   * items in as few frames as an ack holds.
   */
  private async deliver(items: readonly QueueItem[]): Promise<void> {
    const unseen = items.filter((item) => !this.seen.has(item.messageId));
    if (unseen.length > 0) {
      try {
        await this.settings.listener.onItems(unseen);
      } catch {
        // Not acked: the items come back at the next sync.
        this.listenerRefusals++;
        return;
      }
      unseen.forEach((item) => this.remember(item.messageId));
    }
    items.forEach((item) => this.ackLater(item.messageId));
  }

  private remember(messageId: string): void {
    this.seen.add(messageId);
    if (this.seen.size > SEEN_IDS_REMEMBERED) {
      this.seen.delete(this.seen.values().next().value!);
    }
  }

  private ackLater(messageId: string): void {
    this.acksQueued++;
    this.acksDue.push(messageId);
    if (this.acksDue.length === 1) {
      this.afterDelay(() => void this.flushAcks(), this.settings.ackDelayMs);
    }
  }

  /** Sends the acks due, at most 100 ids a frame; an ack that does not arrive is harmless. */
  private flushAcks(): void {
    const due = this.acksDue;
    this.acksDue = [];
    const confirmations: Promise<unknown>[] = [];
    for (let start = 0; start < due.length; start += MAX_IDS_PER_ACK) {
      const messageIds = due.slice(start, start + MAX_IDS_PER_ACK);
      confirmations.push(this.request({ action: "ack", messageIds }, "acked").catch(() => undefined));
    }
    const confirmed: Promise<void> = Promise.all(confirmations).then(() => {
      this.acksUnconfirmed.delete(confirmed);
    });
    this.acksUnconfirmed.add(confirmed);
  }

  /** Completes once every ack sent so far is confirmed: a next page must not bring them again. */
  private async ackedAllDelivered(): Promise<void> {
    this.flushAcks();
    await Promise.all([...this.acksUnconfirmed]);
  }

  private ended(session: Session): void {
    if (session.ended) {
      return;
    }
    session.ended = true;
    session.open = false;
    session.timers.forEach((timer) => clearTimeout(timer));
    session.socket.onclose = null;
    session.socket.onmessage = null;
    session.socket.close();
    for (const [ref, pending] of this.requests) {
      this.requests.delete(ref);
      clearTimeout(pending.timer);
      pending.reject(new CheckmarkError("NOT_CONNECTED", "disconnected"));
    }
    // A link code is bound to the connection that asked for it: it cannot be approved any more.
    this.failLinks(new CheckmarkError("LINK_EXPIRED", "the connection closed before the code was approved"));
    if (!this.stopped) {
      this.setState("offline");
      this.reconnectLater();
    }
  }

  private reconnectLater(): void {
    if (this.stopped) {
      return;
    }
    const delay = backoffDelay(
      this.failedAttempts++,
      this.settings.minBackoffMs,
      this.settings.maxBackoffMs,
      this.settings.random,
    );
    this.nextOpen = this.afterDelay(() => this.open(), delay);
  }

  /**
   * The backoff starts again only once a connection has synced: a server that accepts connections
   * and then refuses them everything is retried ever more slowly.
   */
  private settled(): void {
    this.failedAttempts = 0;
  }

  /** Stops for good: every send not yet accepted and every awaited link fail with `why`. */
  private stop(why: CheckmarkError): void {
    this.stopped = true;
    for (const pending of this.sends.values()) {
      pending.reject(why);
    }
    this.sends.clear();
    this.failLinks(why);
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    if (this.session !== undefined) {
      this.ended(this.session);
    }
    this.setState("offline");
  }

  private failLinks(why: CheckmarkError): void {
    const awaited = [...this.linksAwaited];
    this.linksAwaited.clear();
    awaited.forEach((link) => link.reject(why));
  }

  private afterDelay(task: () => void, delayMs: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, delayMs);
    this.timers.add(timer);
    return timer;
  }
}
