import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

/**
 * AES-256-GCM encryption of secrets at rest (camera credentials). Ciphertexts name the key
 * that made them, so a keyring can hold the current key plus older ones during rotation.
 * Format: `gcm1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts).
 */
export interface Keyring {
  currentId: string;
  keys: Map<string, Buffer>;
}

export class SecretKeyError extends Error {
  constructor(
    readonly code: "no_key" | "bad_key" | "unknown_key" | "tampered",
    message: string,
  ) {
    super(message);
    this.name = "SecretKeyError";
  }
}

export const keyIdOf = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 12);

export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new SecretKeyError("bad_key", "The secret key must be 32 bytes (64 hex digits or base64).");
  return key;
}

export function keyringOf(keys: Buffer[]): Keyring {
  if (keys.length === 0) throw new SecretKeyError("no_key", "The keyring is empty.");
  return { currentId: keyIdOf(keys[0]!), keys: new Map(keys.map((k) => [keyIdOf(k), k])) };
}

/** Key file: one key per line (hex), current first. Older lines stay until rotation finishes. */
export async function readKeyFile(file: string): Promise<Buffer[]> {
  const text = await fs.readFile(file, "utf8");
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map(parseKey);
}

export async function writeKeyFile(file: string, keys: Buffer[]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const body = `# GridOps secret keys (AES-256), current first. Keep this file private and backed up.\n${keys.map((k) => k.toString("hex")).join("\n")}\n`;
  await fs.writeFile(tmp, body, { mode: 0o600 });
  await fs.rename(tmp, file);
}

/**
 * GRIDOPS_SECRET_KEY wins; else the key file; in demo mode a missing key file is created.
 * Outside demo mode a missing key is an error naming both ways to provide one.
 */
export async function loadKeyring(opts: { envKey?: string | undefined; keyFile: string; createIfMissing: boolean }): Promise<Keyring> {
  const fileKeys = existsSync(opts.keyFile) ? await readKeyFile(opts.keyFile) : [];
  if (opts.envKey) {
    const envKey = parseKey(opts.envKey);
    return keyringOf([envKey, ...fileKeys.filter((k) => !k.equals(envKey))]);
  }
  if (fileKeys.length) return keyringOf(fileKeys);
  if (!opts.createIfMissing) {
    throw new SecretKeyError(
      "no_key",
      `No secret key: set GRIDOPS_SECRET_KEY (64 hex digits) or create ${opts.keyFile} (e.g. openssl rand -hex 32 > ${opts.keyFile}).`,
    );
  }
  const key = randomBytes(32);
  await writeKeyFile(opts.keyFile, [key]);
  return keyringOf([key]);
}

export function encryptSecret(ring: Keyring, plaintext: string): string {
  const key = ring.keys.get(ring.currentId)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
  return `gcm1:${ring.currentId}:${parts.join(":")}`;
}

export function decryptSecret(ring: Keyring, sealed: string): string {
  const [version, keyId, iv, tag, body] = sealed.split(":");
  if (version !== "gcm1" || !keyId || iv === undefined || tag === undefined || body === undefined) {
    throw new SecretKeyError("tampered", "Stored secret is not in a format this server understands.");
  }
  const key = ring.keys.get(keyId);
  if (!key) throw new SecretKeyError("unknown_key", `Stored secret was encrypted with key ${keyId}, which is not in the keyring.`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretKeyError("tampered", "Stored secret failed authentication (altered or wrong key).");
  }
}

export const keyIdOfSealed = (sealed: string) => sealed.split(":")[1] ?? null;
