import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures: `X-GridOps-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * The timestamp is signed with the body so a captured request cannot be replayed later
 * (receivers refuse old timestamps). docs/interop.md shows a receiver in a few lines.
 */
export const SIGNATURE_HEADER = "x-gridops-signature";

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "malformed" | "stale" | "mismatch" };

/** What a receiver runs: constant-time compare, and refuse timestamps outside the tolerance. */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): SignatureCheck {
  const parts = Object.fromEntries(
    (header ?? "").split(",").map((p) => p.trim().split("=", 2) as [string, string]),
  );
  const timestamp = Number(parts.t);
  if (!parts.v1 || !/^[0-9a-f]{64}$/.test(parts.v1) || !Number.isInteger(timestamp))
    return { ok: false, reason: "malformed" };
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? 300)) return { ok: false, reason: "stale" };
  const expected = Buffer.from(signatureOf(secret, timestamp, body), "hex");
  const given = Buffer.from(parts.v1, "hex");
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: "mismatch" };
}
