import { VectorTile, type VectorTileFeature } from "@mapbox/vector-tile";
import { PbfReader as Pbf } from "pbf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { BUFFER, EXTENT } from "./tiles.layers.js";

let server: TestServer;
let commander: TestClient;
let leader: TestClient;
let leaderGrid: string;
/** Bearer tokens for binary tile requests: district-wide and leader1's grid only. */
let districtToken: string;
let leaderToken: string;

beforeAll(async () => {
  server = await startTestServer();
  [commander, leader] = (await Promise.all(
    ["commander", "leader1"].map((u) => TestClient.loggedIn(server.url, u, server.demoPassword)),
  )) as [TestClient, TestClient];
  const { rows } = await server.db.pool.query<{ code: string }>(
    "SELECT uc.cell_code AS code FROM user_cells uc JOIN users u ON u.id = uc.user_id WHERE u.username = 'leader1'",
  );
  leaderGrid = rows[0]!.code;
  const { rows: d } = await server.db.pool.query<{ code: string }>(
    "SELECT code FROM cells WHERE level = 'district'",
  );
  const admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  const token = async (cellCodes: string[]) => {
    const res = await admin.post("/api/v1/tokens", {
      name: `tiles-${cellCodes[0]}`,
      permissions: ["cells:read", "checkpoints:read", "cameras:read"],
      cellCodes,
    });
    expect(res.status).toBe(201);
    return res.body.token as string;
  };
  districtToken = await token([d[0]!.code]);
  leaderToken = await token([leaderGrid]);
});
afterAll(() => server?.close());

/** Slippy-map tile containing a lon/lat (the standard formula, independent of the server's SQL). */
function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return {
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  };
}

