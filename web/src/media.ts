// Attachment encryption, as protocol v2 "Media" and the SDK's MediaCipher: a 64-byte key whose first
// half is an AES-256-CBC key and second half an HMAC-SHA256 key, and a blob
// iv (16 bytes) ‖ AES-CBC/PKCS#7 ciphertext ‖ HMAC-SHA256(iv ‖ ciphertext) (32 bytes). WebCrypto is
// one-shot, so a file is held in memory whole. A receiver checks the blob's SHA-256, then its HMAC,
// and only then decrypts: a blob that fails either check gives no plaintext.

export type Bytes = Uint8Array<ArrayBuffer>;

const KEY_BYTES = 64;
const AES_KEY_BYTES = 32;
const IV_BYTES = 16;
const MAC_BYTES = 32;
const AES_BLOCK_BYTES = 16;

export class MediaRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MediaRejected";
  }
}

export interface EncryptedMedia {
  blob: Bytes;
  /** base64, as `requestUpload` and the message's `media` carry them. */
  key: string;
  sha256: string;
  size: number;
}

function randomBytes(length: number): Bytes {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In chunks: a spread of a whole file would overflow the call stack.
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Bytes {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/** Compares in time that depends on the length only, not on where the first difference is. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    return false;
  }
  let difference = 0;
  for (let i = 0; i < a.length; i++) {
    difference |= a[i]! ^ b[i]!;
  }
  return difference === 0;
}

export async function sha256(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

function aesKey(key: Bytes, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", key.slice(0, AES_KEY_BYTES), "AES-CBC", false, [usage]);
}

async function hmac(key: Bytes, data: Bytes): Promise<Bytes> {
  const macKey = await crypto.subtle.importKey(
    "raw",
    key.slice(AES_KEY_BYTES, KEY_BYTES),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", macKey, data));
}

function requireKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) {
    throw new Error(`an attachment key is ${KEY_BYTES} bytes, not ${key.length}`);
  }
}

/** Encrypts under a fresh key and IV; the key and IV are given only by tests. */
export async function encryptMedia(
  plaintext: Bytes,
  key: Bytes = randomBytes(KEY_BYTES),
  iv: Bytes = randomBytes(IV_BYTES),
): Promise<EncryptedMedia> {
  requireKey(key);
  if (iv.length !== IV_BYTES) {
    throw new Error(`an IV is ${IV_BYTES} bytes, not ${iv.length}`);
  }
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-CBC", iv }, await aesKey(key, "encrypt"), plaintext),
  );
  const blob = new Uint8Array(IV_BYTES + ciphertext.length + MAC_BYTES);
  blob.set(iv, 0);
  blob.set(ciphertext, IV_BYTES);
  blob.set(await hmac(key, blob.slice(0, IV_BYTES + ciphertext.length)), IV_BYTES + ciphertext.length);
  return { blob, key: toBase64(key), sha256: toBase64(await sha256(blob)), size: blob.length };
}

/** The plaintext of a downloaded blob, once its SHA-256 and its HMAC both check out. */
export async function decryptMedia(blob: Bytes, keyBase64: string, sha256Base64: string): Promise<Bytes> {
  const key = fromBase64(keyBase64);
  requireKey(key);
  const ciphertextBytes = blob.length - IV_BYTES - MAC_BYTES;
  // PKCS#7 always adds at least one block, so even an empty file has one.
  if (ciphertextBytes < AES_BLOCK_BYTES || ciphertextBytes % AES_BLOCK_BYTES !== 0) {
    throw new MediaRejected(`the downloaded file is not a whole encrypted attachment (${blob.length} bytes)`);
  }
  if (!constantTimeEqual(await sha256(blob), fromBase64(sha256Base64))) {
    throw new MediaRejected("the downloaded file does not match its checksum");
  }
  const macStart = IV_BYTES + ciphertextBytes;
  const expectedMac = await hmac(key, blob.slice(0, macStart));
  if (!constantTimeEqual(expectedMac, blob.subarray(macStart))) {
    throw new MediaRejected("the downloaded file failed its integrity check (HMAC)");
  }
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-CBC", iv: blob.slice(0, IV_BYTES) },
    await aesKey(key, "decrypt"),
    blob.slice(IV_BYTES, macStart),
  );
  return new Uint8Array(plaintext);
}
