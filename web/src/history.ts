// What the device keeps of its conversations, and how each frame changes it: every change is one
// IndexedDB transaction, and returns the records it wrote so that the app shows what is stored.

import type {
  Accepted,
  GroupCreated,
  GroupFrame,
  GroupUpdated,
  GroupUpdateFrame,
  Media,
  MessageFrame,
  QueueItem,
  ReceiptFrame,
} from "./protocol";
import type { Chat, EarlyReceipt, OutboxEntry, OutStatus, Peer, Store, StoredMessage, Tx } from "./store";

export const GROUP_PREFIX = "group:";

export interface Change {
  chats: Chat[];
  messages: StoredMessage[];
}

const NO_CHANGE: Change = { chats: [], messages: [] };

export function groupPeer(groupId: string): Peer {
  return GROUP_PREFIX + groupId;
}

export function isGroup(peer: Peer): boolean {
  return peer.startsWith(GROUP_PREFIX);
}

/** What the chat list shows of a message. */
function preview(body: string | undefined, media: Media | undefined): string {
  if (body !== undefined && body !== "") {
    return body;
  }
  if (media === undefined) {
    return "";
  }
  return media.mimeType?.startsWith("image/") ? "📷 Photo" : `📎 ${media.name ?? "File"}`;
}

const STATUS_RANK: Record<OutStatus, number> = { failed: -1, pending: 0, accepted: 1, delivered: 2, read: 3 };

/** Statuses only go forward: a late `delivered` never undoes a `read`. */
function later(current: OutStatus | undefined, next: OutStatus): OutStatus {
  return current !== undefined && STATUS_RANK[current] >= STATUS_RANK[next] ? current : next;
}

/** A group message is delivered once every recipient has it, and read once every one read it. */
function groupStatus(message: StoredMessage): OutStatus {
  const recipients = message.recipients ?? [];
  if (recipients.length === 0) {
    return "accepted";
  }
  if (recipients.every((phone) => message.readBy?.includes(phone))) {
    return "read";
  }
  if (recipients.every((phone) => message.deliveredTo?.includes(phone))) {
    return "delivered";
  }
  return "accepted";
}

function union(list: string[] | undefined, more: string[]): string[] {
  return [...new Set([...(list ?? []), ...more])];
}

/** Applies receipts to one of this account's own messages. */
function withReceipts(message: StoredMessage, deliveredTo: string[], readBy: string[]): StoredMessage {
  if (isGroup(message.peer)) {
    const updated = {
      ...message,
      // A member can only read what reached it: a read counts as delivered too.
      deliveredTo: union(message.deliveredTo, [...deliveredTo, ...readBy]),
      readBy: union(message.readBy, readBy),
    };
    return { ...updated, status: later(message.status, groupStatus(updated)) };
  }
  const status = readBy.length > 0 ? "read" : deliveredTo.length > 0 ? "delivered" : "accepted";
  return { ...message, status: later(message.status, status) };
}

async function chatOf(tx: Tx, peer: Peer): Promise<Chat> {
  return (
    (await tx.get<Chat>("chats", peer)) ?? {
      peer,
      name: isGroup(peer) ? "Group" : peer,
      lastText: "",
      lastTs: 0,
      unread: 0,
    }
  );
}

function withLast(chat: Chat, message: StoredMessage): Chat {
  return message.ts >= chat.lastTs
    ? { ...chat, lastText: preview(message.body, message.media), lastTs: message.ts }
    : chat;
}

export class History {
  constructor(
    private readonly store: Store,
    private readonly me: () => string,
  ) {}

  /**
   * Stores queue items in order, all in one transaction (a sync page is stored, and then acked,
   * whole); an item already stored (a message pushed and synced) changes nothing. The change holds
   * each chat and message once, as it ends.
   */
  recordItems(items: readonly QueueItem[]): Promise<Change> {
    return this.store.run(["messages", "chats", "receipts"], "readwrite", async (tx) => {
      const chats = new Map<Peer, Chat>();
      const messages = new Map<string, StoredMessage>();
      for (const item of items) {
        const change = await this.recordItemIn(tx, item);
        change.chats.forEach((chat) => chats.set(chat.peer, chat));
        change.messages.forEach((message) => messages.set(message.key, message));
      }
      return { chats: [...chats.values()], messages: [...messages.values()] };
    });
  }

