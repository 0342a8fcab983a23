// The app's state and what the user can do, free of rendering: the connection, the storage and the
// media transfers meet here. The UI renders from this object and calls its methods; it re-renders
// whenever the model notifies.

import { CheckmarkError, Connection, type ConnectionState } from "./connection";
import { describeError } from "./errors";
import { GROUP_PREFIX, groupPeer, History, isGroup, type Change } from "./history";
import { decryptMedia, encryptMedia } from "./media";
import { normalizePhone, parsePhoneList } from "./phone";
import type { Address, Credentials, Device, FrameOfType, Media, QueueItem, ServerFrame } from "./protocol";
import { Store, type Chat, type OutboxEntry, type Peer, type StoredMessage } from "./store";
import { jpegThumbnail } from "./thumbnail";
import { download, upload } from "./transfer";
import { TypingIndicators } from "./typing";

export interface Config {
  webSocketUrl: string;
  localStack?: boolean;
  smsCaptureUrl?: string;
}

export type Screen = "loading" | "welcome" | "chats";

export interface WelcomeState {
  busy: boolean;
  pinSentTo?: string;
  link?: { code: string; expiresAt: number };
}

export interface PresenceView {
  phone: string;
  online: boolean;
  lastSeen: number | null;
}

export interface OpenedMedia {
  url: string;
  image: boolean;
  name: string;
}

/** How long a peer shows as typing after its last `typing`, which it repeats every 3 s. */
const TYPING_SHOWN_MS = 6_000;
const PRESENCE_REFRESH_MS = 30_000;
/** Typing refreshes presence too, but not more often than this: presence is rate-limited. */
const PRESENCE_ON_TYPING_MIN_MS = 10_000;
const READY_WAIT_MS = 15_000;
const MAX_IDS_PER_READ = 100;

export function addressOf(peer: Peer): Address {
  return isGroup(peer) ? { group: peer.slice(GROUP_PREFIX.length) } : { to: peer };
}

/** How this browser is named in the account's device list, e.g. "Chromium on Linux". */
export function deviceName(): string {
  const agent = navigator.userAgent;
  const brands =
    (navigator as Navigator & { userAgentData?: { brands: { brand: string }[] } }).userAgentData?.brands.map(
      (entry) => entry.brand,
    ) ?? [];
  const browser = /Edg\//.test(agent)
    ? "Edge"
    : /OPR\//.test(agent)
      ? "Opera"
      : /Firefox\//.test(agent)
        ? "Firefox"
        : /Chrome\//.test(agent)
          ? brands.includes("Google Chrome")
            ? "Chrome"
            : "Chromium"
          : /Safari\//.test(agent)
            ? "Safari"
            : "A browser";
  const system = /Android/.test(agent)
    ? "Android"
    : /iPhone|iPad/.test(agent)
      ? "iOS"
      : /Windows/.test(agent)
        ? "Windows"
        : /Mac OS X/.test(agent)
          ? "macOS"
          : /CrOS/.test(agent)
            ? "ChromeOS"
            : /Linux/.test(agent)
              ? "Linux"
              : "an unknown system";
  return `${browser} on ${system}`;
}

class UserError extends Error {}

async function loadConfig(): Promise<Config> {
  let response: Response;
  try {
    response = await fetch("config.json", { cache: "no-cache" });
  } catch {
    throw new UserError("config.json could not be fetched: check that the server of this page is up, then reload.");
  }
  const config: unknown = response.ok ? await response.json().catch(() => undefined) : undefined;
  if (typeof config !== "object" || config === null || typeof (config as Config).webSocketUrl !== "string") {
    throw new UserError(
      "config.json is missing next to this page (or names no webSocketUrl): upload it with the API's WebSocket URL, then reload.",
    );
  }
  return config as Config;
}

/** A conversation in messageId order, as the protocol orders it; unsent messages last. */
function byOrder(messages: StoredMessage[]): StoredMessage[] {
  return messages.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
}

function byLatest(chats: Chat[]): Chat[] {
  return [...chats].sort((a, b) => b.lastTs - a.lastTs || a.peer.localeCompare(b.peer));
}

