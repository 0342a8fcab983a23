import assert from "node:assert/strict";
import { test } from "node:test";
import { TypingIndicators, type Clock } from "../src/typing";

/** Time that moves only when the test says, running the timers due. */
class ManualClock implements Clock {
  private time = 0;
  private timers: { at: number; task: () => void; handle: number }[] = [];
  private handles = 0;

  now(): number {
    return this.time;
  }

  setTimeout(task: () => void, delayMs: number): unknown {
    const handle = ++this.handles;
    this.timers.push({ at: this.time + delayMs, task, handle });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.handle !== handle);
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) {
        break;
      }
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.task();
    }
    this.time = end;
  }
}

function indicators() {
  const clock = new ManualClock();
  const sent: string[] = [];
  const typing = new TypingIndicators<string>((chat, state) => sent.push(`${clock.now()} ${chat} ${state}`), 3_000, 5_000, clock);
  return { clock, sent, typing };
}

test("the first keystroke sends typing at once, later ones at most every 3 s", () => {
  const { clock, sent, typing } = indicators();
  typing.keystroke("+14155550102");
  assert.deepEqual(sent, ["0 +14155550102 typing"]);
  for (let i = 0; i < 10; i++) {
    clock.advance(500);
    typing.keystroke("+14155550102");
  }
  assert.deepEqual(sent, ["0 +14155550102 typing", "3000 +14155550102 typing"]);
});

test("paused goes 5 s after the last keystroke, once", () => {
  const { clock, sent, typing } = indicators();
  typing.keystroke("+14155550102");
  clock.advance(4_000);
  typing.keystroke("+14155550102");
  clock.advance(4_999);
  assert.deepEqual(sent, ["0 +14155550102 typing", "4000 +14155550102 typing"]);
  clock.advance(1);
  assert.deepEqual(sent.at(-1), "9000 +14155550102 paused");
  clock.advance(60_000);
  assert.equal(sent.length, 3);
});

test("stopping sends paused at once and not again later; a new keystroke starts over", () => {
  const { clock, sent, typing } = indicators();
  typing.keystroke("group:g1");
  clock.advance(1_000);
  typing.stopped("group:g1");
  clock.advance(10_000);
  assert.deepEqual(sent, ["0 group:g1 typing", "1000 group:g1 paused"]);
  typing.keystroke("group:g1");
  assert.equal(sent.at(-1), "11000 group:g1 typing");
});

test("stopping a chat nobody typed in sends nothing; chats are throttled apart", () => {
  const { sent, typing } = indicators();
  typing.stopped("+14155550102");
  assert.deepEqual(sent, []);
  typing.keystroke("+14155550102");
  typing.keystroke("+14155550103");
  assert.deepEqual(sent, ["0 +14155550102 typing", "0 +14155550103 typing"]);
});
