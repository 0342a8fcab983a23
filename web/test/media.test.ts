import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { decryptMedia, encryptMedia, fromBase64, MediaRejected, sha256, toBase64 } from "../src/media";

interface Vector {
  name: string;
  key: string;
  iv: string;
  plaintext: string;
  blob: string;
  sha256: string;
}

// The SDK's vectors (MediaCipher): the browser must make and read exactly the same blobs.
const vectors = JSON.parse(
  readFileSync("../client/src/test/resources/media-test-vectors.json", "utf8"),
) as Vector[];

test("there are vectors to check", () => {
  assert.ok(vectors.length >= 4, `only ${vectors.length} vectors`);
});

for (const vector of vectors) {
  test(`${vector.name}: encrypting with the vector's key and IV gives exactly its blob`, async () => {
    const encrypted = await encryptMedia(fromBase64(vector.plaintext), fromBase64(vector.key), fromBase64(vector.iv));
    assert.equal(toBase64(encrypted.blob), vector.blob);
    assert.equal(encrypted.sha256, vector.sha256);
    assert.equal(encrypted.key, vector.key);
    assert.equal(encrypted.size, fromBase64(vector.blob).length);
  });

  test(`${vector.name}: decrypting its blob gives its plaintext`, async () => {
    const plaintext = await decryptMedia(fromBase64(vector.blob), vector.key, vector.sha256);
    assert.equal(toBase64(plaintext), vector.plaintext);
  });

  test(`${vector.name}: a flipped ciphertext byte fails the HMAC and gives no plaintext`, async () => {
    const blob = fromBase64(vector.blob);
    blob[16] ^= 0x01;
    // The checksum announced for the tampered blob matches it: only the HMAC can catch this.
    const tamperedSha256 = toBase64(await sha256(blob));
    await assert.rejects(decryptMedia(blob, vector.key, tamperedSha256), (error: unknown) => {
      assert.ok(error instanceof MediaRejected);
      assert.match(error.message, /HMAC/);
      return true;
    });
  });

  test(`${vector.name}: a flipped byte fails the announced checksum`, async () => {
    const blob = fromBase64(vector.blob);
    blob[blob.length - 1] ^= 0x80;
    await assert.rejects(decryptMedia(blob, vector.key, vector.sha256), /checksum/);
  });
}

test("a fresh key and IV encrypt a file that decrypts back, and two encryptions differ", async () => {
  const file = new TextEncoder().encode("a photo, in spirit");
  const first = await encryptMedia(file);
  const second = await encryptMedia(file);
  assert.notEqual(toBase64(first.blob), toBase64(second.blob));
  assert.equal(fromBase64(first.key).length, 64);
  assert.deepEqual(await decryptMedia(first.blob, first.key, first.sha256), file);
});

test("a blob that is not whole AES blocks is refused before any check", async () => {
  const vector = vectors[0]!;
  const truncated = fromBase64(vector.blob).slice(0, 16 + 32 + 5);
  await assert.rejects(decryptMedia(truncated, vector.key, vector.sha256), /not a whole encrypted attachment/);
});