export class Model {
  screen: Screen = "loading";
  config: Config | undefined;
  connectionState: ConnectionState = "connecting";
  error: string | undefined;
  credentials: Credentials | undefined;
  welcome: WelcomeState = { busy: false };
  chats: Chat[] = [];
  openPeer: Peer | undefined;
  messages: StoredMessage[] = [];
  presence: PresenceView | undefined;
  typing = new Map<Peer, string>();
  blocked = new Set<string>();
  /** Uploads under way, by client id: the fraction sent. */
  uploads = new Map<string, number>();
  /** Files fetched and decrypted, by message key. */
  media = new Map<string, OpenedMedia>();
  mediaLoading = new Set<string>();
  devicesOpen = false;
  blockedOpen = false;
  devices: Device[] | undefined;
  groupFormOpen = false;
  groupInfoOpen = false;
  receiptDetailsKey: string | undefined;

  private store!: Store;
  private history!: History;
  private connection: Connection | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly readyWaiters = new Set<() => void>();
  private readonly typingTimers = new Map<Peer, ReturnType<typeof setTimeout>>();
  private readonly typingIndicators = new TypingIndicators<Peer>((peer, state) =>
    this.connection?.typing(addressOf(peer), state),
  );
  private readonly dispatched = new Set<string>();
  private readonly uploading = new Set<string>();
  private readonly seenDue = new Set<string>();
  private readonly readsDue = new Map<string, StoredMessage>();
  private seenTimer: ReturnType<typeof setTimeout> | undefined;
  private presenceTimer: ReturnType<typeof setInterval> | undefined;
  private presenceAskedAt = 0;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    this.listeners.forEach((listener) => listener());
  }

  async start(): Promise<void> {
    const configLoaded = loadConfig();
    try {
      this.store = await Store.open();
    } catch {
      this.screen = "welcome";
      this.connectionState = "offline";
      this.error = "This browser does not let the page keep data (IndexedDB): allow site storage, then reload.";
      this.notify();
      return;
    }
    this.history = new History(this.store, () => this.credentials?.phone ?? "");
    this.credentials = await this.store.credentials();
    if (this.credentials !== undefined) {
      this.chats = byLatest(await this.store.chats());
      this.blocked = new Set(await this.store.blocked());
      this.screen = "chats";
    } else {
      this.screen = "welcome";
    }
    this.notify();
    try {
      this.config = await configLoaded;
    } catch (failure) {
      this.connectionState = "offline";
      this.fail(failure);
      return;
    }
    window.addEventListener("online", () => this.connection?.wake());
    this.connect();
    for (const entry of await this.store.outbox()) {
      if (entry.media !== undefined || entry.file === undefined) {
        this.dispatch(entry);
      }
    }
  }

  private connect(): void {
    const connection: Connection = new Connection({
      url: this.config!.webSocketUrl,
      credentials: this.credentials,
      isOnline: () => navigator.onLine,
      listener: {
        onState: (state) => {
          if (connection !== this.connection) {
            return;
          }
          this.connectionState = state;
          if (state === "connected") {
            this.readyWaiters.forEach((ready) => ready());
          }
          this.notify();
        },
        onItems: (items) => this.received(connection, items),
        onTyping: (frame) => this.peerTyping(frame),
        onLoggedIn: (credentials) => void this.loggedIn(connection, credentials),
        onSignedOut: (error) => void this.signedOut(connection, error),
      },
    });
    this.connection = connection;
    connection.connect();
  }

  /** The connection, once it is up (logged in when this browser has credentials). */
  private ready(): Promise<Connection> {
    const connection = this.connection;
    if (connection === undefined) {
      return Promise.reject(new CheckmarkError("NOT_CONNECTED", "no connection"));
    }
    if (this.connectionState === "connected") {
      return Promise.resolve(connection);
    }
    return new Promise((resolve, reject) => {
      const ready = () => {
        clearTimeout(timer);
        this.readyWaiters.delete(ready);
        resolve(connection);
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(ready);
        reject(new CheckmarkError("NOT_CONNECTED", "not connected"));
      }, READY_WAIT_MS);
      this.readyWaiters.add(ready);
    });
  }

  private async request<T extends ServerFrame["type"]>(
    fields: Record<string, unknown>,
    expected: T,
  ): Promise<FrameOfType<T>> {
    return (await this.ready()).request(fields, expected);
  }

  private fail(failure: unknown): void {
    this.error = failure instanceof UserError ? failure.message : describeError(failure);
    this.notify();
  }

  private say(problem: string): void {
    this.fail(new UserError(problem));
  }

  dismissError(): void {
    this.error = undefined;
    this.notify();
  }

  /** Runs a user's action: the last error goes, and a failure becomes the error line. */
  private async act(work: () => Promise<void>): Promise<void> {
    this.error = undefined;
    this.notify();
    try {
      await work();
      this.notify();
    } catch (failure) {
      this.fail(failure);
    }
  }

  private apply(change: Change): void {
    if (change.chats.length > 0) {
      const changed = new Map(change.chats.map((chat) => [chat.peer, chat]));
      this.chats = byLatest([...this.chats.filter((chat) => !changed.has(chat.peer)), ...changed.values()]);
    }
    const shown = change.messages.filter((message) => message.peer === this.openPeer);
    if (shown.length > 0) {
      const keys = new Set(shown.map((message) => message.key));
      this.messages = byOrder([...this.messages.filter((message) => !keys.has(message.key)), ...shown]);
    }
    if (change.chats.length > 0 || change.messages.length > 0) {
      this.notify();
    }
  }

  // --- The connection's events ---

  private async received(connection: Connection, items: readonly QueueItem[]): Promise<void> {
    if (connection !== this.connection) {
      throw new Error("a connection that was replaced");
    }
    this.apply(await this.history.recordItems(items));
    for (const item of items) {
      if (item.type === "message") {
        this.stopShowingTyping(item.group !== undefined ? groupPeer(item.group) : item.from);
      }
    }
  }

  private async loggedIn(connection: Connection, credentials: Credentials): Promise<void> {
    const known = this.credentials;
    this.credentials = credentials;
    if (this.screen !== "chats") {
      this.screen = "chats";
      this.welcome = { busy: false };
      this.error = undefined;
    }
    this.notify();
    if (known?.deviceKey !== credentials.deviceKey || known.phone !== credentials.phone) {
      await this.store.saveCredentials(credentials);
    }
    if (connection !== this.connection) {
      return;
    }
    void this.refreshBlocked();
    void this.refreshPresence();
    void this.sendReads();
    for (const entry of await this.store.outbox()) {
      if (entry.media === undefined && entry.file !== undefined) {
        void this.upload(entry);
      } else {
        this.dispatch(entry);
      }
    }
  }

  /** This device's key is dead: its history goes, and the page starts again at the welcome. */
  private async signedOut(connection: Connection, error: CheckmarkError): Promise<void> {
    if (connection !== this.connection) {
      return;
    }
    this.connection = undefined;
    connection.close();
    await this.store.wipe();
    this.closePresence();
    this.media.forEach((opened) => URL.revokeObjectURL(opened.url));
    this.screen = "welcome";
    this.credentials = undefined;
    this.welcome = { busy: false };
    this.chats = [];
    this.openPeer = undefined;
    this.messages = [];
    this.blocked = new Set();
    this.devicesOpen = false;
    this.blockedOpen = false;
    this.devices = undefined;
    this.groupFormOpen = false;
    this.groupInfoOpen = false;
    this.receiptDetailsKey = undefined;
    this.typing.clear();
    this.uploads.clear();
    this.media.clear();
    this.readsDue.clear();
    this.fail(error);
    this.connect();
  }

  private peerTyping(frame: FrameOfType<"typing">): void {
    if (frame.from === this.credentials?.phone) {
      return;
    }
    const peer = frame.group !== undefined ? groupPeer(frame.group) : frame.from;
    if (frame.state === "paused") {
      this.stopShowingTyping(peer);
      return;
    }
    clearTimeout(this.typingTimers.get(peer));
    this.typing.set(peer, frame.from);
    this.typingTimers.set(
      peer,
      setTimeout(() => this.stopShowingTyping(peer), TYPING_SHOWN_MS),
    );
    this.notify();
    if (peer === this.openPeer && Date.now() - this.presenceAskedAt >= PRESENCE_ON_TYPING_MIN_MS) {
      void this.refreshPresence();
    }
  }

  private stopShowingTyping(peer: Peer): void {
    clearTimeout(this.typingTimers.get(peer));
    this.typingTimers.delete(peer);
    if (this.typing.delete(peer)) {
      this.notify();
    }
  }

  // --- Welcome: register by PIN, or link to a phone ---

  requestPin(typed: string): Promise<void> {
    return this.act(async () => {
      const phone = normalizePhone(typed);
      if (phone === undefined) {
        this.say("Type the number with + and the country code, e.g. +14155550101.");
        return;
      }
      this.welcome = { ...this.welcome, busy: true };
      try {
        const connection = await this.ready();
        const sent = await connection.requestPin(phone);
        this.welcome = { ...this.welcome, pinSentTo: sent.phone };
      } finally {
        this.welcome = { ...this.welcome, busy: false };
        this.notify();
      }
    });
  }

  verifyPin(typed: string): Promise<void> {
    return this.act(async () => {
      const pin = typed.trim();
      const phone = this.welcome.pinSentTo;
      if (phone === undefined) {
        return;
      }
      if (!/^\d{6}$/.test(pin)) {
        this.say("The PIN is the 6 digits in the SMS. Type them again.");
        return;
      }
      this.welcome = { ...this.welcome, busy: true };
      this.notify();
      try {
        const connection = await this.ready();
        await connection.verifyPin(phone, pin);
      } finally {
        this.welcome = { ...this.welcome, busy: false };
        this.notify();
      }
    });
  }

  startLink(): Promise<void> {
    return this.act(async () => {
      this.welcome = { ...this.welcome, busy: true, link: undefined };
      this.notify();
      try {
        const connection = await this.ready();
        const pending = await connection.requestLink(deviceName());
        const link = { code: pending.code, expiresAt: Date.now() + pending.expiresInSeconds * 1000 };
        this.welcome = { ...this.welcome, link };
        pending.linked.catch((failure: unknown) => {
          if (this.welcome.link === link) {
            this.welcome = { ...this.welcome, link: undefined };
            this.fail(failure);
          }
        });
      } finally {
        this.welcome = { ...this.welcome, busy: false };
        this.notify();
      }
    });
  }

  // --- Chats ---

  openChat(peer: Peer): void {
    if (this.openPeer !== undefined && this.openPeer !== peer) {
      this.typingIndicators.stopped(this.openPeer);
    }
    this.openPeer = peer;
    this.messages = [];
    this.presence = undefined;
    this.groupInfoOpen = false;
    this.receiptDetailsKey = undefined;
    this.notify();
    void this.store.messagesOf(peer).then((stored) => {
      if (this.openPeer === peer) {
        // What arrived while the history was read is newer than what was read.
        const arrived = new Set(this.messages.map((message) => message.key));
        this.messages = byOrder([...stored.filter((message) => !arrived.has(message.key)), ...this.messages]);
        this.notify();
      }
    });
    this.closePresence();
    if (!isGroup(peer)) {
      void this.refreshPresence();
      this.presenceTimer = setInterval(() => void this.refreshPresence(), PRESENCE_REFRESH_MS);
    }
  }

  closeChat(): void {
    if (this.openPeer !== undefined) {
      this.typingIndicators.stopped(this.openPeer);
    }
    this.openPeer = undefined;
    this.messages = [];
    this.closePresence();
    this.notify();
  }

  private closePresence(): void {
    clearInterval(this.presenceTimer);
    this.presenceTimer = undefined;
    this.presence = undefined;
  }

  newChat(typed: string): Promise<void> {
    return this.act(async () => {
      const phone = normalizePhone(typed);
      if (phone === undefined) {
        this.say("Type the number with + and the country code, e.g. +14155550101.");
        return;
      }
      if (phone === this.credentials?.phone) {
        this.say("That is your own number. Type the number of the person to write to.");
        return;
      }
      this.openChat(phone);
    });
  }

  chatOf(peer: Peer): Chat | undefined {
    return this.chats.find((chat) => chat.peer === peer);
  }

  private async refreshPresence(): Promise<void> {
    const peer = this.openPeer;
    if (peer === undefined || isGroup(peer) || this.connection?.isLoggedIn() !== true) {
      return;
    }
    this.presenceAskedAt = Date.now();
    try {
      const presence = await this.connection.request({ action: "presence", phone: peer }, "presence");
      if (this.openPeer !== peer) {
        return;
      }
      if (presence.phone !== peer && this.messages.length === 0 && this.chatOf(peer) === undefined) {
        // The number as typed was another spelling of this one: the chat goes by the server's form.
        this.openChat(presence.phone);
        return;
      }
      this.presence = { phone: presence.phone, online: presence.online, lastSeen: presence.lastSeen };
      this.notify();
    } catch (failure) {
      // Presence is a courtesy; only a number that is not on Checkmark is worth saying.
      if (failure instanceof CheckmarkError && failure.code === "UNKNOWN_RECIPIENT" && this.openPeer === peer) {
        this.say(`${peer} is not on Checkmark. Check the number.`);
      }
    }
  }

  // --- Sending ---

  keystroke(text: string): void {
    const peer = this.openPeer;
    if (peer === undefined) {
      return;
    }
    if (text === "") {
      this.typingIndicators.stopped(peer);
    } else {
      this.typingIndicators.keystroke(peer);
    }
  }

  private canSendTo(peer: Peer): boolean {
    const chat = this.chatOf(peer);
    if (isGroup(peer) && chat?.members !== undefined && !chat.members.includes(this.credentials?.phone ?? "")) {
      this.say("You are not a member of this group any more, so you cannot write in it.");
      return false;
    }
    return true;
  }

  sendText(text: string): Promise<void> {
    return this.act(async () => {
      const peer = this.openPeer;
      const body = text.trim();
      if (peer === undefined || body === "" || !this.canSendTo(peer)) {
        return;
      }
      this.typingIndicators.stopped(peer);
      const entry: OutboxEntry = { id: crypto.randomUUID(), peer, address: addressOf(peer), body };
      this.apply(await this.history.recordSend(entry, undefined));
      this.dispatch(entry);
    });
  }

  sendFile(file: File): Promise<void> {
    return this.act(async () => {
      const peer = this.openPeer;
      if (peer === undefined || !this.canSendTo(peer)) {
        return;
      }
      const mimeType = file.type === "" ? "application/octet-stream" : file.type;
      const thumbnail = mimeType.startsWith("image/") ? await jpegThumbnail(file) : undefined;
      const entry: OutboxEntry = {
        id: crypto.randomUUID(),
        peer,
        address: addressOf(peer),
        file,
        fileName: file.name,
        mimeType,
        thumbnail,
      };
      this.uploads.set(entry.id, 0);
      this.apply(await this.history.recordSend(entry, { mimeType, name: file.name, thumbnail }));
      void this.upload(entry);
    });
  }

  /** Hands a send to the connection, once, however often the outbox is gone through. */
  private dispatch(entry: OutboxEntry): void {
    const connection = this.connection;
    if (connection === undefined || this.dispatched.has(entry.id)) {
      return;
    }
    this.dispatched.add(entry.id);
    connection.send(entry.address, entry.id, entry.body, entry.media).then(
      async (accepted) => {
        this.dispatched.delete(entry.id);
        if (connection === this.connection) {
          this.apply(await this.history.recordAccepted(accepted));
        }
      },
      async (failure: unknown) => {
        this.dispatched.delete(entry.id);
        if (connection === this.connection) {
          this.apply(await this.history.recordFailed(entry.id, describeError(failure)));
          this.fail(failure);
        }
      },
    );
  }

  /** Encrypts, uploads and then sends a file; a lost connection leaves it in the outbox for later. */
  private async upload(entry: OutboxEntry): Promise<void> {
    const connection = this.connection;
    if (this.uploading.has(entry.id) || entry.file === undefined || connection === undefined) {
      return;
    }
    this.uploading.add(entry.id);
    this.uploads.set(entry.id, 0);
    this.notify();
    try {
      const mimeType = entry.mimeType ?? "application/octet-stream";
      const encrypted = await encryptMedia(new Uint8Array(await entry.file.arrayBuffer()));
      const grant = await this.request(
        { action: "requestUpload", mimeType, size: encrypted.size, sha256: encrypted.sha256 },
        "uploadUrl",
      );
      await upload(grant.url, grant.headers, encrypted.blob, (fraction) => {
        this.uploads.set(entry.id, fraction);
        this.notify();
      });
      const media: Media = {
        mediaId: grant.mediaId,
        mimeType,
        size: encrypted.size,
        sha256: encrypted.sha256,
        key: encrypted.key,
        thumbnail: entry.thumbnail,
        name: entry.fileName,
      };
      const uploaded = await this.history.recordUploaded(entry.id, media);
      this.messages = this.messages.map((message) =>
        message.clientId === entry.id && message.direction === "out" ? { ...message, media } : message,
      );
      if (uploaded !== undefined && connection === this.connection) {
        this.dispatch(uploaded);
      }
    } catch (failure) {
      const later =
        failure instanceof CheckmarkError && (failure.code === "NOT_CONNECTED" || failure.code === "TIMEOUT");
      if (connection === this.connection && !later) {
        this.apply(await this.history.recordFailed(entry.id, describeError(failure)));
        this.fail(failure);
      }
    } finally {
      this.uploading.delete(entry.id);
      this.uploads.delete(entry.id);
      this.notify();
    }
  }

  openMedia(message: StoredMessage): Promise<void> {
    const media = message.media;
    if (
      media?.mediaId === undefined ||
      media.key === undefined ||
      media.sha256 === undefined ||
      this.media.has(message.key) ||
      this.mediaLoading.has(message.key)
    ) {
      return Promise.resolve();
    }
    return this.act(async () => {
      this.mediaLoading.add(message.key);
      this.notify();
      try {
        const grant = await this.request({ action: "requestDownload", mediaId: media.mediaId }, "downloadUrl");
        const plaintext = await decryptMedia(await download(grant.url), media.key!, media.sha256!);
        const type = media.mimeType ?? "application/octet-stream";
        this.media.set(message.key, {
          url: URL.createObjectURL(new Blob([plaintext], { type })),
          image: type.startsWith("image/"),
          name: media.name ?? "file",
        });
      } finally {
        this.mediaLoading.delete(message.key);
        this.notify();
      }
    });
  }

  // --- Read receipts ---

  /** An incoming message is on screen while the tab is visible. */
  seen(message: StoredMessage): void {
    if (message.direction !== "in" || message.messageId === undefined || message.readSent) {
      return;
    }
    if (!message.seen) {
      this.seenDue.add(message.key);
    }
    this.readsDue.set(message.key, message);
    if (this.seenTimer === undefined) {
      // Messages come on screen in bursts: one write and one receipt per sender for a burst.
      this.seenTimer = setTimeout(() => {
        this.seenTimer = undefined;
        void this.recordSeen().then(() => this.sendReads());
      }, 100);
    }
  }

  private async recordSeen(): Promise<void> {
    const keys = [...this.seenDue];
    this.seenDue.clear();
    if (keys.length > 0) {
      this.apply(await this.history.recordSeen(keys));
    }
  }

  /** Read receipts for what was seen, per sender (and group), once logged in; kept until answered. */
  private async sendReads(): Promise<void> {
    const connection = this.connection;
    if (connection?.isLoggedIn() !== true || this.readsDue.size === 0) {
      return;
    }
    const bySender = new Map<string, StoredMessage[]>();
    for (const message of this.readsDue.values()) {
      const group = isGroup(message.peer) ? message.peer.slice(GROUP_PREFIX.length) : "";
      const key = `${message.from} ${group}`;
      bySender.set(key, [...(bySender.get(key) ?? []), message]);
    }
    for (const messages of bySender.values()) {
      for (let start = 0; start < messages.length; start += MAX_IDS_PER_READ) {
        const batch = messages.slice(start, start + MAX_IDS_PER_READ);
        const first = batch[0]!;
        const read: Record<string, unknown> = {
          action: "read",
          to: first.from,
          messageIds: batch.map((message) => message.messageId),
        };
        if (isGroup(first.peer)) {
          read.group = first.peer.slice(GROUP_PREFIX.length);
        }
        try {
          await connection.request(read, "receiptSent");
        } catch {
          // Asked again at the next login, or with the next message seen.
          continue;
        }
        batch.forEach((message) => this.readsDue.delete(message.key));
        this.apply(await this.history.recordReadSent(batch.map((message) => message.key)));
      }
    }
  }

  // --- Blocking, groups, devices ---

  private async refreshBlocked(): Promise<void> {
    try {
      const list = await this.request({ action: "listBlocked" }, "blockList");
      this.blocked = new Set(list.phones);
      await this.store.saveBlocked(list.phones);
      this.notify();
    } catch {
      // The stored list stands until the next login.
    }
  }

  toggleBlock(): Promise<void> {
    const peer = this.openPeer;
    if (peer === undefined || isGroup(peer)) {
      return Promise.resolve();
    }
    return this.setBlocked(peer, !this.blocked.has(peer));
  }

  /** Blocks or unblocks a number, from its conversation or from the block list. */
  setBlocked(phone: string, block: boolean): Promise<void> {
    return this.act(async () => {
      const blocked = new Set(this.blocked);
      if (block) {
        const answer = await this.request({ action: "block", phone }, "blocked");
        blocked.add(answer.phone);
        blocked.add(phone);
      } else {
        const answer = await this.request({ action: "unblock", phone }, "unblocked");
        blocked.delete(answer.phone);
        blocked.delete(phone);
      }
      this.blocked = blocked;
      await this.store.saveBlocked([...blocked]);
      this.notify();
    });
  }

  openBlocked(): void {
    this.blockedOpen = true;
    this.notify();
    void this.refreshBlocked();
  }

  closeBlocked(): void {
    this.blockedOpen = false;
    this.notify();
  }

  toggleGroupForm(): void {
    this.groupFormOpen = !this.groupFormOpen;
    this.notify();
  }

  createGroup(name: string, membersTyped: string): Promise<void> {
    return this.act(async () => {
      const groupName = name.trim();
      if (groupName === "" || groupName.length > 100) {
        this.say("A group's name has 1 to 100 characters.");
        return;
      }
      const { phones, invalid } = parsePhoneList(membersTyped);
      if (invalid.length > 0) {
        this.say(`${invalid[0]} is not a phone number: type members with + and the country code.`);
        return;
      }
      const members = phones.filter((phone) => phone !== this.credentials?.phone);
      if (members.length === 0) {
        this.say("Add at least one member: their phone numbers, separated by commas.");
        return;
      }
      const created = await this.request({ action: "createGroup", name: groupName, members }, "groupCreated");
      this.apply(await this.history.recordGroup(created));
      this.groupFormOpen = false;
      this.openChat(groupPeer(created.groupId));
    });
  }

  toggleGroupInfo(): Promise<void> {
    const peer = this.openPeer;
    this.groupInfoOpen = !this.groupInfoOpen;
    this.notify();
    if (!this.groupInfoOpen || peer === undefined || !isGroup(peer)) {
      return Promise.resolve();
    }
    return this.act(async () => {
      const group = await this.request({ action: "getGroup", groupId: peer.slice(GROUP_PREFIX.length) }, "group");
      this.apply(await this.history.recordGroup(group));
    });
  }

  toggleReceiptDetails(key: string): void {
    this.receiptDetailsKey = this.receiptDetailsKey === key ? undefined : key;
    this.notify();
  }

  openDevices(): Promise<void> {
    this.devicesOpen = true;
    this.devices = undefined;
    this.notify();
    return this.act(async () => {
      const listed = await this.request({ action: "listDevices" }, "devices");
      this.devices = listed.devices;
    });
  }

  closeDevices(): void {
    this.devicesOpen = false;
    this.notify();
  }

  /** On the primary: approves the code another device shows, which becomes a linked device. */
  approveLink(typedCode: string): Promise<void> {
    return this.act(async () => {
      const code = typedCode.trim();
      if (code === "") {
        this.say("Paste the code the other device shows under its QR code.");
        return;
      }
      await this.request({ action: "approveLink", code }, "deviceLinked");
      const listed = await this.request({ action: "listDevices" }, "devices");
      this.devices = listed.devices;
    });
  }

  unlinkDevice(deviceId: number): Promise<void> {
    return this.act(async () => {
      await this.request({ action: "unlinkDevice", deviceId }, "deviceUnlinked");
      if (deviceId === this.credentials?.deviceId && this.connection !== undefined) {
        // The server made this connection anonymous: this browser is signed out as if unlinked.
        await this.signedOut(
          this.connection,
          new CheckmarkError("DEVICE_UNLINKED", "this device was unlinked from its account"),
        );
        return;
      }
      const listed = await this.request({ action: "listDevices" }, "devices");
      this.devices = listed.devices;
    });
  }
}
