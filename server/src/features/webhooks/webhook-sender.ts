import http from "node:http";
import https from "node:https";
import { guardedLookup, literalHostBlocked, parseWebhookUrl } from "./webhook-url-guard.js";

export type AttemptOutcome = "delivered" | "http_error" | "timeout" | "network_error" | "refused";

export interface AttemptResult {
  outcome: AttemptOutcome;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  /** The whole exchange (connect, send, response head and body) must finish within this. */
  timeoutMs: number;
  allowLoopback: boolean;
}

/** Kept from the response body for the delivery log. */
const LOGGED_BODY_BYTES = 512;

/**
 * POSTs one webhook body. Never throws: every way it can go wrong is an outcome, and an
 * endpoint that hangs is cut off at `timeoutMs` (the request and its socket are destroyed).
 */
export async function sendWebhook(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: SendOptions,
): Promise<AttemptResult> {
  const started = performance.now();
  const done = (outcome: AttemptOutcome, status: number | null, error: string | null): AttemptResult => ({
    outcome,
    status,
    error: error?.slice(0, 2000) ?? null,
    durationMs: Math.round(performance.now() - started),
  });
  let url: URL;
  try {
    url = parseWebhookUrl(rawUrl);
  } catch (error) {
    return done("refused", null, (error as Error).message);
  }
  const blocked = literalHostBlocked(url, opts.allowLoopback);
  if (blocked) return done("refused", null, `Refusing ${url.hostname}: ${blocked}`);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const client = url.protocol === "https:" ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    const req = client.request(
      url,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
        lookup: guardedLookup(opts.allowLoopback),
        signal,
        // Each attempt uses its own socket: a hanging peer cannot hold a pooled one.
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on("data", (chunk: Buffer) => {
          if (kept < LOGGED_BODY_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.on("end", () => {
          const text = Buffer.concat(chunks).subarray(0, LOGGED_BODY_BYTES).toString("utf8");
          if (status >= 200 && status < 300) resolve(done("delivered", status, null));
          else resolve(done("http_error", status, `HTTP ${status}${text ? `: ${text}` : ""}`));
        });
        res.on("error", (error) => resolve(failure(error)));
        res.on("close", () => {
          if (!res.complete) resolve(failure(new Error("connection closed before the response ended")));
        });
      },
    );
    const failure = (error: Error & { code?: string }): AttemptResult => {
      if (signal.aborted) return done("timeout", null, `No complete response within ${opts.timeoutMs} ms.`);
      if (error.code === "EWEBHOOKBLOCKED") return done("refused", null, error.message);
      return done("network_error", null, `${error.code ?? "error"}: ${error.message}`);
    };
    req.on("error", (error) => resolve(failure(error)));
    req.end(body);
  });
}
