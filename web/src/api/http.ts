import type { z } from "zod";
import type { ApiPath } from "./api-paths.js";
import { ApiError } from "./errors.js";
import { errorEnvelopeSchema } from "./schemas.js";

export const CSRF_COOKIE = "gridops_csrf";
export const CSRF_HEADER = "x-csrf-token";

export type QueryValue = string | number | null | undefined;

export interface HttpClientOptions {
  /** Origin and path prefix, e.g. "" for same-origin or "http://127.0.0.1:8080". */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Returns `document.cookie`-style text; injected so the CSRF logic is testable without a DOM. */
  cookies?: () => string;
}

/** Reads one cookie's value out of a `document.cookie` string. */
export function readCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}

export function buildUrl(baseUrl: string, path: string, query: Readonly<Record<string, QueryValue>> = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return `${baseUrl}${path}${search ? `?${search}` : ""}`;
}

/** JSON over fetch with the session cookie, the double-submit CSRF header, and typed errors. */
export class HttpClient {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #cookies: () => string;

  constructor(options: HttpClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? "";
    // Bound so a bare `fetch` keeps its `this` (browsers throw "Illegal invocation" otherwise).
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#cookies = options.cookies ?? (() => (typeof document === "undefined" ? "" : document.cookie));
  }

  get<S extends z.ZodType>(
    path: ApiPath,
    schema: S,
    query?: Readonly<Record<string, QueryValue>>,
  ): Promise<z.infer<S>> {
    const url = buildUrl(this.#baseUrl, path, query);
    return this.#send(url, { method: "GET" }).then((body) => parseBody(url, body, schema));
  }

  async post<S extends z.ZodType>(path: ApiPath, body: unknown, schema: S | null): Promise<z.infer<S> | null> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const csrf = readCookie(this.#cookies(), CSRF_COOKIE);
    if (csrf !== null) headers[CSRF_HEADER] = csrf;
    const init: RequestInit = { method: "POST", headers, body: JSON.stringify(body ?? {}) };
    const url = buildUrl(this.#baseUrl, path);
    const responseBody = await this.#send(url, init);
    return schema === null ? null : parseBody(url, responseBody, schema);
  }

  async #send(url: string, init: RequestInit): Promise<unknown> {
    let response: Response;
    try {
      response = await this.#fetch(url, {
        ...init,
        credentials: "same-origin",
        headers: { accept: "application/json", ...init.headers },
      });
    } catch (cause) {
      throw new ApiError("network_error", `Request to ${url} failed`, 0, {}, { cause });
    }
    const body = await readJsonBody(response);
    if (!response.ok) throw errorFromResponse(response.status, body);
    return body;
  }
}

function parseBody<S extends z.ZodType>(url: string, body: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError("invalid_response", `Unexpected response from ${url}: ${parsed.error.message}`, 200);
  }
  return parsed.data;
}

async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function errorFromResponse(status: number, body: unknown): ApiError {
  const envelope = errorEnvelopeSchema.safeParse(body);
  if (envelope.success) {
    const { code, message, details } = envelope.data.error;
    return new ApiError(code, message, status, details ?? {});
  }
  return new ApiError("http_error", `HTTP ${status}`, status);
}
