/**
 * Encryption of stored credentials (node passwords, API token values) with AES-256-GCM.
 * The key lives in `<dataDir>/.encryption.key` as base64 of 32 random bytes, the same
 * file format Pulse uses, so an existing Pulse key can be dropped in.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getEnv } from "@/lib/config/env";

export const KEY_FILE_NAME = ".encryption.key";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Ciphertext format: `v1:` + base64(iv ‖ ciphertext ‖ tag), the layout of Go's gcm.Seal with the nonce prepended. */
const VERSION = "v1:";

export type SecretErrorReason = "malformed" | "unsupported-version" | "authentication-failed";

/** Decryption failed: tampered ciphertext, a different key, or not our format. */
export class SecretDecryptError extends Error {
  constructor(
    readonly reason: SecretErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "SecretDecryptError";
  }
}

/** The key file exists but does not hold a usable key; never silently replaced. */
export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EncryptionKeyError";
  }
}

const keys = new Map<string, Buffer>();

function parseKey(file: string, text: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== KEY_BYTES) {
    throw new EncryptionKeyError(`${file} must contain ${KEY_BYTES} base64-encoded bytes (found ${key.length})`);
  }
  return key;
}

function readKey(file: string): Buffer | undefined {
  try {
    return parseKey(file, readFileSync(file, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * Load or create the key for `dataDir`. Creation writes a temp file and hard-links it
 * into place, so the web server and the worker starting together cannot both create
 * (or read a half-written) key: the loser of the link race reads the winner's key.
 */
export function loadEncryptionKey(dataDir: string = getEnv().dataDir): Buffer {
  const dir = path.resolve(dataDir);
  const cached = keys.get(dir);
  if (cached) return cached;
  const file = path.join(dir, KEY_FILE_NAME);
  let key = readKey(file);
  if (!key) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(tmp, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      unlinkSync(tmp);
    }
    key = readKey(file);
    if (!key) throw new EncryptionKeyError(`${file} vanished while being created`);
  }
  keys.set(dir, key);
  return key;
}

/** Forget cached keys (tests that swap key files). */
export function clearEncryptionKeyCache(): void {
  keys.clear();
}

/** Encrypt with a fresh random IV; equal plaintexts give different ciphertexts. */
export function encryptSecret(plain: string, dataDir?: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", loadEncryptionKey(dataDir), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
}

/** Decrypt `encryptSecret` output; throws SecretDecryptError rather than returning garbage. */
export function decryptSecret(cipherText: string, dataDir?: string): string {
  if (!cipherText.startsWith(VERSION)) {
    throw new SecretDecryptError(
      /^v\d+:/.test(cipherText) ? "unsupported-version" : "malformed",
      "not an encrypted secret in a supported format",
    );
  }
  const raw = Buffer.from(cipherText.slice(VERSION.length), "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptError("malformed", "encrypted secret is truncated");
  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", loadEncryptionKey(dataDir), iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptError(
      "authentication-failed",
      "encrypted secret failed authentication (tampered, or encrypted with a different .encryption.key)",
    );
  }
}
