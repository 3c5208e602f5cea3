import { randomBytes } from "node:crypto";
import { type DigestChallenge, digestResponse, parseDigestAuthorization } from "../onvif/http-digest.js";
import { passwordDigest } from "../onvif/ws-security.js";
import type { SimCameraSpec } from "./sim-camera.js";

/** How far `Created` may be from the device clock; real firmware uses windows of seconds to minutes. */
export const createdToleranceMs = 10_000;

const tokenPatterns = {
  username: /<(?:[\w.-]+:)?Username(?:\s[^>]*)?>([^<]*)</,
  password: /<(?:[\w.-]+:)?Password(?:\s[^>]*)?>([^<]*)</,
  nonce: /<(?:[\w.-]+:)?Nonce(?:\s[^>]*)?>([^<]*)</,
  created: /<(?:[\w.-]+:)?Created(?:\s[^>]*)?>([^<]*)</,
};

export type WsseVerdict = "ok" | "missing" | "bad_password" | "stale" | "replayed";

/** Server-side check of a WS-UsernameToken, against the camera's own (possibly drifting) clock. */
export function verifyUsernameToken(
  envelope: string,
  spec: SimCameraSpec,
  deviceNowMs: number,
  seenNonces: Set<string>,
  forceReject: boolean,
): WsseVerdict {
  const username = tokenPatterns.username.exec(envelope)?.[1];
  const password = tokenPatterns.password.exec(envelope)?.[1];
  const nonce = tokenPatterns.nonce.exec(envelope)?.[1];
  const created = tokenPatterns.created.exec(envelope)?.[1];
  if (!username || !password || !nonce || !created) return "missing";
  const expected = passwordDigest(Buffer.from(nonce, "base64"), created, spec.password);
  if (forceReject || username !== spec.username || expected !== password) return "bad_password";
  const createdMs = Date.parse(created);
  if (!Number.isFinite(createdMs) || Math.abs(createdMs - deviceNowMs) > createdToleranceMs) return "stale";
  if (seenNonces.has(nonce)) return "replayed";
  seenNonces.add(nonce);
  // Bounded memory: firmware keeps a short replay window, so do we.
  if (seenNonces.size > 256) seenNonces.delete(seenNonces.values().next().value as string);
  return "ok";
}

export function newDigestChallenge(spec: SimCameraSpec): DigestChallenge {
  return {
    realm: `${spec.manufacturer} ${spec.id}`,
    nonce: randomBytes(12).toString("hex"),
    qop: ["auth"],
    algorithm: spec.digestAlgorithm,
    opaque: randomBytes(6).toString("hex"),
    stale: false,
  };
}

export function challengeHeader(challenge: DigestChallenge): string {
  return `Digest realm="${challenge.realm}", qop="auth", nonce="${challenge.nonce}", opaque="${challenge.opaque ?? ""}", algorithm=${challenge.algorithm}, stale=FALSE`;
}

export function verifyDigest(
  header: string | undefined,
  spec: SimCameraSpec,
  method: string,
  challenges: Map<string, DigestChallenge>,
  forceReject: boolean,
): boolean {
  const params = parseDigestAuthorization(header);
  if (!params) return false;
  const challenge = challenges.get(params.get("nonce") ?? "");
  if (!challenge || params.get("username") !== spec.username || forceReject) return false;
  const expected = digestResponse({
    challenge,
    username: spec.username,
    password: spec.password,
    method,
    uri: params.get("uri") ?? "",
    nc: Number.parseInt(params.get("nc") ?? "1", 16),
    cnonce: params.get("cnonce") ?? "",
  });
  return expected === params.get("response");
}
