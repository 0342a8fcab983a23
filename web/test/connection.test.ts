import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { CheckmarkError, Connection, SEND_TRIES_ON_INTERNAL, type ConnectionListener } from "../src/connection";
import type { Accepted, QueueItem } from "../src/protocol";
import { FakeSocket, until } from "./fake-socket";

const ALICE = { phone: "+14155550101", deviceId: 1, deviceKey: "key-1" };

interface Harness {
  connection: Connection;
  sockets: FakeSocket[];
  socket(): FakeSocket;
  items: string[];
  /** The ids of each call to the app, in order: a page is one call. */
  batches: string[][];
  /** Resolves the app's store of an item (and of the batch it came in); until then it is not acked. */
  storing: Map<string, () => void>;
  signedOut: CheckmarkError[];
  states: string[];
}

const open: Connection[] = [];

afterEach(() => {
  open.splice(0).forEach((connection) => connection.close());
});

function harness(
  options: {
    holdStores?: boolean;
    /** While it answers true, every store fails (a full disk). */
    refuseStores?: () => boolean;
    credentials?: typeof ALICE;
    isOnline?: () => boolean;
  } = {},
): Harness {
  const sockets: FakeSocket[] = [];
  const items: string[] = [];
  const batches: string[][] = [];
  const storing = new Map<string, () => void>();
  const signedOut: CheckmarkError[] = [];
  const states: string[] = [];
  const listener: ConnectionListener = {
    onState: (state) => states.push(state),
    onItems: (batch: readonly QueueItem[]) =>
      new Promise<void>((resolve, reject) => {
        if (options.refuseStores?.()) {
          reject(new Error("the disk is full"));
          return;
        }
        batches.push(batch.map((item) => item.messageId));
        for (const item of batch) {
          items.push(item.messageId);
          if (options.holdStores) {
            storing.set(item.messageId, resolve);
          }
        }
        if (!options.holdStores) {
          resolve();
        }
      }),
    onTyping: () => undefined,
    onLoggedIn: () => undefined,
    onSignedOut: (error) => signedOut.push(error),
  };
  const connection = new Connection({
    url: "ws://test/dev",
    credentials: "credentials" in options ? options.credentials : ALICE,
    listener,
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    minBackoffMs: 5,
    maxBackoffMs: 20,
    ackDelayMs: 1,
    resendUnansweredAfterMs: 10_000,
    requestTimeoutMs: 2_000,
    isOnline: options.isOnline,
  });
  open.push(connection);
  return { connection, sockets, socket: () => sockets.at(-1)!, items, batches, storing, signedOut, states };
}

function message(messageId: string): Record<string, unknown> {
  return { type: "message", messageId, from: "+14155550102", id: `c-${messageId}`, body: messageId, ts: 1 };
}

/** Opens the latest socket and answers its login; returns the socket. */
async function loggedIn(h: Harness): Promise<FakeSocket> {
  await until(() => h.sockets.length > 0, "a socket");
  const socket = h.socket();
  socket.open();
  const login = socket.last("login")!;
  assert.deepEqual(
    { phone: login.phone, deviceKey: login.deviceKey, deviceId: login.deviceId },
    { phone: ALICE.phone, deviceKey: ALICE.deviceKey, deviceId: undefined },
  );
  socket.push({ type: "loggedIn", phone: ALICE.phone, deviceId: 1, ref: login.ref });
  return socket;
}

async function syncRequest(socket: FakeSocket, number: number): Promise<Record<string, unknown>> {
  await until(() => socket.sentOf("sync").length >= number, `sync request ${number}`);
  return socket.sentOf("sync")[number - 1]!;
}

/** Confirms every ack not yet confirmed, as the server would. */
function confirmAcks(socket: FakeSocket, confirmed: Set<unknown>): void {
  for (const ack of socket.sentOf("ack")) {
    if (!confirmed.has(ack.ref)) {
      confirmed.add(ack.ref);
      socket.push({ type: "acked", count: (ack.messageIds as string[]).length, ref: ack.ref });
    }
  }
}

function acked(socket: FakeSocket): string[] {
  return socket.sentOf("ack").flatMap((ack) => ack.messageIds as string[]);
}

test("logs in with the login action, naming the device only when it is not the primary", async () => {
  const h = harness({ credentials: { phone: "+14155550101", deviceId: 3, deviceKey: "k3" } });
  h.connection.connect();
  await until(() => h.sockets.length > 0, "a socket");
  h.socket().open();
  assert.deepEqual(h.socket().last("login"), {
    action: "login",
    phone: "+14155550101",
    deviceKey: "k3",
    deviceId: 3,
    ref: h.socket().last("login")!.ref,
  });
});

