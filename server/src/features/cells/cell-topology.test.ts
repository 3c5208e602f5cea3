import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test-support/test-db.js";
import {
  checkCandidateValidity,
  checkSubtree,
  DEFAULT_TOPOLOGY_SETTINGS,
  type TopologyProblem,
} from "./cell-topology.js";

let db: TestDatabase;

type Ring = [number, number][];
type Poly = Ring[];
const rect = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const multi = (...polys: Poly[]) => ({ type: "MultiPolygon", coordinates: polys });

/** Spherical area of a longitude/latitude rectangle (an independent known answer). */
function rectAreaM2(x0: number, y0: number, x1: number, y1: number): number {
  const r = 6371008.8;
  const rad = Math.PI / 180;
  return r * r * (x1 - x0) * rad * Math.abs(Math.sin(y1 * rad) - Math.sin(y0 * rad));
}

/**
 * Inserts district → street → community (all `outline`) → the given grids, under district
 * code `district` (6 digits). Returns the community code.
 */
async function scenario(district: string, outline: Ring, grids: Poly[][]): Promise<string> {
  const d = `${district}000000000`;
  const s = `${district}001000000`;
  const c = `${district}001001000`;
  const rows: [string, string, string | null, string[], unknown][] = [
    [d, "district", null, [d], multi([outline])],
    [s, "street", d, [d, s], multi([outline])],
    [c, "community", s, [d, s, c], multi([outline])],
    ...grids.map((polys, i): [string, string, string | null, string[], unknown] => {
      const g = `${district}001001${String(i + 1).padStart(3, "0")}`;
      return [g, "grid", c, [d, s, c, g], multi(...polys)];
    }),
  ];
  for (const [code, level, parent, path, geom] of rows) {
    await db.pool.query(
      `INSERT INTO cells (code, name, level, parent_code, path, geom)
       VALUES ($1, $1, $2, $3, $4, ST_SetSRID(ST_GeomFromGeoJSON($5), 4326))`,
      [code, level, parent, path, JSON.stringify(geom)],
    );
  }
  return c;
}

async function check(district: string, settings = DEFAULT_TOPOLOGY_SETTINGS) {
  return checkSubtree(db.pool, `${district}000000000`, settings);
}

async function equalsRect(geometry: unknown, r: Ring): Promise<boolean> {
  const { rows } = await db.pool.query<{ eq: boolean }>(
    "SELECT ST_Equals(ST_GeomFromGeoJSON($1), ST_GeomFromGeoJSON($2)) AS eq",
    [JSON.stringify(geometry), JSON.stringify({ type: "Polygon", coordinates: [r] })],
  );
  return rows[0]!.eq;
}

const kinds = (problems: TopologyProblem[]) => problems.map((p) => p.kind).sort();

beforeAll(async () => {
  db = await createTestDatabase({ demo: false });
});
afterAll(() => db?.drop());

