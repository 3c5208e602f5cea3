import type { Queryable } from "../../db/pool.js";
import { type Bbox, bboxClause, geoPageParams } from "../../http/geojson.js";

const cellFeature = `json_build_object('type', 'Feature', 'id', code,
  'geometry', ST_AsGeoJSON(geom, 7)::json,
  'properties', json_build_object('code', code, 'name', name, 'name_en', name_en, 'level', level,
    'parent_code', parent_code, 'version', version))`;

export async function selectCellPage(
  db: Queryable,
  q: {
    scope: readonly string[];
    bbox?: Bbox | undefined;
    cursor?: string | undefined;
    limit: number;
    level?: string | undefined;
  },
): Promise<{ feature: unknown; key: string }[]> {
  const { rows } = await db.query<{ feature: unknown; key: string }>(
    `SELECT ${cellFeature} AS feature, code AS key
       FROM cells
      WHERE retired_at IS NULL AND path && $1::text[] AND ${bboxClause("geom")}
        AND ($6::text IS NULL OR code > $6) AND ($8::text IS NULL OR level = $8)
      ORDER BY code LIMIT $7`,
    [...geoPageParams(q.scope, q.bbox, q.cursor, q.limit), q.level ?? null],
  );
  return rows;
}

export async function selectCellFeature(
  db: Queryable,
  code: string,
  scope: readonly string[],
): Promise<unknown | null> {
  const { rows } = await db.query<{ feature: unknown }>(
    `SELECT ${cellFeature} AS feature FROM cells WHERE code = $1 AND retired_at IS NULL AND path && $2::text[]`,
    [code, scope],
  );
  return rows[0]?.feature ?? null;
}
