import type { Queryable } from "../../db/pool.js";
import { type Bbox, bboxClause, cellScopeClause, geoPageParams } from "../../http/geojson.js";

export const CAMERA_STATUSES = ["online", "degraded", "offline", "auth_failed", "no_video", "tampered", "maintenance", "unknown"] as const;

export async function selectCameraPage(
  db: Queryable,
  q: { scope: readonly string[]; bbox?: Bbox | undefined; cursor?: string | undefined; limit: number; status?: string | undefined },
): Promise<{ feature: unknown; key: string }[]> {
  const { rows } = await db.query<{ feature: unknown; key: string }>(
    `SELECT json_build_object('type', 'Feature', 'id', c.id, 'geometry', ST_AsGeoJSON(c.geom, 7)::json,
              'properties', json_build_object('id', c.id, 'name', c.name, 'vendor', c.vendor, 'model', c.model,
                'bearing', c.bearing, 'fov_deg', c.fov_deg, 'range_m', c.range_m, 'mounting_height_m', c.mounting_height_m,
                'checkpoint_id', c.checkpoint_id, 'lane', c.lane, 'cell_code', c.cell_code,
                'status', c.status, 'status_since', c.status_since)) AS feature, c.id AS key
       FROM cameras c
      WHERE ${cellScopeClause("c.cell_code")} AND ${bboxClause("c.geom")}
        AND ($6::text IS NULL OR c.id > $6) AND ($8::text IS NULL OR c.status = $8)
      ORDER BY c.id LIMIT $7`,
    [...geoPageParams(q.scope, q.bbox, q.cursor, q.limit), q.status ?? null],
  );
  return rows;
}
