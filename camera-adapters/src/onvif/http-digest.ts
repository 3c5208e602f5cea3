import { createHash, randomBytes } from "node:crypto";

/** One `Digest` challenge from a WWW-Authenticate header (RFC 7616). */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop: string[];
  algorithm: "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess";
  opaque?: string;
  stale: boolean;
}

const supportedAlgorithms = ["MD5", "MD5-sess", "SHA-256", "SHA-256-sess"] as const;

/** Splits `k=v, k="v, with comma"` pairs; quoted values may contain commas. */
function parseAuthParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const match of text.matchAll(pattern)) {
    const key = match[1]?.toLowerCase();
    if (key) params.set(key, (match[2] ?? match[3] ?? "").replace(/\\(.)/g, "$1"));
  }
  return params;
}

/**
 * Picks the strongest Digest challenge the header offers. A device may send several
 * WWW-Authenticate headers (fetch joins them with ", "), e.g. SHA-256 and MD5 side by side.
 */
export function parseDigestChallenges(header: string | null): DigestChallenge[] {
  if (!header) return [];
  const challenges: DigestChallenge[] = [];
  for (const part of header.split(/(?=\bDigest\s)/i)) {
    if (!/^\s*Digest\s/i.test(part)) continue;
    const params = parseAuthParams(part.replace(/^\s*Digest\s/i, ""));
    const realm = params.get("realm");
    const nonce = params.get("nonce");
    if (realm === undefined || nonce === undefined) continue;
    const algorithmText = (params.get("algorithm") ?? "MD5").toUpperCase();
    const algorithm = supportedAlgorithms.find((a) => a.toUpperCase() === algorithmText);
    if (!algorithm) continue;
    const opaque = params.get("opaque");
    challenges.push({
      realm,
      nonce,
      algorithm,
      qop: (params.get("qop") ?? "")
        .split(",")
        .map((q) => q.trim())
        .filter(Boolean),
      ...(opaque !== undefined ? { opaque } : {}),
      stale: (params.get("stale") ?? "").toLowerCase() === "true",
    });
  }
  return challenges.sort((a, b) => algorithmStrength(b.algorithm) - algorithmStrength(a.algorithm));
}

function algorithmStrength(algorithm: DigestChallenge["algorithm"]): number {
  return algorithm.startsWith("SHA-256") ? 2 : 1;
}

function hashHex(algorithm: DigestChallenge["algorithm"], value: string): string {
  return createHash(algorithm.startsWith("SHA-256") ? "sha256" : "md5")
    .update(value, "utf8")
    .digest("hex");
}

export interface DigestResponseInput {
  challenge: DigestChallenge;
  username: string;
  password: string;
  method: string;
  uri: string;
  nc: number;
  cnonce: string;
}

/** The `response` value of RFC 7616 §3.4.1; shared by the client and the simulator's check. */
export function digestResponse(input: DigestResponseInput): string {
  const { challenge, username, password, method, uri, nc, cnonce } = input;
  const ncText = nc.toString(16).padStart(8, "0");
  let ha1 = hashHex(challenge.algorithm, `${username}:${challenge.realm}:${password}`);
  if (challenge.algorithm.endsWith("-sess")) {
    ha1 = hashHex(challenge.algorithm, `${ha1}:${challenge.nonce}:${cnonce}`);
  }
  const ha2 = hashHex(challenge.algorithm, `${method}:${uri}`);
  if (challenge.qop.includes("auth")) {
    return hashHex(challenge.algorithm, `${ha1}:${challenge.nonce}:${ncText}:${cnonce}:auth:${ha2}`);
  }
  return hashHex(challenge.algorithm, `${ha1}:${challenge.nonce}:${ha2}`);
}

export function buildDigestAuthorization(
  challenge: DigestChallenge,
  credentials: { username: string; password: string },
  request: { method: string; uri: string; nc: number },
): string {
  const cnonce = randomBytes(8).toString("hex");
  const response = digestResponse({ challenge, ...credentials, ...request, cnonce });
  const parts = [
    `username="${credentials.username.replace(/(["\\])/g, "\\$1")}"`,
    `realm="${challenge.realm}"`,
    `nonce="${challenge.nonce}"`,
    `uri="${request.uri}"`,
    `algorithm=${challenge.algorithm}`,
    `response="${response}"`,
  ];
  if (challenge.qop.includes("auth")) {
    parts.push("qop=auth", `nc=${request.nc.toString(16).padStart(8, "0")}`, `cnonce="${cnonce}"`);
  }
  if (challenge.opaque !== undefined) parts.push(`opaque="${challenge.opaque}"`);
  return `Digest ${parts.join(", ")}`;
}

/** Parses an `Authorization: Digest …` header (used by the simulator to verify clients). */
export function parseDigestAuthorization(header: string | undefined): Map<string, string> | null {
  if (!header || !/^\s*Digest\s/i.test(header)) return null;
  return parseAuthParams(header.replace(/^\s*Digest\s/i, ""));
}
