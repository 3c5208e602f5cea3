import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "./errors.js";
import { buildUrl, HttpClient, readCookie } from "./http.js";

interface Recorded {
  url: string;
  init: RequestInit;
}

// fetch is the true outer edge of the web app, so a recording stand-in is the right seam here.
function recordingFetch(respond: (url: string) => Response) {
  const calls: Recorded[] = [];
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return respond(String(input));
  };
  return { fetchFn: fetchFn as typeof fetch, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("readCookie", () => {
  it("finds a cookie among others and decodes it", () => {
    expect(readCookie("a=1; gridops_csrf=abc%3D%3D; b=2", "gridops_csrf")).toBe("abc==");
  });
  it("does not match a cookie whose name only ends with the wanted name", () => {
    expect(readCookie("xgridops_csrf=bad", "gridops_csrf")).toBeNull();
  });
  it("returns null when absent or the header is empty", () => {
    expect(readCookie("", "gridops_csrf")).toBeNull();
  });
});

describe("buildUrl", () => {
  it("drops null and undefined parameters and encodes the rest", () => {
    expect(buildUrl("", "/api/v1/cells", { bbox: "1,2,3,4", cursor: null, limit: 5000, x: undefined })).toBe(
      "/api/v1/cells?bbox=1%2C2%2C3%2C4&limit=5000",
    );
  });
});

describe("HttpClient", () => {
  const ok = z.object({ ok: z.boolean() });

  it("sends the CSRF cookie value as x-csrf-token on POST", async () => {
    const { fetchFn, calls } = recordingFetch(() => json(200, { ok: true }));
    const client = new HttpClient({ fetch: fetchFn, cookies: () => "gridops_csrf=tok123; other=1" });
    await client.post("/api/v1/auth/logout", {}, ok);
    const headers = new Headers(calls[0]?.init.headers);
    expect(headers.get("x-csrf-token")).toBe("tok123");
    expect(calls[0]?.init.method).toBe("POST");
    expect(calls[0]?.init.credentials).toBe("same-origin");
  });

  it("does not send a CSRF header on GET", async () => {
    const { fetchFn, calls } = recordingFetch(() => json(200, { ok: true }));
    const client = new HttpClient({ fetch: fetchFn, cookies: () => "gridops_csrf=tok123" });
    await client.get("/api/v1/auth/me", ok);
    expect(new Headers(calls[0]?.init.headers).has("x-csrf-token")).toBe(false);
  });

  it("turns the error envelope into an ApiError with code, message, status and details", async () => {
    const { fetchFn } = recordingFetch(() =>
      json(429, { error: { code: "locked_out", message: "Locked", details: { retryAfterSeconds: 30 } } }),
    );
    const client = new HttpClient({ fetch: fetchFn, cookies: () => "" });
    const error = await client
      .post("/api/v1/auth/login", { username: "a", password: "b" }, ok)
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "locked_out", message: "Locked", status: 429 });
    expect(error.details).toEqual({ retryAfterSeconds: 30 });
  });

  it("reports a non-envelope error body as http_error with the status", async () => {
    const { fetchFn } = recordingFetch(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    const client = new HttpClient({ fetch: fetchFn });
    await expect(client.get("/api/v1/config", ok)).rejects.toMatchObject({ code: "http_error", status: 502 });
  });

  it("reports a failed connection as network_error", async () => {
    const client = new HttpClient({
      fetch: (async () => {
        throw new TypeError("Failed to fetch");
      }) as typeof fetch,
    });
    await expect(client.get("/api/v1/config", ok)).rejects.toMatchObject({ code: "network_error", status: 0 });
  });

  it("reports a body that does not match the schema as invalid_response", async () => {
    const { fetchFn } = recordingFetch(() => json(200, { ok: "yes" }));
    const client = new HttpClient({ fetch: fetchFn });
    await expect(client.get("/api/v1/config", ok)).rejects.toMatchObject({ code: "invalid_response" });
  });
});
