import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffDelay } from "../src/backoff";

test("each delay lies between half its ceiling and the ceiling, which doubles from 250 ms to 30 s", () => {
  for (let attempts = 0; attempts <= 30; attempts++) {
    const ceiling = Math.min(30_000, 250 * 2 ** attempts);
    assert.equal(backoffDelay(attempts, 250, 30_000, () => 0), ceiling / 2);
    assert.equal(backoffDelay(attempts, 250, 30_000, () => 1), ceiling);
    const jittered = backoffDelay(attempts);
    assert.ok(jittered >= ceiling / 2 && jittered <= ceiling, `${jittered} for ${attempts} attempts`);
  }
});

test("the first retry comes within 250 ms and never at once; later ones never beyond 30 s", () => {
  assert.equal(backoffDelay(0, 250, 30_000, () => 0), 125);
  assert.equal(backoffDelay(0, 250, 30_000, () => 1), 250);
  assert.equal(backoffDelay(7, 250, 30_000, () => 1), 30_000);
  assert.equal(backoffDelay(1_000, 250, 30_000, () => 1), 30_000);
});