test("live pushes during catch-up wait, and come out in messageId order after the pages that hold older items", async () => {
  const h = harness();
  h.connection.connect();
  const socket = await loggedIn(h);
  const confirmed = new Set<unknown>();
  const first = await syncRequest(socket, 1);
  // Pushed live while the first page is on its way: newer than anything queued.
  socket.push(message("0009"));
  socket.push(message("0001"));
  socket.push(message("0002"));
  socket.push({ type: "synced", count: 2, more: true, ref: first.ref });
  await until(() => h.items.length === 2, "the first page");
  assert.deepEqual(h.items, ["0001", "0002"]);
  await until(() => acked(socket).length === 2, "the first page's acks");
  confirmAcks(socket, confirmed);
  // Every page goes on the connection that started the catch-up.
  const second = await syncRequest(socket, 2);
  assert.equal(h.sockets.length, 1);
  socket.push(message("0003"));
  socket.push(message("0005"));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(h.items, ["0001", "0002"], "held until the page ends");
  socket.push({ type: "synced", count: 2, more: false, ref: second.ref });
  await until(() => h.items.length === 5, "the last page and the held push");
  assert.deepEqual(h.items, ["0001", "0002", "0003", "0005", "0009"]);
  await until(() => acked(socket).length === 5, "every ack");
  confirmAcks(socket, confirmed);
  // Caught up: a push goes to the app at once.
  socket.push(message("0010"));
  await until(() => h.items.length === 6, "a live push after catch-up");
  assert.equal(h.items[5], "0010");
});

test("a page reaches the app in one call and is acked, once stored, in as few frames of 100 ids as hold it", async () => {
  const h = harness({ holdStores: true });
  h.connection.connect();
  const socket = await loggedIn(h);
  const first = await syncRequest(socket, 1);
  const ids = Array.from({ length: 150 }, (_, i) => String(i).padStart(4, "0"));
  ids.forEach((id) => socket.push(message(id)));
  socket.push({ type: "synced", count: 150, more: false, ref: first.ref });
  await until(() => h.batches.length === 1, "the page");
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(socket.sentOf("ack"), [], "nothing acked before it is stored");
  assert.deepEqual(h.batches, [ids], "the whole page, in order, in one call");
  h.storing.get("0000")!();
  await until(() => acked(socket).length === 150, "every ack");
  assert.deepEqual(acked(socket), ids);
  assert.deepEqual(
    socket.sentOf("ack").map((ack) => (ack.messageIds as string[]).length),
    [100, 50],
  );
});

test("a page the app could not store is not acked, and the next connect brings it again", async () => {
  let failing = true;
  const h = harness({ refuseStores: () => failing });
  h.connection.connect();
  const socket = await loggedIn(h);
  const first = await syncRequest(socket, 1);
  ["0001", "0002"].forEach((id) => socket.push(message(id)));
  socket.push({ type: "synced", count: 2, more: false, ref: first.ref });
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.deepEqual(acked(socket), [], "a page not stored is not acked");
  assert.deepEqual(h.batches, [], "and the app has stored nothing");

  failing = false;
  socket.drop();
  await until(() => h.sockets.length === 2, "a new connection");
  const again = await loggedIn(h);
  const retry = await syncRequest(again, 1);
  ["0001", "0002"].forEach((id) => again.push(message(id)));
  again.push({ type: "synced", count: 2, more: false, ref: retry.ref });
  await until(() => acked(again).length === 2, "the acks after the store");
  assert.deepEqual(h.batches, [["0001", "0002"]]);
});

test("an item pushed and synced both reaches the app once, and is acked each time", async () => {
  const h = harness();
  h.connection.connect();
  const socket = await loggedIn(h);
  const confirmed = new Set<unknown>();
  const first = await syncRequest(socket, 1);
  socket.push(message("0001"));
  socket.push(message("0001"));
  socket.push({ type: "synced", count: 1, more: false, ref: first.ref });
  await until(() => acked(socket).length >= 1, "the ack");
  confirmAcks(socket, confirmed);
  socket.push(message("0001"));
  await until(() => acked(socket).length === 2, "the second ack");
  assert.deepEqual(h.items, ["0001"]);
  assert.deepEqual(acked(socket), ["0001", "0001"]);
});