  private recordItemIn(tx: Tx, item: QueueItem): Promise<Change> {
    switch (item.type) {
      case "message":
        return this.recordMessage(tx, item);
      case "receipt":
        return this.recordReceipt(tx, item);
      case "groupUpdate":
        return this.recordGroupUpdate(tx, item);
    }
  }

  private async recordMessage(tx: Tx, frame: MessageFrame): Promise<Change> {
    const me = this.me();
    // A copy of this account's own message, sent from another of its devices.
    const transcript = frame.to !== undefined || (frame.group !== undefined && frame.from === me);
    const peer = frame.group !== undefined ? groupPeer(frame.group) : transcript ? frame.to! : frame.from;
    if ((await tx.messageById(frame.messageId)) !== undefined) {
      return NO_CHANGE;
    }
    let chat = await chatOf(tx, peer);
    let message: StoredMessage = {
      key: frame.messageId,
      peer,
      order: frame.messageId,
      messageId: frame.messageId,
      clientId: frame.id,
      direction: transcript ? "out" : "in",
      from: frame.from,
      body: frame.body,
      media: frame.media,
      ts: frame.ts,
    };
    if (transcript) {
      message.status = "accepted";
      if (frame.group !== undefined) {
        message.recipients = (chat.members ?? []).filter((phone) => phone !== me);
      }
      message = await this.withEarlyReceipts(tx, message);
    } else {
      chat = { ...chat, unread: chat.unread + 1 };
    }
    chat = withLast(chat, message);
    await tx.put("messages", message);
    await tx.put("chats", chat);
    return { chats: [chat], messages: [message] };
  }

  private async recordReceipt(tx: Tx, receipt: ReceiptFrame): Promise<Change> {
    const deliveredTo = receipt.status === "delivered" ? [receipt.by] : [];
    const readBy = receipt.status === "read" ? [receipt.by] : [];
    const changed: StoredMessage[] = [];
    for (const messageId of receipt.messageIds) {
      const message = await tx.messageById(messageId);
      if (message === undefined) {
        const early = (await tx.get<EarlyReceipt>("receipts", messageId)) ?? {
          messageId,
          deliveredTo: [],
          readBy: [],
        };
        await tx.put("receipts", {
          messageId,
          deliveredTo: union(early.deliveredTo, deliveredTo),
          readBy: union(early.readBy, readBy),
        });
      } else if (message.direction === "out") {
        const updated = withReceipts(message, deliveredTo, readBy);
        await tx.put("messages", updated);
        changed.push(updated);
      }
    }
    return { chats: [], messages: changed };
  }

  private async withEarlyReceipts(tx: Tx, message: StoredMessage): Promise<StoredMessage> {
    const early = await tx.get<EarlyReceipt>("receipts", message.messageId!);
    if (early === undefined) {
      return message;
    }
    await tx.delete("receipts", message.messageId!);
    return withReceipts(message, early.deliveredTo, early.readBy);
  }

  private async recordGroupUpdate(tx: Tx, update: GroupUpdateFrame): Promise<Change> {
    const known = await tx.get<Chat>("chats", groupPeer(update.groupId));
    let chat = {
      ...(await chatOf(tx, groupPeer(update.groupId))),
      name: update.name,
      members: update.members,
      admins: update.admins,
    };
    if (known === undefined) {
      const creator = update.by === this.me() ? "You" : update.by;
      chat = { ...chat, lastText: `${creator} created the group`, lastTs: update.ts };
    }
    await tx.put("chats", chat);
    return { chats: [chat], messages: [] };
  }

  /** A group as a reply described it (created, fetched or updated by this device). */
  recordGroup(group: GroupCreated | GroupFrame | GroupUpdated): Promise<Change> {
    return this.store.run(["chats"], "readwrite", async (tx) => {
      const peer = groupPeer(group.groupId);
      const known = await tx.get<Chat>("chats", peer);
      let chat = { ...(await chatOf(tx, peer)), name: group.name, members: group.members, admins: group.admins };
      if (known === undefined) {
        chat = { ...chat, lastText: "You created the group", lastTs: Date.now() };
      }
      await tx.put("chats", chat);
      return { chats: [chat], messages: [] };
    });
  }

