import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { createHash } from "node:crypto";
import type { Queryable } from "../../db/pool.js";
import { authFromBearerToken } from "./auth.service.js";
import type { TokenRow } from "./auth.sql.js";
import { API_TOKEN_CACHE_MS, TokenCache, tokenCacheOf } from "./token-cache.js";

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
}, 120_000);
afterAll(() => server?.close());

async function newToken(): Promise<{ id: number; token: string }> {
  const me = (await admin.get("/api/v1/auth/me")).body;
  const res = await admin.post("/api/v1/tokens", {
    name: "cache test",
    permissions: ["plates:ingest"],
    cellCodes: me.cells,
  });
  expect(res.status).toBe(201);
  return res.body;
}

const statusWith = async (token: string) =>
  (await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status;

describe("API token verification cache", () => {
  it("a token revoked through this server stops working at once", async () => {
    const { id, token } = await newToken();
    expect(await statusWith(token)).toBe(200);
    expect((await admin.request("DELETE", `/api/v1/tokens/${id}`)).status).toBe(204);
    expect(await statusWith(token)).toBe(401);
  });

  it(`a token revoked elsewhere (another process, the database) stops working within ${API_TOKEN_CACHE_MS} ms`, async () => {
    const { id, token } = await newToken();
    expect(await statusWith(token)).toBe(200);
    const revokedAt = Date.now();
    await server.db.pool.query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1", [id]);
    // Still served from the cache: this is what the bound is about.
    expect(await statusWith(token)).toBe(200);
    let refusedAfter: number | null = null;
    while (Date.now() - revokedAt < API_TOKEN_CACHE_MS + 2000) {
      if ((await statusWith(token)) === 401) {
        refusedAfter = Date.now() - revokedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(refusedAfter).not.toBeNull();
    expect(refusedAfter!).toBeLessThanOrEqual(API_TOKEN_CACHE_MS + 500);
  }, 15_000);

  it("a cached token past its expiry is refused without waiting for the cache", async () => {
    const { id, token } = await newToken();
    await server.db.pool.query(
      "UPDATE api_tokens SET expires_at = now() + interval '1 second' WHERE id = $1",
      [id],
    );
    expect(await statusWith(token)).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await statusWith(token)).toBe(401);
  });

  it("a wrong secret for a cached token id is refused", async () => {
    const { token } = await newToken();
    expect(await statusWith(token)).toBe(200);
    const wrong = token.replace(
      /_([A-Za-z0-9_-]+)$/,
      (_, s: string) => `_${s.startsWith("A") ? "B" : "A"}${s.slice(1)}`,
    );
    expect(await statusWith(wrong)).toBe(401);
  });

  it("concurrent lookups of a cold token make one query; a lookup racing a revoke does not re-cache the row", async () => {
    const cache = new TokenCache(60_000);
    let queries = 0;
    const row = {
      id: 7,
      name: "t",
      secret_hash: "x",
      permissions: [],
      cell_codes: [],
      camera_ids: null,
      expires_at: null,
      revoked_at: null,
      last_used_at: null,
      created_at: new Date(),
    };
    let release: () => void = () => {};
    const slow = () => {
      queries += 1;
      return new Promise<typeof row>((resolve) => {
        release = () => resolve(row);
      });
    };
    const lookups = Array.from({ length: 10 }, () => cache.get(7, slow));
    cache.forget(7); // revoked while the lookup was in flight
    release();
    expect(await Promise.all(lookups)).toEqual(Array(10).fill(row));
    expect(queries).toBe(1);
    await cache.get(7, async () => {
      queries += 1;
      return null;
    });
    expect(queries).toBe(2);
  });

  it("a secret once verified for a cached row passes again, and nothing else does", async () => {
    const secret = "s".repeat(40);
    const rowFor = (hashOf: string): TokenRow => ({
      id: 9,
      name: "memo",
      secret_hash: createHash("sha256").update(hashOf).digest("hex"),
      permissions: ["plates:ingest"],
      cell_codes: ["C1"],
      camera_ids: null,
      expires_at: null,
      revoked_at: null,
      last_used_at: new Date(),
      created_at: new Date(),
    });
    let row: TokenRow | null = rowFor(secret);
    const db = { query: async () => ({ rows: row ? [row] : [] }) } as unknown as Queryable;
    const tokenOf = (s: string) => `gto_9_${s}`;
    const sameLength = `${secret.slice(0, -1)}t`;
    expect((await authFromBearerToken(db, tokenOf(secret)))?.actor).toBe("token:9:memo");
    expect(await authFromBearerToken(db, tokenOf(sameLength))).toBeNull();
    expect(await authFromBearerToken(db, tokenOf(`${secret}s`))).toBeNull();
    expect(await authFromBearerToken(db, tokenOf(secret.slice(0, -1)))).toBeNull();
    expect((await authFromBearerToken(db, tokenOf(secret)))?.permissions.has("plates:ingest")).toBe(true);
    // A reloaded row is checked afresh: the secret remembered for the old row means nothing.
    row = rowFor(sameLength);
    tokenCacheOf(db).forget(9);
    expect(await authFromBearerToken(db, tokenOf(secret))).toBeNull();
    expect((await authFromBearerToken(db, tokenOf(sameLength)))?.actor).toBe("token:9:memo");
    // Revoked (no usable row): refused whatever was verified before.
    row = null;
    tokenCacheOf(db).forget(9);
    expect(await authFromBearerToken(db, tokenOf(sameLength))).toBeNull();
  });
});
