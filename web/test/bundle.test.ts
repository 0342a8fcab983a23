import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";

test("the build wrote the page and its script", () => {
  assert.ok(existsSync("target/classes/web/index.html"));
  assert.ok(existsSync("target/classes/web/app.js"));
});
