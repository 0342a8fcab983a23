// A WebSocket the tests play the server on: what the client sent, and frames pushed to it.

import type { SocketLike } from "../src/connection";

export class FakeSocket implements SocketLike {
  readonly sent: Record<string, unknown>[] = [];
  closedByClient = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }

  close(): void {
    this.closedByClient = true;
  }

  open(): void {
    this.onopen?.({});
  }

  push(frame: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server (or the network) ends the connection. */
  drop(): void {
    this.onclose?.({});
  }

  /** The frames sent with this action, in order. */
  sentOf(action: string): Record<string, unknown>[] {
    return this.sent.filter((frame) => frame.action === action);
  }

  last(action: string): Record<string, unknown> | undefined {
    return this.sentOf(action).at(-1);
  }
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
