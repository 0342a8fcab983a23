import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";

test("the build wrote the page, its script and its styles, and the page loads both", () => {
  for (const file of ["index.html", "app.js", "app.css"]) {
    assert.ok(existsSync(`target/classes/web/${file}`), `${file} is missing`);
  }
  const page = readFileSync("target/classes/web/index.html", "utf8");
  assert.match(page, /<script type="module" src="app.js">/);
  assert.match(page, /<link rel="stylesheet" href="app.css">/);
});
