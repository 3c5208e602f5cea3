import type { Queryable } from "../../db/pool.js";

export interface LookupCellRow {
  code: string;
  wkb: Buffer;
}

/** Current cells of the deepest level, in code order (the order decides shared-edge owners). */
export async function selectLeafCells(db: Queryable): Promise<LookupCellRow[]> {
  const { rows } = await db.query<LookupCellRow>(
    `SELECT code, ST_AsBinary(geom, 'NDR') AS wkb
       FROM cells
      WHERE retired_at IS NULL AND level = (SELECT level FROM cell_levels ORDER BY depth DESC LIMIT 1)
      ORDER BY code COLLATE "C"`,
  );
  return rows;
}

/** The same answer in PostGIS, one query per point: what the lookup must agree with. */
export async function selectCoveringLeafCell(
  db: Queryable,
  lon: number,
  lat: number,
): Promise<string | null> {
  const { rows } = await db.query<{ code: string }>(
    `SELECT code FROM cells
      WHERE retired_at IS NULL AND level = (SELECT level FROM cell_levels ORDER BY depth DESC LIMIT 1)
        AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326))
      ORDER BY code COLLATE "C" LIMIT 1`,
    [lon, lat],
  );
  return rows[0]?.code ?? null;
}
