import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Queryable } from "../../db/pool.js";
import { AppError } from "../../http/errors.js";
import { decryptSecret, type Keyring } from "../secrets/keyring.js";
import { selectActiveCredential } from "./plate-devices.sql.js";

/**
 * HTTP Basic and Digest (RFC 7616, qop=auth, MD5 or SHA-256) for devices that cannot send a
 * bearer token. Nonces are stateless: issue time, salt, the id of the keyring key and an HMAC
 * under a key derived from it (decision 0107), so any server process with the same keyring
 * accepts a nonce another one issued, and a restart does not invalidate them. They expire
 * after `nonceTtlMs` (answered with `stale=true`). Nonce counts are remembered per process
 * only: a captured header replayed against the same process is refused, against another
 * process it is not (TLS or a camera VLAN is what protects Digest; see the decision).
 */
export const DIGEST_REALM = "GridOps plate ingest";

export interface DeviceCredentialPrincipal {
  credentialId: number;
  username: string;
  scheme: "basic" | "digest";
}

export class DeviceAuthError extends AppError {
  constructor(
    message: string,
    readonly challenge: string[],
  ) {
    super(401, "device_unauthenticated", message);
  }
}

type DigestAlgorithm = "MD5" | "SHA-256";
const hashOf = (algorithm: DigestAlgorithm, text: string) =>
  createHash(algorithm === "MD5" ? "md5" : "sha256")
    .update(text, "utf8")
    .digest("hex");

/** How long a Digest nonce is good for; after that the device is told `stale=true`. */
export const DIGEST_NONCE_TTL_MS = 5 * 60_000;

/**
 * Signs and checks Digest nonces with keys derived from the keyring (never the encryption
 * keys themselves): `<issued ms, base36>.<salt>.<key id>.<mac>`. A nonce names the key that
 * signed it, so nonces issued before a key rotation stay valid while the old key is kept.
 */
export class DigestNonces {
  private readonly macKeys = new Map<string, Buffer>();

  constructor(private readonly keyring: Keyring) {}

  issue(at = Date.now()): string {
    const body = `${at.toString(36)}.${randomBytes(9).toString("base64url")}.${this.keyring.currentId}`;
    return `${body}.${this.mac(this.keyring.currentId, body)}`;
  }

  /** "invalid" for a nonce no key of this keyring signed (forged, or from another installation). */
  check(nonce: string, ttlMs: number, now = Date.now()): "ok" | "stale" | "invalid" {
    const parts = nonce.split(".");
    if (parts.length !== 4) return "invalid";
    const [stamp, salt, keyId, mac] = parts as [string, string, string, string];
    const expected = this.mac(keyId, `${stamp}.${salt}.${keyId}`);
    if (!stamp || !salt || expected === null || !safeEqual(mac, expected)) return "invalid";
    const issued = Number.parseInt(stamp, 36);
    if (!Number.isFinite(issued) || issued > now + 60_000) return "invalid";
    return now - issued > ttlMs ? "stale" : "ok";
  }

  /** A fixed value per keyring, sent back unchanged by clients (RFC 7616 `opaque`). */
  opaque(): string {
    return this.mac(this.keyring.currentId, "opaque")!.slice(0, 22);
  }

  private mac(keyId: string, text: string): string | null {
    let key = this.macKeys.get(keyId);
    if (!key) {
      const secret = this.keyring.keys.get(keyId);
      if (!secret) return null;
      // Domain separation: the nonce key is an HMAC of the secret key, not the key itself.
      key = createHmac("sha256", secret).update(`gridops digest nonce v1|${DIGEST_REALM}`).digest();
      this.macKeys.set(keyId, key);
    }
    return createHmac("sha256", key).update(text).digest("base64url").slice(0, 32);
  }
}

export class DeviceAuthenticator {
  private readonly nonces: DigestNonces;
  /** nonce → highest nonce count seen (this process only); pruned when nonces expire. */
  private readonly seenCounts = new Map<string, number>();
  private prunedAt = Date.now();

  constructor(
    private readonly db: Queryable,
    private readonly keyring: Keyring,
    private readonly nonceTtlMs = DIGEST_NONCE_TTL_MS,
  ) {
    this.nonces = new DigestNonces(keyring);
  }

  /** The WWW-Authenticate values to send with a 401 (SHA-256 first, then MD5, then Basic). */
  challenge(stale = false): string[] {
    const nonce = this.nonces.issue();
    const opaque = this.nonces.opaque();
    const digest = (algorithm: DigestAlgorithm) =>
      `Digest realm="${DIGEST_REALM}", qop="auth", algorithm=${algorithm}, nonce="${nonce}", opaque="${opaque}"${stale ? ", stale=true" : ""}`;
    return [digest("SHA-256"), digest("MD5"), `Basic realm="${DIGEST_REALM}", charset="UTF-8"`];
  }

