import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizePhone, parsePhoneList } from "../src/phone";

test("a number as people type it becomes E.164, or nothing", () => {
  assert.equal(normalizePhone("+1 (415) 555-0101"), "+14155550101");
  assert.equal(normalizePhone("0044 20 7946 0958"), "+442079460958");
  assert.equal(normalizePhone("4155550101"), undefined);
  assert.equal(normalizePhone("+0155550101"), undefined);
  assert.equal(normalizePhone("+1415"), undefined);
  assert.equal(normalizePhone("+1415555010199999"), undefined);
});

test("a member list splits on commas and spaces, keeps spaced-out numbers whole, and names the bad ones", () => {
  assert.deepEqual(parsePhoneList("+14155550102, +14155550103 +14155550104"), {
    phones: ["+14155550102", "+14155550103", "+14155550104"],
    invalid: [],
  });
  assert.deepEqual(parsePhoneList("+1 415 555 0102; +14155550102, bob"), {
    phones: ["+14155550102"],
    invalid: ["bob"],
  });
});
