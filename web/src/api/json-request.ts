import type { z } from "zod";
import type { ApiPath } from "./api-paths.js";
import { ApiError } from "./errors.js";
import {
  buildUrl,
  CSRF_COOKIE,
  CSRF_HEADER,
  errorFromResponse,
  type HttpClientOptions,
  type QueryValue,
  readCookie,
} from "./http.js";

export type Query = Readonly<Record<string, QueryValue>>;
type Method = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * JSON requests with every method the admin, technician and plate pages need (PATCH and DELETE
 * too), sharing the CSRF double submit and `{error:{code}}` → ApiError rules of `HttpClient`.
 */
export class JsonRequester {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #cookies: () => string;

  constructor(options: HttpClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? "";
    // Bound so a bare `fetch` keeps its `this` (browsers throw "Illegal invocation" otherwise).
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#cookies = options.cookies ?? (() => (typeof document === "undefined" ? "" : document.cookie));
  }

  /** An absolute-path URL for links (CSV downloads) that the browser fetches itself. */
  url(path: ApiPath, query: Query = {}): string {
    return buildUrl(this.#baseUrl, path, query);
  }

  async get<S extends z.ZodType>(path: ApiPath, schema: S, query: Query = {}): Promise<z.infer<S>> {
    return parse(path, await this.#send("GET", this.url(path, query)), schema);
  }

  async post<S extends z.ZodType>(path: ApiPath, body: unknown, schema: S): Promise<z.infer<S>> {
    return parse(path, await this.#send("POST", this.url(path), body ?? {}), schema);
  }

  async patch<S extends z.ZodType>(path: ApiPath, body: unknown, schema: S): Promise<z.infer<S>> {
    return parse(path, await this.#send("PATCH", this.url(path), body ?? {}), schema);
  }

  /** A POST answered with text rather than JSON (a CSV export kept out of URLs). */
  async postForText(path: ApiPath, body: unknown): Promise<string> {
    return (await this.#request("POST", this.url(path), body)).text;
  }

  /** A write whose response body the caller does not need (204, or a body it ignores). */
  async send(method: Exclude<Method, "GET">, path: ApiPath, body?: unknown): Promise<void> {
    await this.#send(method, this.url(path), body);
  }

  async #send(method: Method, url: string, body?: unknown): Promise<unknown> {
    return (await this.#request(method, url, body)).json;
  }

  async #request(method: Method, url: string, body?: unknown): Promise<{ text: string; json: unknown }> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (method !== "GET") {
      const csrf = readCookie(this.#cookies(), CSRF_COOKIE);
      if (csrf !== null) headers[CSRF_HEADER] = csrf;
    }
    const init: RequestInit = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await this.#fetch(url, init);
    } catch (cause) {
      throw new ApiError("network_error", `Request to ${url} failed`, 0, {}, { cause });
    }
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok) throw errorFromResponse(response.status, json);
    return { text, json };
  }
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parse<S extends z.ZodType>(path: string, body: unknown, schema: S): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ApiError("invalid_response", `Unexpected response from ${path}: ${result.error.message}`, 200);
  }
  return result.data;
}
