/**
 * A real OGC API – Features client reads the collections: GDAL's OAPIF driver (the same
 * standard QGIS's provider speaks), authenticated with an API token, honouring cell scope.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

const run = promisify(execFile);
let server: TestServer;
let tokenAll: string;
let tokenGrid: string;
let grid: string;

async function ogrinfo(token: string, ...args: string[]) {
  const { stdout } = await run(
    "ogrinfo",
    ["-ro", "-oo", "PAGE_SIZE=200", `OAPIF:${server.url}/ogc`, ...args],
    {
      env: {
        PATH: process.env.PATH ?? "",
        GDAL_HTTP_HEADERS: `Authorization: Bearer ${token}`,
        CPL_DEBUG: "OFF",
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout;
}

beforeAll(async () => {
  server = await startTestServer();
  const admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  const district = (await admin.get("/api/v1/auth/me")).body.cells as string[];
  const { rows } = await server.db.pool.query<{ code: string }>(
    "SELECT code FROM cells WHERE level = 'grid' ORDER BY code LIMIT 1",
  );
  grid = rows[0]!.code;
  const read = ["cells:read", "checkpoints:read", "cameras:read"];
  tokenAll = (await admin.post("/api/v1/tokens", { name: "gdal", permissions: read, cellCodes: district }))
    .body.token;
  tokenGrid = (
    await admin.post("/api/v1/tokens", { name: "gdal-grid", permissions: read, cellCodes: [grid] })
  ).body.token;
});
afterAll(() => server?.close());

describe("OGC API – Features through GDAL's OAPIF client", () => {
  it("lists the collections and reads every cell with paging", async () => {
    const layers = await ogrinfo(tokenAll);
    for (const name of ["cells", "checkpoints", "cameras"])
      expect(layers).toMatch(new RegExp(`: ${name}\\b`));
    const summary = await ogrinfo(tokenAll, "-so", "cells");
    const { rows } = await server.db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM cells WHERE retired_at IS NULL",
    );
    expect(summary).toMatch(new RegExp(`Feature Count: ${rows[0]!.n}\\b`));
    expect(summary).toMatch(/Geometry: (Multi Polygon|Unknown \(any\))/);
    // Reading all features walks the server's `next` links page by page.
    const all = await ogrinfo(tokenAll, "-al", "-geom=NO", "cells");
    expect((all.match(/^OGRFeature\(cells\)/gm) ?? []).length).toBe(rows[0]!.n);
  }, 120_000);

  it("applies a bbox filter and the token's cell scope", async () => {
    const { rows } = await server.db.pool.query<{
      x0: number;
      y0: number;
      x1: number;
      y1: number;
      n: number;
    }>(
      `SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1,
              (SELECT count(*)::int FROM cameras WHERE geom && e) n
         FROM (SELECT ST_Expand(ST_Centroid(geom), 0.01) e FROM cells WHERE level = 'district') s`,
    );
    const box = rows[0]!;
    const out = await ogrinfo(
      tokenAll,
      "-spat",
      `${box.x0}`,
      `${box.y0}`,
      `${box.x1}`,
      `${box.y1}`,
      "-geom=NO",
      "cameras",
    );
    expect((out.match(/^OGRFeature\(cameras\)/gm) ?? []).length).toBe(box.n);
    const scoped = await ogrinfo(tokenGrid, "-al", "-geom=NO", "cells");
    expect((scoped.match(/^OGRFeature\(cells\)/gm) ?? []).length).toBe(1);
    expect(scoped).toContain(grid);
  }, 120_000);
});
