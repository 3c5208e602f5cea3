import type { Queryable } from "../../db/pool.js";
import { type Bbox, bboxClause, cellScopeClause, geoPageParams } from "../../http/geojson.js";

export async function selectCheckpointPage(
  db: Queryable,
  q: {
    scope: readonly string[];
    bbox?: Bbox | undefined;
    cursor?: string | undefined;
    limit: number;
    grade?: string | undefined;
  },
): Promise<{ feature: unknown; key: string }[]> {
  const { rows } = await db.query<{ feature: unknown; key: string }>(
    `SELECT json_build_object('type', 'Feature', 'id', k.id, 'geometry', ST_AsGeoJSON(k.geom, 7)::json,
              'properties', json_build_object('id', k.id, 'name', k.name, 'name_en', k.name_en, 'grade', k.grade,
                'road', k.road, 'direction', k.direction, 'cell_code', k.cell_code,
                'lanes', coalesce((SELECT json_agg(json_build_object('number', l.lane, 'direction', l.direction,
                  'camera_id', l.camera_id) ORDER BY l.lane) FROM checkpoint_lanes l WHERE l.checkpoint_id = k.id), '[]'::json)))
              AS feature, k.id AS key
       FROM checkpoints k
      WHERE ${cellScopeClause("k.cell_code")} AND ${bboxClause("k.geom")}
        AND ($6::text IS NULL OR k.id > $6) AND ($8::text IS NULL OR k.grade = $8)
      ORDER BY k.id LIMIT $7`,
    [...geoPageParams(q.scope, q.bbox, q.cursor, q.limit), q.grade ?? null],
  );
  return rows;
}
