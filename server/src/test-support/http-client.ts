/** A tiny cookie-aware HTTP client for tests: real requests over loopback. */
export class TestClient {
  private cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  static async loggedIn(baseUrl: string, username: string, password: string): Promise<TestClient> {
    const client = new TestClient(baseUrl);
    const res = await client.post("/api/v1/auth/login", { username, password });
    if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return client;
  }

  get csrf(): string | undefined {
    return this.cookies.get("gridops_csrf");
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = { method, headers: { ...headers }, redirect: "manual" };
    const h = init.headers as Record<string, string>;
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (method !== "GET" && this.csrf && !("x-csrf-token" in h)) h["x-csrf-token"] = this.csrf;
    if (body !== undefined) {
      // A copy backed by a plain ArrayBuffer: the body type both Node's and the DOM's fetch accept.
      if (typeof body === "string") init.body = body;
      else if (body instanceof Uint8Array) init.body = new Uint8Array(body);
      else {
        init.body = JSON.stringify(body);
        h["content-type"] ??= "application/json";
      }
    }
    const res = await fetch(this.baseUrl + path, init);
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get("content-type") ?? "").includes("json") && text) parsed = JSON.parse(text);
    // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary JSON shapes
    return { status: res.status, headers: res.headers, body: parsed as any, text };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request("GET", path, undefined, headers);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request("POST", path, body, headers);
  }
  patch(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request("PATCH", path, body, headers);
  }
  delete(path: string, headers?: Record<string, string>) {
    return this.request("DELETE", path, undefined, headers);
  }
}
