import type { Queryable } from "../../db/pool.js";

/**
 * A synthetic district for benchmarks: `cols × rows` grids of irregular quadrilaterals
 * (jittered corners, each edge split into `edgeSegments` so rings have realistic vertex
 * counts) with exactly shared edges, grouped 10 × 10 into communities and communities into
 * streets by column strips. Deterministic for a seed.
 */
export interface SyntheticDistrictOptions {
  cols: number;
  rows: number;
  lon0?: number;
  lat0?: number;
  /** Grid size in degrees. */
  step?: number;
  edgeSegments?: number;
  seed?: number;
  districtPrefix?: string;
}

export interface SyntheticCell {
  code: string;
  level: "district" | "street" | "community" | "grid";
  parent_code: string | null;
  /** GeoJSON Polygon (grids only; parents are unions computed in PostGIS). */
  geometry: { type: "Polygon"; coordinates: [number, number][][] } | null;
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticDistrict(opts: SyntheticDistrictOptions): {
  cells: SyntheticCell[];
  bbox: [number, number, number, number];
} {
  const { cols, rows } = opts;
  const lon0 = opts.lon0 ?? 120;
  const lat0 = opts.lat0 ?? 30;
  const step = opts.step ?? 0.002;
  const segs = opts.edgeSegments ?? 3;
  const rnd = random(opts.seed ?? 42);
  const prefix = opts.districtPrefix ?? "330100";
  const corner: [number, number][][] = [];
  for (let i = 0; i <= cols; i++) {
    corner.push([]);
    for (let j = 0; j <= rows; j++) {
      const interior = i > 0 && i < cols && j > 0 && j < rows;
      const jx = interior ? (rnd() - 0.5) * step * 0.4 : 0;
      const jy = interior ? (rnd() - 0.5) * step * 0.4 : 0;
      corner[i]!.push([lon0 + i * step + jx, lat0 + j * step + jy]);
    }
  }
  // Points along an edge are computed once from its canonical direction, so both
  // neighbours get bit-identical vertices.
  const edgeCache = new Map<string, [number, number][]>();
  const edge = (
    a: [number, number],
    b: [number, number],
    key: string,
    reverse: boolean,
  ): [number, number][] => {
    let pts = edgeCache.get(key);
    if (!pts) {
      pts = [];
      for (let s = 1; s < segs; s++)
        pts.push([a[0] + ((b[0] - a[0]) * s) / segs, a[1] + ((b[1] - a[1]) * s) / segs]);
      edgeCache.set(key, pts);
    }
    return reverse ? [...pts].reverse() : pts;
  };
  const cells: SyntheticCell[] = [
    { code: `${prefix}000000000`, level: "district", parent_code: null, geometry: null },
  ];
  const streets = Math.ceil(cols / 10);
  const communitiesPerStreet = Math.ceil(rows / 10);
  for (let s = 0; s < streets; s++) {
    const street = `${prefix}${String(s + 1).padStart(3, "0")}000000`;
    cells.push({ code: street, level: "street", parent_code: `${prefix}000000000`, geometry: null });
    for (let c = 0; c < communitiesPerStreet; c++) {
      cells.push({
        code: `${street.slice(0, 9)}${String(c + 1).padStart(3, "0")}000`,
        level: "community",
        parent_code: street,
        geometry: null,
      });
    }
  }
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < rows; j++) {
      const a = corner[i]![j]!;
      const b = corner[i + 1]![j]!;
      const c = corner[i + 1]![j + 1]!;
      const d = corner[i]![j + 1]!;
      const ring: [number, number][] = [
        a,
        ...edge(a, b, `h${i},${j}`, false),
        b,
        ...edge(b, c, `v${i + 1},${j}`, false),
        c,
        ...edge(d, c, `h${i},${j + 1}`, true),
        d,
        ...edge(a, d, `v${i},${j}`, true),
        a,
      ];
      const street = Math.floor(i / 10);
      const community = Math.floor(j / 10);
      const n = (i % 10) * 10 + (j % 10) + 1;
      const communityCode = `${prefix}${String(street + 1).padStart(3, "0")}${String(community + 1).padStart(3, "0")}`;
      cells.push({
        code: `${communityCode}${String(n).padStart(3, "0")}`,
        level: "grid",
        parent_code: `${communityCode}000`,
        geometry: { type: "Polygon", coordinates: [ring] },
      });
    }
  }
  return { cells, bbox: [lon0, lat0, lon0 + cols * step, lat0 + rows * step] };
}

/**
 * Writes the district: parents first with their extent as a placeholder, the grids, then
 * every parent becomes the union of its children (deepest first). `withGrids: false`
 * keeps the parents (shaped by the grids) but leaves the grids out, for import benchmarks.
 */
export async function insertSyntheticDistrict(
  db: Queryable,
  cells: readonly SyntheticCell[],
  withGrids = true,
): Promise<void> {
  const grids = cells.filter((c) => c.level === "grid");
  const box = `ST_Multi(ST_MakeEnvelope(-180, -90, 180, 90, 4326))`;
  for (const level of ["district", "street", "community"] as const) {
    await db.query(
      `INSERT INTO cells (code, name, level, parent_code, path, geom)
       SELECT t.code, t.code, $3, t.parent, coalesce((SELECT path FROM cells WHERE code = t.parent), '{}') || t.code, ${box}
         FROM unnest($1::text[], $2::text[]) AS t(code, parent)`,
      [
        cells.filter((c) => c.level === level).map((c) => c.code),
        cells.filter((c) => c.level === level).map((c) => c.parent_code),
        level,
      ],
    );
  }
  await db.query(
    `INSERT INTO cells (code, name, level, parent_code, path, geom)
     SELECT t.code, t.code, 'grid', t.parent, (SELECT path FROM cells WHERE code = t.parent) || t.code,
            ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(t.g), 4326))
       FROM unnest($1::text[], $2::text[], $3::text[]) AS t(code, parent, g)`,
    [grids.map((g) => g.code), grids.map((g) => g.parent_code), grids.map((g) => JSON.stringify(g.geometry))],
  );
  for (const level of ["community", "street", "district"]) {
    await db.query(
      `UPDATE cells p SET geom = u.geom, version = p.version + 1
         FROM (SELECT parent_code, ST_Multi(ST_Union(geom)) AS geom FROM cells WHERE retired_at IS NULL GROUP BY parent_code) u
        WHERE u.parent_code = p.code AND p.level = $1`,
      [level],
    );
  }
  if (!withGrids) {
    await db.query("DELETE FROM cell_versions WHERE level = 'grid'");
    await db.query("DELETE FROM cells WHERE level = 'grid'");
  }
}
