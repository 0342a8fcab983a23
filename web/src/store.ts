// The device's storage in IndexedDB (database `checkmark`): its credentials, its chats, every
// message, the sends not yet accepted, and receipts that arrived before the message they name. A
// reload shows the chats from here at once, whether or not the connection is up.

import type { Address, Credentials, Media } from "./protocol";

export const DATABASE_NAME = "checkmark";
const VERSION = 1;

export type OutStatus = "pending" | "accepted" | "delivered" | "read" | "failed";

/** A chat's key: a phone for one to one, `group:<groupId>` for a group (the DOM's data-peer). */
export type Peer = string;

export interface Chat {
  peer: Peer;
  name: string;
  lastText: string;
  lastTs: number;
  unread: number;
  /** Groups only: as the latest group frame said. */
  members?: string[];
  admins?: string[];
}

export interface StoredMessage {
  /** `out:<client id>` for what this browser sent, else the server's messageId. */
  key: string;
  peer: Peer;
  /** The messageId where known (a conversation is ordered by it), else `~<time>`: unsent last. */
  order: string;
  messageId?: string;
  clientId?: string;
  direction: "in" | "out";
  from: string;
  body?: string;
  media?: Media;
  ts: number;
  /** Outgoing only. */
  status?: OutStatus;
  failure?: string;
  /** Outgoing group messages: who it went to, and who has it and read it so far. */
  recipients?: string[];
  deliveredTo?: string[];
  readBy?: string[];
  /** Incoming only: seen on screen, and its read receipt answered by the server. */
  seen?: boolean;
  readSent?: boolean;
}

/** A send not yet accepted: written again after a reload, under the same client id. */
export interface OutboxEntry {
  id: string;
  peer: Peer;
  address: Address;
  body?: string;
  /** Set once the file is uploaded; until then `file` waits to be encrypted and uploaded. */
  media?: Media;
  file?: Blob;
  fileName?: string;
  mimeType?: string;
  thumbnail?: string;
}

/** Receipts for a messageId this device does not know yet (its `accepted` was lost, say). */
export interface EarlyReceipt {
  messageId: string;
  deliveredTo: string[];
  readBy: string[];
}

const STORES = ["meta", "chats", "messages", "outbox", "receipts"] as const;
export type StoreName = (typeof STORES)[number];

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Reads and writes within one transaction; awaiting only its own requests keeps it open. */
export class Tx {
  constructor(private readonly transaction: IDBTransaction) {}

  get<T>(store: StoreName, key: IDBValidKey): Promise<T | undefined> {
    return requestResult(this.transaction.objectStore(store).get(key)) as Promise<T | undefined>;
  }

  put(store: StoreName, value: unknown, key?: IDBValidKey): Promise<IDBValidKey> {
    return requestResult(this.transaction.objectStore(store).put(value, key));
  }

  delete(store: StoreName, key: IDBValidKey): Promise<undefined> {
    return requestResult(this.transaction.objectStore(store).delete(key));
  }

  clear(store: StoreName): Promise<undefined> {
    return requestResult(this.transaction.objectStore(store).clear());
  }

  all<T>(store: StoreName): Promise<T[]> {
    return requestResult(this.transaction.objectStore(store).getAll()) as Promise<T[]>;
  }

  messageById(messageId: string): Promise<StoredMessage | undefined> {
    const index = this.transaction.objectStore("messages").index("messageId");
    return requestResult(index.get(messageId)) as Promise<StoredMessage | undefined>;
  }

  /** A chat's messages in conversation order (by messageId, unsent last). */
  messagesOf(peer: Peer): Promise<StoredMessage[]> {
    const index = this.transaction.objectStore("messages").index("conversation");
    const range = IDBKeyRange.bound([peer, ""], [peer, "\uffff"]);
    return requestResult(index.getAll(range)) as Promise<StoredMessage[]>;
  }
}

export class Store {
  private constructor(private readonly database: IDBDatabase) {}

  static async open(name = DATABASE_NAME): Promise<Store> {
    const request = indexedDB.open(name, VERSION);
    request.onupgradeneeded = () => {
      const database = request.result;
      database.createObjectStore("meta");
      database.createObjectStore("chats", { keyPath: "peer" });
      const messages = database.createObjectStore("messages", { keyPath: "key" });
      messages.createIndex("conversation", ["peer", "order"]);
      messages.createIndex("messageId", "messageId", { unique: true });
      database.createObjectStore("outbox", { keyPath: "id" });
      database.createObjectStore("receipts", { keyPath: "messageId" });
    };
    return new Store(await requestResult(request));
  }

  /** Runs `work` in one transaction and resolves with its result once the transaction committed. */
  run<T>(stores: readonly StoreName[], mode: IDBTransactionMode, work: (tx: Tx) => Promise<T>): Promise<T> {
    const transaction = this.database.transaction(stores, mode);
    const committed = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new Error("the transaction was aborted"));
    });
    const result = work(new Tx(transaction)).catch((failure: unknown) => {
      transaction.abort();
      throw failure;
    });
    return Promise.all([result, committed]).then(([value]) => value);
  }

  credentials(): Promise<Credentials | undefined> {
    return this.run(["meta"], "readonly", (tx) => tx.get<Credentials>("meta", "credentials"));
  }

  saveCredentials(credentials: Credentials): Promise<void> {
    return this.run(["meta"], "readwrite", async (tx) => {
      await tx.put("meta", credentials, "credentials");
    });
  }

  blocked(): Promise<string[]> {
    return this.run(["meta"], "readonly", async (tx) => (await tx.get<string[]>("meta", "blocked")) ?? []);
  }

  saveBlocked(phones: string[]): Promise<void> {
    return this.run(["meta"], "readwrite", async (tx) => {
      await tx.put("meta", phones, "blocked");
    });
  }

  chats(): Promise<Chat[]> {
    return this.run(["chats"], "readonly", (tx) => tx.all<Chat>("chats"));
  }

  messagesOf(peer: Peer): Promise<StoredMessage[]> {
    return this.run(["messages"], "readonly", (tx) => tx.messagesOf(peer));
  }

  outbox(): Promise<OutboxEntry[]> {
    return this.run(["outbox"], "readonly", (tx) => tx.all<OutboxEntry>("outbox"));
  }

  /** Forgets everything: the device's key is dead, and its history goes with it. */
  wipe(): Promise<void> {
    return this.run(STORES, "readwrite", async (tx) => {
      for (const store of STORES) {
        await tx.clear(store);
      }
    });
  }
}
