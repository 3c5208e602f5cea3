import type { Queryable } from "../../db/pool.js";

export interface CellVersionAt {
  code: string;
  version: number;
  name: string;
  name_en: string | null;
  level: string;
  parent_code: string | null;
  valid_from: Date;
  valid_to: Date | null;
  geometry: unknown;
}

export type CellAtTarget = string | { lon: number; lat: number };

/**
 * The cell as it was at `time`: by code, that cell's version then; by point, the grid
 * (deepest level) version that covered the point then, lowest code on shared edges. So an
 * incident recorded at T keeps the cell it had even after later edits or retirement.
 */
export async function cellAt(db: Queryable, target: CellAtTarget, time: Date): Promise<CellVersionAt | null> {
  const columns = `v.code, v.version, v.name, v.name_en, v.level, v.parent_code, v.valid_from, v.valid_to,
                   ST_AsGeoJSON(v.geom, 9)::json AS geometry`;
  const during = "v.valid_from <= $2::timestamptz AND (v.valid_to IS NULL OR v.valid_to > $2::timestamptz)";
  if (typeof target === "string") {
    const { rows } = await db.query<CellVersionAt>(
      `SELECT ${columns} FROM cell_versions v WHERE v.code = $1 AND ${during} ORDER BY v.version DESC LIMIT 1`,
      [target, time],
    );
    return rows[0] ?? null;
  }
  if (!Number.isFinite(target.lon) || !Number.isFinite(target.lat)) return null;
  const { rows } = await db.query<CellVersionAt>(
    `SELECT ${columns} FROM cell_versions v
      WHERE ${during} AND v.level = (SELECT level FROM cell_levels ORDER BY depth DESC LIMIT 1)
        AND ST_Covers(v.geom, ST_SetSRID(ST_MakePoint($1::float8, $3::float8), 4326))
      ORDER BY v.code COLLATE "C" LIMIT 1`,
    [target.lon, time, target.lat],
  );
  return rows[0] ?? null;
}

export interface CellVersionRow {
  version: number;
  name: string;
  name_en: string | null;
  level: string;
  parent_code: string | null;
  valid_from: Date;
  valid_to: Date | null;
  area_m2: number;
  geometry: unknown;
}

export async function selectCellVersions(db: Queryable, code: string): Promise<CellVersionRow[]> {
  const { rows } = await db.query<CellVersionRow>(
    `SELECT version, name, name_en, level, parent_code, valid_from, valid_to, ST_Area(geom::geography) AS area_m2,
            ST_AsGeoJSON(geom, 9)::json AS geometry
       FROM cell_versions WHERE code = $1 ORDER BY version DESC`,
    [code],
  );
  return rows;
}