  /** Verifies a Basic or Digest Authorization header; throws DeviceAuthError (401) when wrong. */
  async verify(authorization: string, method: string, uri: string): Promise<DeviceCredentialPrincipal> {
    const space = authorization.indexOf(" ");
    const scheme = authorization.slice(0, space < 0 ? undefined : space).toLowerCase();
    const value = space < 0 ? "" : authorization.slice(space + 1).trim();
    if (scheme === "basic") return this.verifyBasic(value);
    if (scheme === "digest") return this.verifyDigest(value, method, uri);
    throw new DeviceAuthError(
      `Unsupported authorization scheme "${scheme.slice(0, 20)}": use Bearer, Digest or Basic.`,
      this.challenge(),
    );
  }

  private async verifyBasic(value: string): Promise<DeviceCredentialPrincipal> {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 1) throw new DeviceAuthError("Malformed Basic credentials.", this.challenge());
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const stored = await this.passwordOf(username);
    const ok = stored !== null && safeEqual(hashOf("SHA-256", password), hashOf("SHA-256", stored.password));
    if (!ok || !stored) throw new DeviceAuthError("Wrong device username or password.", this.challenge());
    return { credentialId: stored.id, username, scheme: "basic" };
  }

  private async verifyDigest(value: string, method: string, uri: string): Promise<DeviceCredentialPrincipal> {
    const p = parseDigestParams(value);
    const algorithm: DigestAlgorithm | null =
      p.algorithm === undefined || p.algorithm.toUpperCase() === "MD5"
        ? "MD5"
        : p.algorithm.toUpperCase() === "SHA-256"
          ? "SHA-256"
          : null;
    if (!algorithm || !p.username || !p.nonce || !p.uri || !p.response || p.realm !== DIGEST_REALM) {
      throw new DeviceAuthError(
        "Malformed Digest credentials (need username, realm, nonce, uri, response).",
        this.challenge(),
      );
    }
    if (p.uri !== uri) throw new DeviceAuthError("Digest uri does not match the request.", this.challenge());
    const nonceState = this.checkNonce(p.nonce);
    if (nonceState === "invalid") throw new DeviceAuthError("Unknown Digest nonce.", this.challenge());
    const stored = await this.passwordOf(p.username);
    const ha1 = hashOf(algorithm, `${p.username}:${DIGEST_REALM}:${stored?.password ?? ""}`);
    const ha2 = hashOf(algorithm, `${method}:${p.uri}`);
    let expected: string;
    if (p.qop === "auth") {
      if (!p.nc || !p.cnonce || !/^[0-9a-f]{8}$/i.test(p.nc))
        throw new DeviceAuthError("Digest qop=auth needs nc and cnonce.", this.challenge());
      expected = hashOf(algorithm, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
    } else if (p.qop === undefined) {
      expected = hashOf(algorithm, `${ha1}:${p.nonce}:${ha2}`);
    } else {
      throw new DeviceAuthError(`Digest qop "${p.qop}" is not supported: use auth.`, this.challenge());
    }
    if (!stored || !safeEqual(expected, p.response.toLowerCase())) {
      throw new DeviceAuthError("Wrong device username or password.", this.challenge());
    }
    if (nonceState === "stale")
      throw new DeviceAuthError("The Digest nonce expired; retry with the new one.", this.challenge(true));
    if (!this.acceptCount(p.nonce, p.qop === "auth" ? Number.parseInt(p.nc!, 16) : 0)) {
      throw new DeviceAuthError("Digest nonce count reused (replayed request).", this.challenge());
    }
    return { credentialId: stored.id, username: p.username, scheme: "digest" };
  }

  private async passwordOf(username: string): Promise<{ id: number; password: string } | null> {
    if (username.length > 64) return null;
    const row = await selectActiveCredential(this.db, username);
    return row ? { id: row.id, password: decryptSecret(this.keyring, row.password_sealed) } : null;
  }

  private checkNonce(nonce: string): "ok" | "stale" | "invalid" {
    return this.nonces.check(nonce, this.nonceTtlMs);
  }

  /** Without qop each nonce is good once (count 0); with qop=auth counts must increase. */
  private acceptCount(nonce: string, count: number): boolean {
    const now = Date.now();
    if (now - this.prunedAt > this.nonceTtlMs) {
      for (const key of this.seenCounts.keys())
        if (this.checkNonce(key) !== "ok") this.seenCounts.delete(key);
      this.prunedAt = now;
    }
    const seen = this.seenCounts.get(nonce);
    if (seen !== undefined && count <= seen) return false;
    this.seenCounts.set(nonce, count);
    return true;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** key=value and key="quoted, value" pairs of a Digest header. */
export function parseDigestParams(value: string): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let m = pattern.exec(value); m; m = pattern.exec(value)) {
    const key = m[1]!.toLowerCase();
    out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
  }
  return out;
}