async function getTile(
  token: string,
  layer: string,
  z: number,
  x: number,
  y: number,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${server.url}/tiles/${layer}/${z}/${x}/${y}.mvt`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const tile = new VectorTile(new Pbf(bytes));
  const layerData = tile.layers[layer];
  const features: VectorTileFeature[] = [];
  for (let i = 0; i < (layerData?.length ?? 0); i++) features.push(layerData!.feature(i));
  return { res, bytes, features };
}

const points = (f: VectorTileFeature) => f.loadGeometry().flat();

async function dbIds(sql: string, params: unknown[]): Promise<string[]> {
  const { rows } = await server.db.pool.query<{ k: string }>(sql, params);
  return rows.map((r) => r.k).sort();
}

describe("vector tiles", () => {
  it("a z15 camera tile holds exactly the cameras in the buffered tile, placed where they are", async () => {
    const { rows } = await server.db.pool.query<{ id: string; lon: number; lat: number }>(
      "SELECT id, ST_X(geom) lon, ST_Y(geom) lat FROM cameras ORDER BY id LIMIT 1",
    );
    const cam = rows[0]!;
    const { x, y } = tileOf(cam.lon, cam.lat, 15);
    const { res, features } = await getTile(districtToken, "cameras", 15, x, y);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.mapbox-vector-tile");
    const expected = await dbIds(
      `SELECT id AS k FROM cameras WHERE ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(15, $1, $2, margin => $3::float8))`,
      [x, y, BUFFER / EXTENT],
    );
    expect(features.map((f) => String(f.properties.id)).sort()).toEqual(expected);
    for (const f of features) {
      expect(f.properties.cluster).toBe(false);
      for (const p of points(f)) {
        expect(p.x).toBeGreaterThanOrEqual(-BUFFER);
        expect(p.x).toBeLessThanOrEqual(EXTENT + BUFFER);
        expect(p.y).toBeGreaterThanOrEqual(-BUFFER);
        expect(p.y).toBeLessThanOrEqual(EXTENT + BUFFER);
      }
    }
    const mine = features.find((f) => f.properties.id === cam.id)!;
    const geo = mine.toGeoJSON(x, y, 15).geometry as GeoJSON.Point;
    expect(geo.coordinates[0]).toBeCloseTo(cam.lon, 4);
    expect(geo.coordinates[1]).toBeCloseTo(cam.lat, 4);
  });

  it("a z12 cells tile holds cells down to community level that intersect it, and nothing beyond the buffer", async () => {
    const { rows } = await server.db.pool.query<{ lon: number; lat: number }>(
      "SELECT ST_X(ST_Centroid(geom)) lon, ST_Y(ST_Centroid(geom)) lat FROM cells WHERE level = 'district'",
    );
    const { x, y } = tileOf(rows[0]!.lon, rows[0]!.lat, 12);
    const { features } = await getTile(districtToken, "cells", 12, x, y);
    expect(features.length).toBeGreaterThan(0);
    const levels = new Set(features.map((f) => f.properties.level));
    expect(levels.has("grid")).toBe(false);
    expect(levels.has("community")).toBe(true);
    const candidates = await dbIds(
      `SELECT code AS k FROM cells WHERE retired_at IS NULL AND level <> 'grid'
          AND ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(12, $1, $2, margin => $3::float8))`,
      [x, y, BUFFER / EXTENT],
    );
    const clearlyInside = await dbIds(
      `SELECT code AS k FROM cells WHERE retired_at IS NULL AND level <> 'grid'
          AND ST_Area(ST_Intersection(ST_Transform(geom, 3857), ST_TileEnvelope(12, $1, $2))) > 0.001 * ST_Area(ST_TileEnvelope(12, $1, $2))`,
      [x, y],
    );
    const got = features.map((f) => String(f.properties.code));
    expect(candidates).toEqual(expect.arrayContaining(got));
    expect(got).toEqual(expect.arrayContaining(clearlyInside));
    for (const f of features) {
      for (const p of points(f)) {
        expect(Math.abs(p.x - EXTENT / 2)).toBeLessThanOrEqual(EXTENT / 2 + BUFFER);
        expect(Math.abs(p.y - EXTENT / 2)).toBeLessThanOrEqual(EXTENT / 2 + BUFFER);
      }
    }
  });

  it("clusters cameras at low zoom: counts over the tiles add up to the fleet", async () => {
    const { rows } = await server.db.pool.query<{
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      n: number;
      faulty: number;
    }>(
      `SELECT ST_XMin(e) x1, ST_YMin(e) y1, ST_XMax(e) x2, ST_YMax(e) y2, n, faulty FROM
         (SELECT ST_Extent(geom) e, count(*)::int n,
                 count(*) FILTER (WHERE status IN ('offline', 'auth_failed', 'no_video', 'tampered'))::int faulty FROM cameras) s`,
    );
    await server.db.pool.query(
      "UPDATE cameras SET status = 'offline' WHERE id IN (SELECT id FROM cameras ORDER BY id LIMIT 5)",
    );
    const { rows: f } = await server.db.pool.query<{ faulty: number }>(
      "SELECT count(*) FILTER (WHERE status IN ('offline', 'auth_failed', 'no_video', 'tampered'))::int faulty FROM cameras",
    );
    const r = rows[0]!;
    for (const z of [9, 11, 13]) {
      const a = tileOf(r.x1, r.y2, z);
      const b = tileOf(r.x2, r.y1, z);
      let count = 0;
      let faulty = 0;
      let clusters = 0;
      for (let x = a.x; x <= b.x; x++) {
        for (let y = a.y; y <= b.y; y++) {
          const { features } = await getTile(districtToken, "cameras", z, x, y);
          for (const feature of features) {
            expect(feature.properties.cluster).toBe(true);
            const [p] = points(feature);
            // Clusters in the buffer belong to the neighbouring tile; count each once.
            if (p!.x < 0 || p!.x >= EXTENT || p!.y < 0 || p!.y >= EXTENT) continue;
            count += Number(feature.properties.count);
            faulty += Number(feature.properties.faulty);
            clusters += 1;
          }
        }
      }
      expect(count, `z${z}`).toBe(r.n);
      expect(faulty, `z${z}`).toBe(f[0]!.faulty);
      expect(clusters).toBeLessThan(r.n);
    }
  });

  it("ETag and If-None-Match give 304 until the layer's data changes", async () => {
    const { rows } = await server.db.pool.query<{ id: string; lon: number; lat: number }>(
      "SELECT id, ST_X(geom) lon, ST_Y(geom) lat FROM cameras ORDER BY id DESC LIMIT 1",
    );
    const cam = rows[0]!;
    const { x, y } = tileOf(cam.lon, cam.lat, 16);
    const first = await getTile(districtToken, "cameras", 16, x, y);
    const etag = first.res.headers.get("etag")!;
    expect(etag).toMatch(/^"cameras-\d+-/);
    expect(first.res.headers.get("cache-control")).toBe("private, no-cache");
    const again = await getTile(districtToken, "cameras", 16, x, y, { "if-none-match": etag });
    expect(again.res.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    // Another layer's change leaves this layer's tiles valid.
    await server.db.pool.query(
      "UPDATE checkpoints SET name = name || ' ' WHERE id IN (SELECT id FROM checkpoints LIMIT 1)",
    );
    expect((await getTile(districtToken, "cameras", 16, x, y, { "if-none-match": etag })).res.status).toBe(
      304,
    );
    // A statement that changes no camera does not invalidate.
    await server.db.pool.query("UPDATE cameras SET name = 'x' WHERE id = 'no-such-camera'");
    expect((await getTile(districtToken, "cameras", 16, x, y, { "if-none-match": etag })).res.status).toBe(
      304,
    );
    await server.db.pool.query("UPDATE cameras SET status = 'maintenance' WHERE id = $1", [cam.id]);
    const changed = await getTile(districtToken, "cameras", 16, x, y, { "if-none-match": etag });
    expect(changed.res.status).toBe(200);
    expect(changed.res.headers.get("etag")).not.toBe(etag);
    expect(changed.features.find((f) => f.properties.id === cam.id)?.properties.status).toBe("maintenance");
  });

  it("tiles are per caller: a grid leader gets only their cells' cameras and another ETag", async () => {
    const { rows } = await server.db.pool.query<{ id: string; lon: number; lat: number; inside: boolean }>(
      `SELECT id, ST_X(geom) lon, ST_Y(geom) lat, cell_code = $1 AS inside FROM cameras
        WHERE cell_code = $1 ORDER BY id LIMIT 1`,
      [leaderGrid],
    );
    const cam = rows[0]!;
    const { x, y } = tileOf(cam.lon, cam.lat, 14);
    const mine = await getTile(leaderToken, "cameras", 14, x, y);
    const all = await getTile(districtToken, "cameras", 14, x, y);
    const expected = await dbIds(
      `SELECT id AS k FROM cameras WHERE cell_code = $4
          AND ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(14, $1, $2, margin => $3::float8))`,
      [x, y, BUFFER / EXTENT, leaderGrid],
    );
    expect(mine.features.map((f) => String(f.properties.id)).sort()).toEqual(expected);
    expect(all.features.length).toBeGreaterThan(mine.features.length);
    expect(mine.res.headers.get("etag")).not.toBe(all.res.headers.get("etag"));
    const leaderWithCommanderTag = await getTile(leaderToken, "cameras", 14, x, y, {
      "if-none-match": all.res.headers.get("etag")!,
    });
    expect(leaderWithCommanderTag.res.status).toBe(200);
  });

  it("an empty area gives an empty tile", async () => {
    const { res, bytes } = await getTile(districtToken, "cells", 10, 0, 0);
    expect(res.status).toBe(200);
    expect(bytes.length).toBe(0);
  });

  it("refuses bad coordinates with 400 codes and unknown layers with 404", async () => {
    const cases: [string, number, string][] = [
      ["/tiles/cells/23/0/0.mvt", 400, "tile_zoom_out_of_range"],
      ["/tiles/cells/3/8/0.mvt", 400, "tile_out_of_range"],
      ["/tiles/cells/3/0/8.mvt", 400, "tile_out_of_range"],
      ["/tiles/cells/a/0/0.mvt", 400, "invalid_tile_coordinates"],
      ["/tiles/cells/3/-1/0.mvt", 400, "invalid_tile_coordinates"],
      ["/tiles/cells/3/1.5/0.mvt", 400, "invalid_tile_coordinates"],
      ["/tiles/roads/3/0/0.mvt", 404, "unknown_tile_layer"],
      ["/tiles/roads.json", 404, "unknown_tile_layer"],
    ];
    for (const [path, status, code] of cases) {
      const res = await commander.get(path);
      expect(res.status, path).toBe(status);
      expect(res.body.error.code, path).toBe(code);
    }
    expect((await new TestClient(server.url).get("/tiles/cells/0/0/0.mvt")).status).toBe(401);
  });

  it("serves TileJSON with the tile URL template, scoped bounds and the layer's fields", async () => {
    const res = await leader.get("/tiles/cells.json");
    expect(res.status).toBe(200);
    expect(res.body.tilejson).toBe("3.0.0");
    expect(res.body.tiles).toEqual([`${server.url}/tiles/cells/{z}/{x}/{y}.mvt`]);
    expect(res.body.vector_layers[0].id).toBe("cells");
    const { rows } = await server.db.pool.query<{ b: number[] }>(
      "SELECT ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] b FROM cells WHERE code = $1",
      [leaderGrid],
    );
    for (const [i, v] of (res.body.bounds as number[]).entries()) expect(v).toBeCloseTo(rows[0]!.b[i]!, 9);
    for (const layer of ["checkpoints", "cameras"])
      expect((await commander.get(`/tiles/${layer}.json`)).status).toBe(200);
  });
});
