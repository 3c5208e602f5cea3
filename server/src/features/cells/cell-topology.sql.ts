import type { Queryable } from "../../db/pool.js";

/**
 * Topology checks as set-based PostGIS queries. Every pair search joins on `&&` against
 * the GiST index on current cells (no pairwise loops); areas and distances are computed
 * on the geography (metres, correct at any latitude).
 */

type Json = unknown;

export interface InvalidGeometryRow {
  idx: number;
  reason: string;
  location: Json;
}

/** Validity of candidate geometries (GeoJSON text), before anything is written. */
export async function selectInvalidGeometries(
  db: Queryable,
  geojson: readonly string[],
): Promise<InvalidGeometryRow[]> {
  const { rows } = await db.query<InvalidGeometryRow>(
    `SELECT n::int - 1 AS idx, (d).reason, ST_AsGeoJSON((d).location, 9)::json AS location
       FROM (SELECT n, ST_IsValidDetail(ST_GeomFromGeoJSON(g)) AS d
               FROM unnest($1::text[]) WITH ORDINALITY AS t(g, n)) s
      WHERE NOT (d).valid
      ORDER BY n`,
    [geojson],
  );
  return rows;
}

export interface OutsideParentRow {
  code: string;
  parent_code: string;
  area_m2: number;
  max_distance_m: number;
  geometry: Json;
}

/** Focus cells and their children that reach outside their parent by more than the tolerance. */
export async function selectOutsideParent(
  db: Queryable,
  focus: readonly string[],
  toleranceM: number,
): Promise<OutsideParentRow[]> {
  const { rows } = await db.query<OutsideParentRow>(
    `WITH a AS (
       SELECT c.code, c.parent_code, c.geom FROM cells c
        WHERE c.retired_at IS NULL AND (c.code = ANY($1::text[]) OR c.parent_code = ANY($1::text[]))
     ), d AS (
       SELECT a.code, a.parent_code, p.geom AS pgeom, ST_Difference(a.geom, p.geom) AS outside
         FROM a JOIN cells p ON p.code = a.parent_code AND p.retired_at IS NULL
        WHERE NOT ST_Covers(p.geom, a.geom)
     ), m AS (
       SELECT d.*, (SELECT max(ST_Distance(pt.geom::geography, d.pgeom::geography))
                      FROM ST_DumpPoints(d.outside) pt) AS max_distance_m
         FROM d WHERE NOT ST_IsEmpty(d.outside)
     )
     SELECT code, parent_code, ST_Area(outside::geography) AS area_m2, max_distance_m,
            ST_AsGeoJSON(outside, 9)::json AS geometry
       FROM m WHERE max_distance_m > $2::float8
      ORDER BY code`,
    [focus, toleranceM],
  );
  return rows;
}

export interface OverlapRow {
  code: string;
  other_code: string;
  area_m2: number;
  geometry: Json;
}

/** Pairs of current siblings whose interiors overlap, at least one of them in focus. */
export async function selectSiblingOverlaps(
  db: Queryable,
  focus: readonly string[],
  minAreaM2: number,
  noiseWidthM: number,
): Promise<OverlapRow[]> {
  // The focus set is joined (hashed), not tested with "= ANY(array)" per pair: with 10,000
  // focus codes a per-pair array scan would cost more than the geometry.
  const { rows } = await db.query<OverlapRow>(
    `WITH focus AS MATERIALIZED (SELECT DISTINCT unnest($1::text[]) AS code),
     pairs AS (
       SELECT a.code, b.code AS other_code, a.geom AS ag, b.geom AS bg
         FROM focus f
         JOIN cells a ON a.code = f.code AND a.retired_at IS NULL
         JOIN cells b ON b.retired_at IS NULL AND a.geom && b.geom AND b.code <> a.code
                     AND b.level = a.level AND b.parent_code IS NOT DISTINCT FROM a.parent_code
         LEFT JOIN focus fb ON fb.code = b.code
        WHERE (a.code < b.code OR fb.code IS NULL) AND ST_Relate(a.geom, b.geom, 'T********')
     ), o AS (
       SELECT code, other_code, x.overlap, ST_Area(x.overlap::geography) AS area_m2,
              ST_Perimeter(x.overlap::geography) AS perimeter_m
         FROM pairs CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(ag, bg), 3) AS overlap) x
     )
     SELECT code, other_code, area_m2, ST_AsGeoJSON(overlap, 9)::json AS geometry FROM o
      WHERE area_m2 >= $2::float8 AND 2 * area_m2 / nullif(perimeter_m, 0) >= $3::float8
      ORDER BY code, other_code`,
    [focus, minAreaM2, noiseWidthM],
  );
  return rows;
}

