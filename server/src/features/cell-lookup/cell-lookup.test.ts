import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test-support/test-db.js";
import { CELLS_CHANGED_CHANNEL, type CellLookup, createCellLookup } from "./cell-lookup.js";
import { selectCoveringLeafCell } from "./cell-lookup.sql.js";

let db: TestDatabase;
let lookup: CellLookup;
let rtree: CellLookup;

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  lookup = await createCellLookup(db.pool);
  rtree = await createCellLookup(db.pool, { index: "rtree" });
});
afterAll(async () => {
  await lookup?.close();
  await db?.drop();
});

/** PostGIS's answer for many points in one set-based query. */
async function postgisOwners(points: [number, number][]): Promise<(string | null)[]> {
  const { rows } = await db.pool.query<{ code: string | null }>(
    `SELECT (SELECT c.code FROM cells c
              WHERE c.retired_at IS NULL AND c.level = 'grid'
                AND ST_Covers(c.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326))
              ORDER BY c.code COLLATE "C" LIMIT 1) AS code
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(x, y, n)
      ORDER BY p.n`,
    [points.map((p) => p[0]), points.map((p) => p[1])],
  );
  return rows.map((r) => r.code);
}

async function gridVerticesAndMidpoints(): Promise<{
  vertices: [number, number][];
  midpoints: [number, number][];
}> {
  const { rows } = await db.pool.query<{ x: number; y: number; nx: number; ny: number }>(
    `SELECT ST_X(d.geom) AS x, ST_Y(d.geom) AS y,
            ST_X(ST_PointN(r.ring, (d.path[1] % ST_NPoints(r.ring)) + 1)) AS nx,
            ST_Y(ST_PointN(r.ring, (d.path[1] % ST_NPoints(r.ring)) + 1)) AS ny
       FROM cells c,
            LATERAL (SELECT ST_ExteriorRing((ST_Dump(c.geom)).geom) AS ring) r,
            LATERAL ST_DumpPoints(r.ring) d
      WHERE c.level = 'grid' AND c.retired_at IS NULL`,
  );
  return {
    vertices: rows.map((r) => [r.x, r.y]),
    midpoints: rows.map((r) => [(r.x + r.nx) / 2, (r.y + r.ny) / 2]),
  };
}

describe("createCellLookup", () => {
  it("indexes every current grid cell", async () => {
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM cells WHERE level = 'grid' AND retired_at IS NULL",
    );
    expect(lookup.size).toBe(rows[0]!.n);
    expect(lookup.size).toBeGreaterThan(100);
  });

  it("agrees with ST_Covers on random points, vertices and edge midpoints", async () => {
    const { rows } = await db.pool.query<{ x0: number; y0: number; x1: number; y1: number }>(
      `SELECT ST_XMin(e) - 0.002 AS x0, ST_YMin(e) - 0.002 AS y0, ST_XMax(e) + 0.002 AS x1, ST_YMax(e) + 0.002 AS y1
         FROM (SELECT ST_Extent(geom)::box2d AS e FROM cells WHERE level = 'district') s`,
    );
    const { x0, y0, x1, y1 } = rows[0]!;
    const random = mulberry32(20240601);
    const randomPoints: [number, number][] = Array.from({ length: 4000 }, () => [
      x0 + random() * (x1 - x0),
      y0 + random() * (y1 - y0),
    ]);
    const { vertices, midpoints } = await gridVerticesAndMidpoints();
    for (const [label, points] of [
      ["random", randomPoints],
      ["vertices", vertices],
      ["edge midpoints", midpoints],
    ] as const) {
      const expected = await postgisOwners(points);
      for (const [kind, index] of [
        ["buckets", lookup],
        ["r-tree", rtree],
      ] as const) {
        const actual = points.map(([x, y]) => index.lookup(x, y));
        const disagreements = points.filter((_, i) => actual[i] !== expected[i]);
        expect(disagreements, `${label} (${kind})`).toEqual([]);
      }
      if (label === "random") {
        expect(expected.filter((c) => c === null).length).toBeGreaterThan(0);
        expect(new Set(expected).size).toBeGreaterThan(100);
      }
    }
    // Shared vertices really are shared: several grids cover them, and the lowest code wins.
    const { rows: shared } = await db.pool.query<{ x: number; y: number; codes: string[] }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y, array_agg(c.code ORDER BY c.code COLLATE "C") AS codes
         FROM (SELECT DISTINCT (ST_DumpPoints(geom)).geom AS p FROM cells WHERE level = 'grid') v
         JOIN cells c ON c.level = 'grid' AND ST_Covers(c.geom, v.p)
        GROUP BY p HAVING count(*) >= 3 LIMIT 20`,
    );
    expect(shared.length).toBeGreaterThan(0);
    for (const s of shared) {
      expect(lookup.lookup(s.x, s.y)).toBe(s.codes[0]);
      expect(rtree.lookup(s.x, s.y)).toBe(s.codes[0]);
    }
  });

  it("answers null for points outside every grid and for non-finite input", () => {
    expect(lookup.lookup(0, 0)).toBeNull();
    expect(lookup.lookup(Number.NaN, 30)).toBeNull();
    expect(lookup.lookup(120, Number.POSITIVE_INFINITY)).toBeNull();
  });

  it("rebuilds by itself when a cell change is committed", async () => {
    const auto = await createCellLookup(db.pool, { autoRefresh: true });
    try {
      const { rows } = await db.pool.query<{ code: string; x: number; y: number }>(
        `SELECT code, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
           FROM cells WHERE level = 'grid' ORDER BY code LIMIT 1`,
      );
      const { code, x, y } = rows[0]!;
      expect(auto.lookup(x, y)).toBe(code);
      const client = await db.pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("UPDATE cells SET retired_at = now(), version = version + 1 WHERE code = $1", [
          code,
        ]);
        await client.query("SELECT pg_notify($1, $2)", [CELLS_CHANGED_CHANNEL, code]);
        expect(auto.lookup(x, y)).toBe(code); // not committed yet
        await client.query("COMMIT");
      } finally {
        client.release();
      }
      await expect
        .poll(() => auto.lookup(x, y), { timeout: 5000 })
        .toBe(await selectCoveringLeafCell(db.pool, x, y));
      expect(auto.lookup(x, y)).not.toBe(code);
      expect(auto.size).toBe(lookup.size - 1);
    } finally {
      await auto.close();
    }
  });
});

/** Small seeded PRNG so the sample points are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("sharedCellLookup", () => {
  it("hands every caller on a pool the same instance", async () => {
    const { sharedCellLookup } = await import("./cell-lookup.js");
    const [a, b] = await Promise.all([sharedCellLookup(db.pool), sharedCellLookup(db.pool)]);
    expect(a).toBe(b);
    expect(a.size).toBeGreaterThan(0);
    await a.close();
  });
});