test("a page that brings again an item the app already has hands it only the others, in order, and acks them all in one frame", async () => {
  const h = harness();
  h.connection.connect();
  const socket = await loggedIn(h);
  const first = await syncRequest(socket, 1);
  socket.push({ type: "synced", count: 0, more: false, ref: first.ref });
  // Caught up: pushed live, stored and acked, but the connection drops before the ack arrives.
  socket.push(message("0003"));
  await until(() => acked(socket).length === 1, "the live push's ack");
  socket.drop();

  await until(() => h.sockets.length === 2, "a new connection");
  const again = await loggedIn(h);
  const retry = await syncRequest(again, 1);
  ["0003", "0004", "0005"].forEach((id) => again.push(message(id)));
  again.push({ type: "synced", count: 3, more: false, ref: retry.ref });
  await until(() => acked(again).length === 3, "the page's acks");
  assert.deepEqual(h.batches, [["0003"], ["0004", "0005"]]);
  assert.deepEqual(
    again.sentOf("ack").map((ack) => ack.messageIds),
    [["0003", "0004", "0005"]],
  );
});

test("a send not yet accepted goes again with the same id after a reconnect, which syncs again", async () => {
  const h = harness();
  h.connection.connect();
  const socket = await loggedIn(h);
  const first = await syncRequest(socket, 1);
  socket.push({ type: "synced", count: 0, more: false, ref: first.ref });
  const accepted = h.connection.send({ to: "+14155550102" }, "client-id-1", "hello");
  await until(() => socket.sentOf("send").length === 1, "the send");
  assert.deepEqual(socket.last("send"), {
    action: "send",
    to: "+14155550102",
    id: "client-id-1",
    ref: "client-id-1",
    body: "hello",
  });
  socket.drop();
  await until(() => h.states.at(-1) === "offline" || h.sockets.length === 2, "offline");
  await until(() => h.sockets.length === 2, "a new connection, after backoff");
  const again = await loggedIn(h);
  await until(() => again.sentOf("send").length === 1, "the send written again");
  assert.equal(again.last("send")!.id, "client-id-1");
  await syncRequest(again, 1);
  again.push({ type: "accepted", id: "client-id-1", messageId: "m1", to: "+14155550102", ts: 5 });
  assert.deepEqual(await accepted, { type: "accepted", id: "client-id-1", messageId: "m1", to: "+14155550102", ts: 5 });
});

test("a send written while offline goes once the connection has logged in", async () => {
  const h = harness();
  const accepted = h.connection.send({ group: "g1" }, "client-id-2", "hi all");
  h.connection.connect();
  await until(() => h.sockets.length > 0, "a socket");
  h.socket().open();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(h.socket().sentOf("send"), [], "not before login");
  const login = h.socket().last("login")!;
  h.socket().push({ type: "loggedIn", phone: ALICE.phone, ref: login.ref });
  await until(() => h.socket().sentOf("send").length === 1, "the send");
  h.socket().push({ type: "accepted", id: "client-id-2", messageId: "m2", group: "g1", ts: 6 });
  assert.equal((await accepted).messageId, "m2");
});

test("API Gateway's own error frame sends the unanswered sends again shortly, with their ids", async () => {
  const h = harness();
  h.connection.connect();
  const socket = await loggedIn(h);
  const first = await syncRequest(socket, 1);
  socket.push({ type: "synced", count: 0, more: false, ref: first.ref });
  const accepted = h.connection.send({ to: "+14155550102" }, "client-id-3", "hello");
  await until(() => socket.sentOf("send").length === 1, "the send");
  socket.push({ message: "Internal server error", connectionId: "c1", requestId: "r1" });
  await until(() => socket.sentOf("send").length === 2, "the send again", 2_000);
  assert.equal(socket.sentOf("send")[1]!.id, "client-id-3");
  socket.push({ type: "accepted", id: "client-id-3", messageId: "m3", to: "+14155550102", ts: 7 });
  assert.equal((await accepted).messageId, "m3");
});

test("INTERNAL on a send is tried again with the same id, and fails after five tries", async () => {
  const h = harness();
  h.connection.connect();
  const socket = await loggedIn(h);
  const first = await syncRequest(socket, 1);
  socket.push({ type: "synced", count: 0, more: false, ref: first.ref });
  const outcome = h.connection.send({ to: "+14155550102" }, "client-id-4", "hello").then(
    (accepted: Accepted) => accepted,
    (error: unknown) => error,
  );
  for (let tries = 1; tries <= SEND_TRIES_ON_INTERNAL; tries++) {
    await until(() => socket.sentOf("send").length === tries, `try ${tries}`, 10_000);
    assert.equal(socket.last("send")!.id, "client-id-4");
    socket.push({ type: "error", code: "INTERNAL", message: "boom", action: "send", id: "client-id-4", ref: "client-id-4" });
  }
  const error = await outcome;
  assert.ok(error instanceof CheckmarkError);
  assert.equal(error.code, "INTERNAL");
  assert.equal(socket.sentOf("send").length, SEND_TRIES_ON_INTERNAL);
});