export interface GapRow {
  parent_code: string;
  area_m2: number;
  geometry: Json;
}

/**
 * Parts of a parent no current child covers, less the gaps an admin accepted. Checked for
 * focus cells that have children and for the parents of focus cells (retired ones too,
 * since retiring a cell is what opens a gap).
 */
export async function selectCoverageGaps(
  db: Queryable,
  focus: readonly string[],
  minAreaM2: number,
  noiseWidthM: number,
): Promise<GapRow[]> {
  const { rows } = await db.query<GapRow>(
    `WITH parents AS (
       SELECT p.code, p.geom FROM cells p
        WHERE p.retired_at IS NULL
          AND (p.code = ANY($1::text[]) OR p.code IN (SELECT parent_code FROM cells WHERE code = ANY($1::text[])))
          AND EXISTS (SELECT 1 FROM cells k WHERE k.parent_code = p.code AND k.retired_at IS NULL)
     ), uncovered AS (
       SELECT p.code, ST_Difference(p.geom,
                (SELECT ST_Union(k.geom) FROM cells k WHERE k.parent_code = p.code AND k.retired_at IS NULL)) AS gap
         FROM parents p
     ), unaccepted AS (
       SELECT u.code, coalesce(ST_Difference(u.gap,
                (SELECT ST_Union(a.geom) FROM cell_accepted_gaps a WHERE a.parent_code = u.code)), u.gap) AS gap
         FROM uncovered u
     ), parts AS (
       SELECT code, (ST_Dump(ST_CollectionExtract(gap, 3))).geom AS part FROM unaccepted WHERE NOT ST_IsEmpty(gap)
     )
     SELECT code AS parent_code, ST_Area(part::geography) AS area_m2, ST_AsGeoJSON(part, 9)::json AS geometry
       FROM parts
      WHERE ST_Area(part::geography) >= $2::float8
        AND 2 * ST_Area(part::geography) / nullif(ST_Perimeter(part::geography), 0) >= $3::float8
      ORDER BY code, 2 DESC`,
    [focus, minAreaM2, noiseWidthM],
  );
  return rows;
}

export interface SliverRow {
  code: string;
  part: number;
  area_m2: number;
  geometry: Json;
}

/** Polygon parts of focus cells smaller than the sliver area. */
export async function selectSlivers(
  db: Queryable,
  focus: readonly string[],
  sliverAreaM2: number,
): Promise<SliverRow[]> {
  const { rows } = await db.query<SliverRow>(
    `SELECT c.code, d.path[1] AS part, ST_Area(d.geom::geography) AS area_m2, ST_AsGeoJSON(d.geom, 9)::json AS geometry
       FROM cells c, LATERAL ST_Dump(c.geom) d
      WHERE c.retired_at IS NULL AND c.code = ANY($1::text[]) AND ST_Area(d.geom::geography) < $2::float8
      ORDER BY c.code, d.path[1]`,
    [focus, sliverAreaM2],
  );
  return rows;
}

/** The cell and every current cell below it. */
export async function selectSubtreeCodes(db: Queryable, code: string): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    "SELECT code FROM cells WHERE retired_at IS NULL AND path && ARRAY[$1::text] ORDER BY code",
    [code],
  );
  return rows.map((r) => r.code);
}

export async function selectTopologySettings(db: Queryable): Promise<unknown> {
  const { rows } = await db.query<{ value: unknown }>(
    "SELECT value FROM settings WHERE key = 'cells.topology'",
  );
  return rows[0]?.value ?? null;
}

/** Pairwise overlap search without the index: only for the benchmark's baseline. */
export async function selectSiblingOverlapsNaive(db: Queryable, focus: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM cells a, cells b
      WHERE a.code = ANY($1::text[]) AND b.code = ANY($1::text[]) AND a.code < b.code
        AND a.retired_at IS NULL AND b.retired_at IS NULL AND a.parent_code IS NOT DISTINCT FROM b.parent_code
        AND ST_Relate(a.geom, b.geom, 'T********')`,
    [focus],
  );
  return rows[0]!.n;
}
