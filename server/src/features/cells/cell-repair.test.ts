import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
});
afterAll(() => server?.close());

describe("repair, only when asked", () => {
  it("snaps a vertex pushed into a neighbour back, previewing before applying", async () => {
    // A vertex of a grid shared with one sibling, and the grid's geometry.
    const { rows } = await server.db.pool.query<{
      code: string;
      geometry: { coordinates: number[][][][] };
      x: number;
      y: number;
    }>(
      `SELECT a.code, ST_AsGeoJSON(a.geom, 15)::json AS geometry, ST_X(p.geom) AS x, ST_Y(p.geom) AS y
         FROM cells a JOIN cells b ON b.parent_code = a.parent_code AND b.code <> a.code AND b.level = 'grid'
         CROSS JOIN LATERAL ST_DumpPoints(ST_ExteriorRing(ST_GeometryN(a.geom, 1))) p
        WHERE a.level = 'grid' AND ST_Intersects(b.geom, p.geom) AND p.path[1] = 2 AND ST_NumGeometries(a.geom) = 1
        LIMIT 1`,
    );
    const { code, geometry, x, y } = rows[0]!;
    const ring = geometry.coordinates[0]![0]!;
    const i = ring.findIndex(([px, py]) => px === x && py === y);
    expect(i).toBeGreaterThanOrEqual(0);
    // Move the shared vertex ~0.5 m (both axes) so the grid now overlaps its neighbour.
    const moved = ring.map(([px, py], k) =>
      k === i || (i === 0 && k === ring.length - 1) ? [px! + 4e-6, py! + 4e-6] : [px!, py!],
    );
    const broken = { type: "MultiPolygon", coordinates: [[moved, ...geometry.coordinates[0]!.slice(1)]] };
    const patch = await admin.patch(`/api/v1/cells/${code}`, { geometry: broken });
    if (patch.status === 200) {
      // Moving outward into a gap-free neighbour must overlap; if it didn't, the vertex moved inward: undo it.
      throw new Error(`expected an overlap, got ${JSON.stringify(patch.body.report)}`);
    }
    expect(patch.body.error.code).toBe("topology_violation");

    const preview = await admin.post(`/api/v1/cells/${code}/repair`, {
      geometry: broken,
      snap_tolerance_m: 2,
    });
    expect(preview.status, preview.text.slice(0, 300)).toBe(200);
    expect(preview.body.dry_run).toBe(true);
    expect(preview.body.report.ok).toBe(true);
    const snapped = preview.body.after.geometry.coordinates[0][0] as number[][];
    expect(snapped[i]).toEqual([x, y]);
    const { rows: stored } = await server.db.pool.query<{ version: number }>(
      "SELECT version FROM cells WHERE code = $1",
      [code],
    );
    expect(stored[0]!.version).toBe(1);

    const applied = await admin.post(`/api/v1/cells/${code}/repair`, {
      geometry: broken,
      snap_tolerance_m: 2,
      apply: true,
    });
    expect(applied.status).toBe(200);
    const { rows: after } = await server.db.pool.query<{ version: number; same: boolean }>(
      "SELECT version, ST_Equals(geom, ST_GeomFromGeoJSON($2)) AS same FROM cells WHERE code = $1",
      [code, JSON.stringify(geometry)],
    );
    expect(after[0]).toEqual({ version: 2, same: true });
  });

  it("makes a self-intersecting candidate valid in a preview and writes nothing", async () => {
    const { rows } = await server.db.pool.query<{ code: string; x: number; y: number }>(
      "SELECT code, ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y FROM cells WHERE level = 'grid' LIMIT 1",
    );
    const { code, x, y } = rows[0]!;
    const d = 0.0005;
    const bowtie = {
      type: "Polygon",
      coordinates: [
        [
          [x, y],
          [x + d, y + d],
          [x + d, y],
          [x, y + d],
          [x, y],
        ],
      ],
    };
    expect((await admin.patch(`/api/v1/cells/${code}`, { geometry: bowtie })).body.error.code).toBe(
      "invalid_geometry",
    );
    const res = await admin.post(`/api/v1/cells/${code}/repair`, { geometry: bowtie, make_valid: true });
    expect(res.status).toBe(200);
    expect(res.body.before).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/self-intersection/i),
    });
    expect(res.body.after.geometry.type).toBe("MultiPolygon");
    expect(res.body.after.geometry.coordinates).toHaveLength(2);
    // The small bow-tie inside the grid would leave most of it uncovered: shown, not written.
    expect(res.body.report.problems.map((p: { kind: string }) => p.kind)).toContain("coverage_gap");
    const { rows: v } = await server.db.pool.query<{ version: number }>(
      "SELECT version FROM cells WHERE code = $1",
      [code],
    );
    expect(v[0]!.version).toBe(1);
    const none = await admin.post(`/api/v1/cells/${code}/repair`, {});
    expect(none.body.error.code).toBe("nothing_to_repair");
  });
});