test("another error on a send fails it at once, with the server's code", async () => {
  const h = harness();
  h.connection.connect();
  const socket = await loggedIn(h);
  const outcome = h.connection.send({ to: "+19999999999" }, "client-id-5", "hello").catch((error: unknown) => error);
  await until(() => socket.sentOf("send").length === 1, "the send");
  socket.push({ type: "error", code: "UNKNOWN_RECIPIENT", message: "no", action: "send", id: "client-id-5", ref: "client-id-5" });
  const error = await outcome;
  assert.ok(error instanceof CheckmarkError);
  assert.equal(error.code, "UNKNOWN_RECIPIENT");
});

test("a replaced device stops for good: no reconnect, and the app hears why", async () => {
  const h = harness();
  h.connection.connect();
  const socket = await loggedIn(h);
  socket.push({ type: "error", code: "DEVICE_REPLACED", message: "replaced" });
  socket.drop();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(h.sockets.length, 1);
  assert.deepEqual(
    h.signedOut.map((error) => error.code),
    ["DEVICE_REPLACED"],
  );
});

test("a login refused as unauthorized signs out instead of retrying", async () => {
  const h = harness();
  h.connection.connect();
  await until(() => h.sockets.length > 0, "a socket");
  h.socket().open();
  const login = h.socket().last("login")!;
  h.socket().push({ type: "error", code: "UNAUTHORIZED", message: "wrong key", action: "login", ref: login.ref });
  await until(() => h.signedOut.length === 1, "signed out");
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(h.sockets.length, 1);
});

test("a lost connection is made again, later after each failure, and says so", async () => {
  const h = harness();
  h.connection.connect();
  for (let attempt = 1; attempt <= 3; attempt++) {
    await until(() => h.sockets.length === attempt, `attempt ${attempt}`);
    h.socket().drop();
  }
  await until(() => h.sockets.length === 4, "attempt 4");
  assert.deepEqual(h.states.slice(0, 4), ["connecting", "offline", "connecting", "offline"]);
});

test("a link code logs the anonymous connection in as the new device, which then syncs", async () => {
  const h = harness({ credentials: undefined });
  h.connection.connect();
  await until(() => h.sockets.length > 0, "a socket");
  const socket = h.socket();
  socket.open();
  const pending = h.connection.requestLink("Chromium on Linux");
  await until(() => socket.sentOf("requestLink").length === 1, "requestLink");
  const request = socket.last("requestLink")!;
  assert.equal(request.name, "Chromium on Linux");
  socket.push({ type: "linkCode", code: "abc_DEF-123", expiresInSeconds: 300, ref: request.ref });
  const link = await pending;
  assert.equal(link.code, "abc_DEF-123");
  socket.push({ type: "linked", phone: "+14155550101", deviceId: 2, deviceKey: "k2" });
  assert.deepEqual(await link.linked, { phone: "+14155550101", deviceId: 2, deviceKey: "k2" });
  await syncRequest(socket, 1);
  assert.equal(h.connection.isLoggedIn(), true);
});

test("a link code dies with its connection", async () => {
  const h = harness({ credentials: undefined });
  h.connection.connect();
  await until(() => h.sockets.length > 0, "a socket");
  const socket = h.socket();
  socket.open();
  const pending = h.connection.requestLink("Firefox on Linux");
  await until(() => socket.sentOf("requestLink").length === 1, "requestLink");
  socket.push({ type: "linkCode", code: "c", expiresInSeconds: 300, ref: socket.last("requestLink")!.ref });
  const link = await pending;
  socket.drop();
  await assert.rejects(link.linked, (error: unknown) => error instanceof CheckmarkError && error.code === "LINK_EXPIRED");
});

test("without a network no connection is tried; when it is back, one is tried at once", async () => {
  let online = false;
  const h = harness({ isOnline: () => online });
  h.connection.connect();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(h.sockets.length, 0);
  assert.equal(h.states.at(-1), "offline");
  online = true;
  h.connection.wake();
  assert.equal(h.sockets.length, 1);
  assert.equal(h.states.at(-1), "connecting");
});
