import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
let commander: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  commander = await TestClient.loggedIn(server.url, "commander", server.demoPassword);
});
afterAll(() => server?.close());

async function fetchAll(client: TestClient, path: string, limit: number) {
  const features: { id: string; properties: Record<string, unknown>; geometry: { type: string } }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await client.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe("FeatureCollection");
    features.push(...res.body.features);
    cursor = res.body.next_cursor;
    pages += 1;
  } while (cursor);
  return { features, pages };
}

describe("GeoJSON API", () => {
  it("returns every cell as valid GeoJSON, the same across page sizes", async () => {
    const { rows } = await server.db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM cells WHERE retired_at IS NULL",
    );
    const big = await fetchAll(commander, "/api/v1/cells", 5000);
    const small = await fetchAll(commander, "/api/v1/cells", 37);
    expect(big.features).toHaveLength(rows[0]!.n);
    expect(small.pages).toBe(Math.ceil(rows[0]!.n / 37));
    expect(small.features.map((f) => f.id)).toEqual(big.features.map((f) => f.id));
    expect(new Set(big.features.map((f) => f.id)).size).toBe(big.features.length);
    for (const f of big.features) {
      expect(f.geometry.type).toBe("MultiPolygon");
      expect(f.properties).toMatchObject({
        code: f.id,
        level: expect.stringMatching(/^(district|street|community|grid)$/),
      });
    }
  });

  it("bbox filter returns exactly the features PostGIS says intersect the box", async () => {
    const { rows: ext } = await server.db.pool.query<{ x: number; y: number }>(
      "SELECT ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y FROM cells WHERE level = 'district'",
    );
    const { x, y } = ext[0]!;
    const bbox = [x - 0.01, y - 0.008, x + 0.012, y + 0.006];
    for (const [path, table, key] of [
      ["/api/v1/cameras", "cameras", "id"],
      ["/api/v1/cells", "cells", "code"],
      ["/api/v1/checkpoints", "checkpoints", "id"],
    ] as const) {
      const { features } = await fetchAll(commander, `${path}?bbox=${bbox.join(",")}`, 5000);
      const { rows } = await server.db.pool.query<{ k: string }>(
        `SELECT ${key} AS k FROM ${table} WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY 1`,
        bbox,
      );
      expect(features.map((f) => f.id).sort()).toEqual(rows.map((r) => r.k));
      if (table === "cameras") expect(rows.length).toBeGreaterThan(0);
    }
  });

  it("answers bad bbox, limit and cursor with 400 and a code naming the field", async () => {
    const cases = [
      ["/api/v1/cells?bbox=1,2,3", "query.bbox"],
      ["/api/v1/cells?bbox=a,b,c,d", "query.bbox"],
      ["/api/v1/cells?bbox=10,10,5,5", "query.bbox"],
      ["/api/v1/cells?bbox=-200,0,0,10", "query.bbox"],
      ["/api/v1/cameras?limit=0", "query.limit"],
      ["/api/v1/cameras?limit=5001", "query.limit"],
      ["/api/v1/cameras?limit=abc", "query.limit"],
      ["/api/v1/checkpoints?cursor=garbage!!", "query.cursor"],
      ["/api/v1/cells?unknown=1", "query"],
      ["/api/v1/cells?bbox=1;DROP TABLE cells,2,3,4", "query.bbox"],
    ] as const;
    for (const [path, field] of cases) {
      const res = await commander.get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe("invalid_query");
      expect(res.body.error.details.problems[0].field).toBe(field);
    }
    const { rows } = await server.db.pool.query("SELECT 1 FROM cells LIMIT 1");
    expect(rows).toHaveLength(1);
  });

  it("gets one cell by code and 404s an unknown one", async () => {
    const { rows } = await server.db.pool.query<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'grid' LIMIT 1",
    );
    const code = rows[0]!.code;
    const ok = await commander.get(`/api/v1/cells/${code}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ type: "Feature", id: code, properties: { level: "grid" } });
    const missing = await commander.get("/api/v1/cells/999999999999999");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });

  it("limits a grid leader to their own grid", async () => {
    const leader = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
    const me = await leader.get("/api/v1/auth/me");
    const cells = await fetchAll(leader, "/api/v1/cells", 5000);
    expect(cells.features.map((f) => f.id)).toEqual(me.body.cells);
    const cameras = await fetchAll(leader, "/api/v1/cameras", 5000);
    expect(cameras.features.every((f) => f.properties.cell_code === me.body.cells[0])).toBe(true);
    const { rows } = await server.db.pool.query<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'grid' AND code <> $1 LIMIT 1",
      [me.body.cells[0]],
    );
    expect((await leader.get(`/api/v1/cells/${rows[0]!.code}`)).status).toBe(404);
  });

  it("requires login", async () => {
    const anonymous = new TestClient(server.url);
    const res = await anonymous.get("/api/v1/cells");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthenticated");
  });
});