describe("topology checks on fixtures with known answers", () => {
  it("a clean partition has no problems", async () => {
    await scenario("110101", rect(116, 39, 116.02, 39.02), [
      [[rect(116, 39, 116.01, 39.01)]],
      [[rect(116.01, 39, 116.02, 39.01)]],
      [[rect(116, 39.01, 116.01, 39.02)]],
      [[rect(116.01, 39.01, 116.02, 39.02)]],
    ]);
    const report = await check("110101");
    expect(report).toEqual({ ok: true, errors: 0, warnings: 0, problems: [] });
  });

  it("finds a sibling overlap and a coverage gap with their geometry and area", async () => {
    await scenario("110102", rect(117, 39, 117.02, 39.02), [
      [[rect(117, 39, 117.011, 39.02)]],
      [[rect(117.01, 39, 117.02, 39.015)]],
    ]);
    const report = await check("110102");
    expect(report.ok).toBe(false);
    expect(kinds(report.problems)).toEqual(["coverage_gap", "sibling_overlap"]);
    const overlap = report.problems.find((p) => p.kind === "sibling_overlap")!;
    expect(overlap).toMatchObject({
      code: "110102001001001",
      other_code: "110102001001002",
      severity: "error",
    });
    expect(
      overlap.kind === "sibling_overlap" &&
        (await equalsRect(overlap.geometry, rect(117.01, 39, 117.011, 39.015))),
    ).toBe(true);
    const overlapArea = rectAreaM2(117.01, 39, 117.011, 39.015);
    expect(
      overlap.kind === "sibling_overlap" && Math.abs(overlap.area_m2 - overlapArea) / overlapArea,
    ).toBeLessThan(0.01);
    const gap = report.problems.find((p) => p.kind === "coverage_gap")!;
    expect(gap).toMatchObject({ parent_code: "110102001001000", severity: "warning" });
    expect(
      gap.kind === "coverage_gap" && (await equalsRect(gap.geometry, rect(117.011, 39.015, 117.02, 39.02))),
    ).toBe(true);
    const expected = rectAreaM2(117.011, 39.015, 117.02, 39.02);
    expect(gap.kind === "coverage_gap" && Math.abs(gap.area_m2 - expected) / expected).toBeLessThan(0.01);
  });

  it("reports a hole in a child as a gap of its parent, and clears it once accepted", async () => {
    const hole = rect(118.002, 39.002, 118.004, 39.004);
    const community = await scenario("110103", rect(118, 39, 118.02, 39.02), [
      [[rect(118, 39, 118.01, 39.02), [...hole].reverse()]],
      [[rect(118.01, 39, 118.02, 39.02)]],
    ]);
    const report = await check("110103");
    expect(report.ok).toBe(true);
    expect(report.problems).toHaveLength(1);
    const gap = report.problems[0]!;
    expect(gap).toMatchObject({ kind: "coverage_gap", parent_code: community });
    expect(gap.kind === "coverage_gap" && (await equalsRect(gap.geometry, hole))).toBe(true);
    await db.pool.query(
      "INSERT INTO cell_accepted_gaps (parent_code, geom, reason) VALUES ($1, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 'pond')",
      [community, JSON.stringify({ type: "Polygon", coordinates: [hole] })],
    );
    expect((await check("110103")).problems).toEqual([]);
  });

  it("handles multipolygon cells that interleave with a sibling", async () => {
    await scenario("110104", rect(119, 39, 119.02, 39.02), [
      [[rect(119, 39, 119.005, 39.02)], [rect(119.015, 39, 119.02, 39.02)]],
      [[rect(119.005, 39, 119.015, 39.02)]],
    ]);
    expect((await check("110104")).problems).toEqual([]);
  });

  it("flags a child reaching outside its parent beyond the tolerance, with distance and area", async () => {
    await scenario("110105", rect(120, 30, 120.02, 30.02), [
      [[rect(120, 30, 120.01, 30.02)]],
      [[rect(120.01, 30, 120.021, 30.02)]],
    ]);
    const report = await check("110105");
    const outside = report.problems.filter((p) => p.kind === "outside_parent");
    expect(outside).toHaveLength(1);
    const p = outside[0]!;
    expect(p).toMatchObject({ code: "110105001001002", parent_code: "110105001001000" });
    const metresPerDegreeLon = (Math.PI / 180) * 6378137 * Math.cos((30 * Math.PI) / 180);
    expect(p.kind === "outside_parent" && p.max_distance_m).toBeGreaterThan(
      0.001 * metresPerDegreeLon * 0.99,
    );
    expect(p.kind === "outside_parent" && p.max_distance_m).toBeLessThan(0.001 * metresPerDegreeLon * 1.01);
    expect(
      p.kind === "outside_parent" && (await equalsRect(p.geometry, rect(120.02, 30, 120.021, 30.02))),
    ).toBe(true);
    // With a tolerance larger than the overhang the same cells pass.
    const lenient = await check("110105", { ...DEFAULT_TOPOLOGY_SETTINGS, parentToleranceM: 120 });
    expect(lenient.problems.filter((x) => x.kind === "outside_parent")).toEqual([]);
  });

  it("finds slivers by area in square metres", async () => {
    const s = 0.00003;
    await scenario("110106", rect(121, 0, 121.02, 0.02), [
      [[rect(121, 0, 121.02, 0.01)]],
      [[rect(121, 0.01, 121.02, 0.02 - s)]],
      [[rect(121, 0.02 - s, 121 + s, 0.02)]],
    ]);
    const report = await check("110106");
    const slivers = report.problems.filter((p) => p.kind === "sliver");
    // 0.00003° square at the equator ≈ 11.1 m²: not a sliver at 10 m², one at 12 m².
    expect(slivers).toEqual([]);
    const stricter = await check("110106", { ...DEFAULT_TOPOLOGY_SETTINGS, sliverAreaM2: 12 });
    expect(
      stricter.problems.filter((p) => p.kind === "sliver").map((p) => p.kind === "sliver" && p.code),
    ).toEqual(["110106001001003"]);
  });

  it("measures in metres at high latitude (70°N): same degrees, different verdicts", async () => {
    const s = 0.00003;
    const overhang = 0.00001; // ≈0.38 m of longitude at 70°N, ≈1.1 m at the equator
    await scenario("110107", rect(20, 70, 20.02, 70.02), [
      [[rect(20, 70, 20.01, 70.02)]],
      [[rect(20.01, 70, 20.02 + overhang, 70.02 - s)]],
      [[rect(20.01, 70.02 - s, 20.01 + s, 70.02)]],
    ]);
    const report = await check("110107");
    expect(report.problems.filter((p) => p.kind === "outside_parent")).toEqual([]);
    expect(
      report.problems.filter((p) => p.kind === "sliver").map((p) => p.kind === "sliver" && p.code),
    ).toEqual(["110107001001003"]);
    await scenario("110108", rect(20, 0, 20.02, 0.02), [
      [[rect(20, 0, 20.01, 0.02)]],
      [[rect(20.01, 0, 20.02 + overhang, 0.02)]],
    ]);
    const equator = await check("110108");
    expect(equator.problems.filter((p) => p.kind === "outside_parent")).toHaveLength(1);
  });

  it("reports a self-intersecting candidate with GEOS's reason and location", async () => {
    const bowtie = {
      type: "Polygon",
      coordinates: [
        [
          [122, 30],
          [122.01, 30.01],
          [122.01, 30],
          [122, 30.01],
          [122, 30],
        ],
      ],
    };
    const report = await checkCandidateValidity(db.pool, [
      { geometry: { type: "Polygon", coordinates: [rect(122, 30, 122.01, 30.01)] }, code: "ok", row: 1 },
      { geometry: bowtie, code: null, row: 2 },
    ]);
    expect(report.problems).toHaveLength(1);
    const p = report.problems[0]!;
    expect(p).toMatchObject({
      kind: "invalid_geometry",
      row: 2,
      reason: expect.stringMatching(/self-intersection/i),
    });
    expect(p.kind === "invalid_geometry" && p.location).toEqual({
      type: "Point",
      coordinates: [122.005, 30.005],
    });
  });
});
