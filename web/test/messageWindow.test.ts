import assert from "node:assert/strict";
import { test } from "node:test";
import {
  afterChange,
  atNewest,
  newestWindow,
  towardsNewer,
  towardsOlder,
  WINDOW_SIZE,
  WINDOW_STEP,
  type MessageWindow,
} from "../src/messageWindow";

const size = (window: MessageWindow) => window.end - window.start;

test("a conversation opens on its newest messages, at most a window of them", () => {
  assert.deepEqual(newestWindow(10_000), { start: 10_000 - WINDOW_SIZE, end: 10_000 });
  assert.deepEqual(newestWindow(7), { start: 0, end: 7 });
  assert.deepEqual(newestWindow(0), { start: 0, end: 0 });
});

test("scrolling up from the newest reaches the first message with the window never larger", () => {
  let window = newestWindow(10_000);
  const seen = new Set<number>();
  for (let i = window.start; i < window.end; i++) seen.add(i);
  while (window.start > 0) {
    const next = towardsOlder(window);
    assert.ok(next.start < window.start, "each step brings older messages");
    assert.ok(size(next) <= WINDOW_SIZE);
    // The messages at the top before the step are still rendered: the reader's place is kept.
    assert.ok(next.end > window.start, "the step overlaps what was on screen");
    for (let i = next.start; i < next.end; i++) seen.add(i);
    window = next;
  }
  assert.equal(window.start, 0);
  assert.equal(seen.size, 10_000, "every message was rendered on the way up");
  assert.ok(!atNewest(window, 10_000));
});

test("scrolling down again comes back to the newest, and then follows new messages", () => {
  let window: MessageWindow = { start: 0, end: WINDOW_SIZE };
  while (!atNewest(window, 1_000)) {
    const next = towardsNewer(window, 1_000);
    assert.ok(next.end > window.end && next.start >= window.start);
    assert.ok(next.start < window.end, "the step overlaps what was on screen");
    assert.ok(size(next) <= WINDOW_SIZE);
    window = next;
  }
  assert.deepEqual(window, newestWindow(1_000));
  assert.deepEqual(afterChange(window, 1_000, 1_003), newestWindow(1_003));
});

test("a window further back stays put when messages arrive, and is cut when they go", () => {
  const back = { start: 200, end: 200 + WINDOW_SIZE };
  assert.deepEqual(afterChange(back, 1_000, 1_050), back);
  assert.deepEqual(afterChange(back, 1_000, 250), { start: 150, end: 250 });
  assert.deepEqual(afterChange({ start: 0, end: 40 }, 40, 0), { start: 0, end: 0 });
});

test("steps at the ends change nothing", () => {
  assert.deepEqual(towardsOlder({ start: 0, end: 60 }), { start: 0, end: 60 });
  assert.deepEqual(towardsNewer({ start: 5, end: 65 }, 65), { start: 5, end: 65 });
  assert.equal(WINDOW_STEP < WINDOW_SIZE, true);
});
