import { createHash, randomBytes } from "node:crypto";

export interface BasicChallenge {
  scheme: "basic";
  realm: string;
}

export interface DigestChallenge {
  scheme: "digest";
  realm: string;
  nonce: string;
  opaque: string | undefined;
  /** Only "auth" is supported; cameras that offer "auth-int" also offer "auth". */
  qop: "auth" | undefined;
  algorithm: "MD5" | "SHA-256";
  stale: boolean;
}

export type AuthChallenge = BasicChallenge | DigestChallenge;

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Parses every WWW-Authenticate header of a 401. Cameras differ: Hikvision sends Digest
 * then Basic as two headers, some send quoted `algorithm="MD5"`, some lower-case `digest`.
 * Unknown schemes and algorithms are skipped, not fatal.
 */
export function parseAuthChallenges(headerValues: readonly string[]): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  for (const value of headerValues) {
    const match = /^\s*(\w+)\s*(.*)$/s.exec(value);
    if (!match) continue;
    const scheme = match[1]!.toLowerCase();
    const params = parseAuthParams(match[2] ?? "");
    if (scheme === "basic") {
      challenges.push({ scheme: "basic", realm: params.get("realm") ?? "" });
    } else if (scheme === "digest") {
      const digest = toDigestChallenge(params);
      if (digest) challenges.push(digest);
    }
  }
  return challenges;
}

function toDigestChallenge(params: Map<string, string>): DigestChallenge | null {
  const nonce = params.get("nonce");
  if (nonce === undefined) return null;
  const algorithmText = (params.get("algorithm") ?? "MD5").toUpperCase();
  if (algorithmText !== "MD5" && algorithmText !== "SHA-256") return null;
  const qopOffered = (params.get("qop") ?? "").split(",").map((q) => q.trim().toLowerCase());
  return {
    scheme: "digest",
    realm: params.get("realm") ?? "",
    nonce,
    opaque: params.get("opaque"),
    qop: qopOffered.includes("auth") ? "auth" : undefined,
    algorithm: algorithmText,
    stale: (params.get("stale") ?? "").toLowerCase() === "true",
  };
}

/** `realm="IP Camera(C1214)", nonce="abc", stale=FALSE` → map with lower-case keys. */
export function parseAuthParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const match of text.matchAll(pattern)) {
    const quoted = match[2];
    params.set(
      match[1]!.toLowerCase(),
      quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (match[3] ?? ""),
    );
  }
  return params;
}

/** Digest wins over Basic: Basic would send the password in clear on the camera network. */
export function chooseChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === "digest") ?? challenges.find((c) => c.scheme === "basic");
}

export interface DigestInput {
  challenge: DigestChallenge;
  credentials: Credentials;
  method: string;
  uri: string;
  nonceCount: number;
  cnonce: string;
}

/** RFC 2617 / RFC 7616 response hash (qop absent or "auth"). */
export function digestResponse(input: DigestInput): string {
  const { challenge, credentials, method, uri } = input;
  const hash = (text: string) =>
    createHash(challenge.algorithm === "SHA-256" ? "sha256" : "md5")
      .update(text, "utf8")
      .digest("hex");
  const ha1 = hash(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  const ha2 = hash(`${method}:${uri}`);
  if (challenge.qop === "auth") {
    return hash(
      `${ha1}:${challenge.nonce}:${formatNonceCount(input.nonceCount)}:${input.cnonce}:auth:${ha2}`,
    );
  }
  return hash(`${ha1}:${challenge.nonce}:${ha2}`);
}

export function authorizationHeader(
  challenge: AuthChallenge,
  credentials: Credentials,
  method: string,
  uri: string,
  nonceCount = 1,
  cnonce: string = randomBytes(8).toString("hex"),
): string {
  if (challenge.scheme === "basic") {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64")}`;
  }
  const response = digestResponse({ challenge, credentials, method, uri, nonceCount, cnonce });
  const parts = [
    `username="${quote(credentials.username)}"`,
    `realm="${quote(challenge.realm)}"`,
    `nonce="${quote(challenge.nonce)}"`,
    `uri="${quote(uri)}"`,
    `response="${response}"`,
  ];
  if (challenge.algorithm !== "MD5") parts.push(`algorithm=${challenge.algorithm}`);
  if (challenge.opaque !== undefined) parts.push(`opaque="${quote(challenge.opaque)}"`);
  if (challenge.qop === "auth")
    parts.push("qop=auth", `nc=${formatNonceCount(nonceCount)}`, `cnonce="${cnonce}"`);
  return `Digest ${parts.join(", ")}`;
}

function formatNonceCount(count: number): string {
  return count.toString(16).padStart(8, "0");
}

function quote(value: string): string {
  return value.replace(/[\\"]/g, "\\$&");
}