  /** A message this browser is about to send: shown at once, pending, and kept in the outbox. */
  recordSend(entry: OutboxEntry, media: Media | undefined): Promise<Change> {
    const me = this.me();
    return this.store.run(["messages", "chats", "outbox"], "readwrite", async (tx) => {
      const now = Date.now();
      const chat = await chatOf(tx, entry.peer);
      const message: StoredMessage = {
        key: `out:${entry.id}`,
        peer: entry.peer,
        order: `~${String(now).padStart(15, "0")}`,
        clientId: entry.id,
        direction: "out",
        from: me,
        body: entry.body,
        media,
        ts: now,
        status: "pending",
      };
      if (isGroup(entry.peer)) {
        message.recipients = (chat.members ?? []).filter((phone) => phone !== me);
      }
      const updatedChat = withLast(chat, message);
      await tx.put("outbox", entry);
      await tx.put("messages", message);
      await tx.put("chats", updatedChat);
      return { chats: [updatedChat], messages: [message] };
    });
  }

  /** The file is uploaded: the send carries its media from now on, even after a reload. */
  recordUploaded(id: string, media: Media): Promise<OutboxEntry | undefined> {
    return this.store.run(["messages", "outbox"], "readwrite", async (tx) => {
      const entry = await tx.get<OutboxEntry>("outbox", id);
      if (entry === undefined) {
        return undefined;
      }
      const uploaded: OutboxEntry = { id, peer: entry.peer, address: entry.address, body: entry.body, media };
      await tx.put("outbox", uploaded);
      const message = await tx.get<StoredMessage>("messages", `out:${id}`);
      if (message !== undefined) {
        await tx.put("messages", { ...message, media });
      }
      return uploaded;
    });
  }

  recordAccepted(accepted: Accepted): Promise<Change> {
    return this.store.run(["messages", "chats", "outbox", "receipts"], "readwrite", async (tx) => {
      await tx.delete("outbox", accepted.id);
      const stored = await tx.get<StoredMessage>("messages", `out:${accepted.id}`);
      if (stored === undefined || stored.messageId !== undefined) {
        return NO_CHANGE;
      }
      const message = await this.withEarlyReceipts(tx, {
        ...stored,
        messageId: accepted.messageId,
        order: accepted.messageId,
        ts: accepted.ts,
        status: later(stored.status, "accepted"),
      });
      await tx.put("messages", message);
      return { chats: [], messages: [message] };
    });
  }

  recordFailed(id: string, failure: string): Promise<Change> {
    return this.store.run(["messages", "outbox"], "readwrite", async (tx) => {
      await tx.delete("outbox", id);
      const stored = await tx.get<StoredMessage>("messages", `out:${id}`);
      if (stored === undefined) {
        return NO_CHANGE;
      }
      const message: StoredMessage = { ...stored, status: "failed", failure };
      await tx.put("messages", message);
      return { chats: [], messages: [message] };
    });
  }

  /** Incoming messages the user had on screen: no longer unread; their receipt is still to go. */
  recordSeen(keys: string[]): Promise<Change> {
    return this.store.run(["messages", "chats"], "readwrite", async (tx) => {
      const messages: StoredMessage[] = [];
      const seenPerChat = new Map<Peer, number>();
      for (const key of keys) {
        const message = await tx.get<StoredMessage>("messages", key);
        if (message !== undefined && !message.seen) {
          const seen = { ...message, seen: true };
          await tx.put("messages", seen);
          messages.push(seen);
          seenPerChat.set(message.peer, (seenPerChat.get(message.peer) ?? 0) + 1);
        }
      }
      const chats: Chat[] = [];
      for (const [peer, count] of seenPerChat) {
        const chat = await tx.get<Chat>("chats", peer);
        if (chat !== undefined) {
          const updated = { ...chat, unread: Math.max(0, chat.unread - count) };
          await tx.put("chats", updated);
          chats.push(updated);
        }
      }
      return { chats, messages };
    });
  }

  recordReadSent(keys: string[]): Promise<Change> {
    return this.store.run(["messages"], "readwrite", async (tx) => {
      const messages: StoredMessage[] = [];
      for (const key of keys) {
        const message = await tx.get<StoredMessage>("messages", key);
        if (message !== undefined) {
          const sent = { ...message, readSent: true };
          await tx.put("messages", sent);
          messages.push(sent);
        }
      }
      return { chats: [], messages };
    });
  }
}
