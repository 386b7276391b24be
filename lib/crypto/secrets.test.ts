import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clearEncryptionKeyCache,
  decryptSecret,
  EncryptionKeyError,
  encryptSecret,
  KEY_FILE_NAME,
  loadEncryptionKey,
  SecretDecryptError,
} from "./secrets";

let root: string;
let dataDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pulse-secrets-"));
  dataDir = path.join(root, "data"); // not created yet: first use must create it
});
afterAll(() => rm(root, { recursive: true, force: true }));

function flipByte(cipher: string, index: number): string {
  const raw = Buffer.from(cipher.slice(3), "base64");
  raw[index] ^= 0x01;
  return `v1:${raw.toString("base64")}`;
}

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SecretDecryptError);
    return (err as SecretDecryptError).reason;
  }
  return undefined;
}

describe("encryption key", () => {
  it("is created on first use: 32 base64 bytes, file 0600 in a 0700 directory", async () => {
    const key = loadEncryptionKey(dataDir);
    expect(key).toHaveLength(32);
    const file = path.join(dataDir, KEY_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(Buffer.from((await readFile(file, "utf8")).trim(), "base64").equals(key)).toBe(true);
  });

  it("is reused from the file after the cache is cleared", () => {
    const first = loadEncryptionKey(dataDir);
    clearEncryptionKeyCache();
    expect(loadEncryptionKey(dataDir).equals(first)).toBe(true);
  });

  it("refuses (and keeps) a key file that does not hold 32 bytes", async () => {
    const dir = path.join(root, "bad-key");
    await mkdir(dir);
    await writeFile(path.join(dir, KEY_FILE_NAME), "c2hvcnQ=\n");
    expect(() => loadEncryptionKey(dir)).toThrow(EncryptionKeyError);
    expect(await readFile(path.join(dir, KEY_FILE_NAME), "utf8")).toBe("c2hvcnQ=\n");
  });
});

describe("encryptSecret / decryptSecret", () => {
  it("round-trips, with a fresh IV per call", () => {
    const plain = "pässwörd with spaces & ünïcode 🔐";
    const a = encryptSecret(plain, dataDir);
    const b = encryptSecret(plain, dataDir);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(plain);
    expect(decryptSecret(a, dataDir)).toBe(plain);
    expect(decryptSecret(b, dataDir)).toBe(plain);
    expect(decryptSecret(encryptSecret("", dataDir), dataDir)).toBe("");
  });

  it("detects tampering with the IV, the ciphertext or the tag", () => {
    const cipher = encryptSecret("root@pam password", dataDir);
    const length = Buffer.from(cipher.slice(3), "base64").length;
    for (const index of [0, 11, 12, 20, length - 16, length - 1]) {
      expect(reasonOf(() => decryptSecret(flipByte(cipher, index), dataDir))).toBe("authentication-failed");
    }
  });

  it("fails authentication under a different key", () => {
    const cipher = encryptSecret("secret", dataDir);
    expect(reasonOf(() => decryptSecret(cipher, path.join(root, "other")))).toBe("authentication-failed");
  });

  it("rejects malformed and unknown-version input", () => {
    expect(reasonOf(() => decryptSecret("plaintext", dataDir))).toBe("malformed");
    expect(reasonOf(() => decryptSecret("v1:AAAA", dataDir))).toBe("malformed");
    expect(reasonOf(() => decryptSecret("v2:AAAA", dataDir))).toBe("unsupported-version");
  });
});
