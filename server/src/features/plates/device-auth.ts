import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Queryable } from "../../db/pool.js";
import { AppError } from "../../http/errors.js";
import { decryptSecret, type Keyring } from "../secrets/keyring.js";
import { selectActiveCredential } from "./plate-devices.sql.js";

/**
 * HTTP Basic and Digest (RFC 7616, qop=auth, MD5 or SHA-256) for devices that cannot send a
 * bearer token. Nonces are stateless (time + HMAC with a per-process secret) and expire
 * after `nonceTtlMs`; nonce counts are remembered so a captured Authorization header cannot
 * be replayed. A restart invalidates nonces: devices get `stale=true` and retry at once.
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

export class DeviceAuthenticator {
  private readonly secret = randomBytes(32);
  /** nonce → highest nonce count seen; pruned when nonces expire. */
  private readonly seenCounts = new Map<string, number>();
  private prunedAt = Date.now();

  constructor(
    private readonly db: Queryable,
    private readonly keyring: Keyring,
    private readonly nonceTtlMs = 5 * 60_000,
  ) {}

  /** The WWW-Authenticate values to send with a 401 (SHA-256 first, then MD5, then Basic). */
  challenge(stale = false): string[] {
    const nonce = this.newNonce();
    const opaque = createHmac("sha256", this.secret).update("opaque").digest("base64url").slice(0, 22);
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

  private newNonce(): string {
    const stamp = Date.now().toString(36);
    const salt = randomBytes(9).toString("base64url");
    return `${stamp}.${salt}.${this.sign(`${stamp}.${salt}`)}`;
  }

  private sign(text: string): string {
    return createHmac("sha256", this.secret).update(text).digest("base64url").slice(0, 32);
  }

  private checkNonce(nonce: string): "ok" | "stale" | "invalid" {
    const [stamp, salt, mac] = nonce.split(".");
    if (!stamp || !salt || !mac || !safeEqual(mac, this.sign(`${stamp}.${salt}`))) return "invalid";
    const issued = Number.parseInt(stamp, 36);
    return Date.now() - issued > this.nonceTtlMs ? "stale" : "ok";
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
