import type { Queryable } from "../../db/pool.js";

export interface RepairRow {
  valid_before: boolean;
  reason_before: string | null;
  geometry: string | null;
  valid_after: boolean;
  area_before_m2: number | null;
  area_after_m2: number | null;
  moved_area_m2: number | null;
}

/**
 * Repairs a geometry (the candidate given, else the stored one): ST_MakeValid (structure
 * method), snapping to the parent's and nearby siblings' vertices within a tolerance, and
 * trimming what still overlaps siblings. Writes nothing.
 */
export async function selectRepaired(
  db: Queryable,
  code: string,
  candidate: string | null,
  opts: { makeValid: boolean; snapDegrees: number | null; trimOverlaps: boolean },
): Promise<RepairRow | null> {
  const { rows } = await db.query<RepairRow>(
    `WITH c AS (
       SELECT code, parent_code, coalesce(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), geom) AS g
         FROM cells WHERE code = $1 AND retired_at IS NULL
     ), v AS (
       SELECT c.*, CASE WHEN $3 THEN ST_CollectionExtract(ST_MakeValid(c.g, 'method=structure'), 3) ELSE c.g END AS g1 FROM c
     ), s AS (
       SELECT v.*, CASE WHEN $4::float8 IS NULL THEN v.g1 ELSE ST_Snap(v.g1,
                (SELECT ST_Collect(n.geom) FROM cells n
                  WHERE n.retired_at IS NULL AND n.geom && ST_Expand(v.g1, $4::float8)
                    AND ((n.parent_code = v.parent_code AND n.code <> v.code) OR n.code = v.parent_code)), $4::float8) END AS g2
         FROM v
     ), t AS (
       SELECT s.*, CASE WHEN $5 THEN coalesce(ST_CollectionExtract(ST_Difference(s.g2,
                (SELECT ST_Union(n.geom) FROM cells n
                  WHERE n.retired_at IS NULL AND n.parent_code = s.parent_code AND n.code <> s.code AND n.geom && s.g2)), 3), s.g2)
              ELSE s.g2 END AS g3
         FROM s
     )
     SELECT ST_IsValid(g) AS valid_before, (ST_IsValidDetail(g)).reason AS reason_before,
            CASE WHEN ST_IsEmpty(g3) THEN NULL ELSE ST_AsGeoJSON(ST_Multi(g3), 15) END AS geometry,
            ST_IsValid(g3) AS valid_after,
            CASE WHEN ST_IsValid(g) THEN ST_Area(g::geography) END AS area_before_m2,
            CASE WHEN ST_IsValid(g3) THEN ST_Area(g3::geography) END AS area_after_m2,
            CASE WHEN ST_IsValid(g) AND ST_IsValid(g3) THEN ST_Area(ST_SymDifference(g, g3)::geography) END AS moved_area_m2
       FROM t`,
    [code, candidate, opts.makeValid, opts.snapDegrees, opts.trimOverlaps],
  );
  return rows[0] ?? null;
}
