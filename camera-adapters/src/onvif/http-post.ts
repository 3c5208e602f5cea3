import http from "node:http";
import https from "node:https";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** A whole HTTP answer, body already read under the size cap. */
export interface HttpAnswer {
  status: number;
  header(name: string): string | null;
  body: Buffer;
}

export interface HttpPostInit {
  headers: Record<string, string>;
  body: string;
  maxBytes: number;
  /** For the whole exchange: connect, send, headers and body. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** One POST and its whole answer: the only HTTP a SOAP transport needs. */
export type HttpPost = (url: string, init: HttpPostInit) => Promise<HttpAnswer>;

/** Why an exchange ended without an answer, other than a network error (those keep their `code`). */
export class HttpPostError extends Error {
  constructor(
    readonly kind: "timeout" | "aborted" | "too_large",
    /** The declared Content-Length when that alone was too large. */
    readonly declaredBytes: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(`HTTP exchange ended: ${kind}`, options);
    this.name = "HttpPostError";
  }
}

// Module-wide keep-alive pools, so every device object reuses its host's connections (the
// poller makes a fresh device per check). Idle sockets are dropped after 4 s, shorter than most
// cameras' keep-alive, so a request is rarely sent on a socket the camera is closing.
const agents = {
  "http:": new http.Agent({ keepAlive: true, timeout: 4_000 }),
  "https:": new https.Agent({ keepAlive: true, timeout: 4_000 }),
};

/**
 * node:http(s) POST. Chosen over the global fetch for the fleet poller: the same exchange costs
 * about half the CPU (no web streams, no AbortSignal per request), and the poller is CPU-bound
 * at 10,000 cameras a minute (docs/decisions/0092).
 */
export const nodeHttpPost: HttpPost = (url, init) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    let settled = false;
    const finish = (error: unknown, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      init.signal?.removeEventListener("abort", onAbort);
      if (answer) resolve(answer);
      else {
        request.destroy();
        reject(error);
      }
    };
    const onAbort = () => finish(new HttpPostError("aborted", null, { cause: init.signal?.reason }));
    const request = client.request(
      target,
      {
        method: "POST",
        headers: { ...init.headers, "content-length": Buffer.byteLength(init.body) },
        agent: agents[target.protocol === "https:" ? "https:" : "http:"],
      },
      (response) => {
        const declared = Number(response.headers["content-length"] ?? "0");
        if (declared > init.maxBytes) return finish(new HttpPostError("too_large", declared));
        const chunks: Buffer[] = [];
        let total = 0;
        response.on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total > init.maxBytes) finish(new HttpPostError("too_large"));
          else chunks.push(chunk);
        });
        response.on("error", (error) => finish(error));
        // Settled already after "end"; otherwise the device hung up in the middle of its answer.
        response.on("close", () =>
          finish(Object.assign(new Error("connection closed mid-answer"), { code: "ECONNRESET" })),
        );
        response.on("end", () =>
          finish(null, {
            status: response.statusCode ?? 0,
            header: (name) => headerText(response.headers[name.toLowerCase()]),
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    // Before anything can destroy the request: an "error" without a listener would crash the process.
    request.on("error", (error) => finish(error));
    const timer = setTimeout(() => finish(new HttpPostError("timeout")), init.timeoutMs);
    if (init.signal?.aborted) return onAbort();
    init.signal?.addEventListener("abort", onAbort, { once: true });
    request.end(init.body);
  });

const headerText = (value: string | string[] | undefined): string | null =>
  value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;

/** The same contract over a fetch implementation (tests and callers that bring their own). */
export function fetchHttpPost(fetchImpl: FetchLike): HttpPost {
  return async (url, init) => {
    const timeout = AbortSignal.timeout(init.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      const response = await fetchImpl(url, {
        method: "POST",
        headers: init.headers,
        body: init.body,
        signal,
      });
      const body = await readCapped(response, init.maxBytes);
      return { status: response.status, header: (name) => response.headers.get(name), body };
    } catch (error) {
      if (error instanceof HttpPostError || !signal.aborted) throw error;
      throw new HttpPostError(init.signal?.aborted ? "aborted" : "timeout", null, { cause: error });
    }
  };
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new HttpPostError("too_large", declared);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new HttpPostError("too_large");
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}
