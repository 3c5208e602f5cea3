import type { Queryable } from "../../db/pool.js";

/**
 * Upserts cells of one level from GeoJSON features. Unchanged cells are left alone so a
 * re-run creates no new versions; changed ones get version + 1 (history via trigger).
 */
export async function upsertCellsOfLevel(db: Queryable, level: string, features: unknown[]): Promise<number> {
  const { rowCount } = await db.query(
    `WITH input AS (
       SELECT f->'properties'->>'code' AS code, f->'properties'->>'name' AS name,
              f->'properties'->>'name_en' AS name_en, f->'properties'->>'parent_code' AS parent_code,
              ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326)) AS geom
         FROM json_array_elements($2::json) AS f)
     INSERT INTO cells (code, name, name_en, level, parent_code, path, geom)
     SELECT i.code, i.name, i.name_en, $1, i.parent_code, coalesce(p.path, '{}') || i.code, i.geom
       FROM input i LEFT JOIN cells p ON p.code = i.parent_code
     ON CONFLICT (code) DO UPDATE
       SET name = excluded.name, name_en = excluded.name_en, parent_code = excluded.parent_code,
           path = excluded.path, geom = excluded.geom, version = cells.version + 1, updated_at = now(), retired_at = NULL
     WHERE cells.name IS DISTINCT FROM excluded.name OR cells.name_en IS DISTINCT FROM excluded.name_en
        OR cells.parent_code IS DISTINCT FROM excluded.parent_code OR cells.retired_at IS NOT NULL
        OR NOT ST_Equals(cells.geom, excluded.geom)`,
    [level, JSON.stringify(features)],
  );
  return rowCount ?? 0;
}

export async function upsertCheckpoints(db: Queryable, features: unknown[]): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO checkpoints (id, name, name_en, grade, road, direction, cell_code, geom)
     SELECT f->'properties'->>'id', f->'properties'->>'name', f->'properties'->>'name_en', f->'properties'->>'grade',
            f->'properties'->>'road', f->'properties'->>'direction', f->'properties'->>'cell_code',
            ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326)
       FROM json_array_elements($1::json) AS f
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, grade = excluded.grade,
       road = excluded.road, direction = excluded.direction, cell_code = excluded.cell_code, geom = excluded.geom,
       updated_at = now()
     WHERE (checkpoints.name, checkpoints.grade, checkpoints.road, checkpoints.direction, checkpoints.cell_code)
           IS DISTINCT FROM (excluded.name, excluded.grade, excluded.road, excluded.direction, excluded.cell_code)
        OR NOT ST_Equals(checkpoints.geom, excluded.geom)`,
    [JSON.stringify(features)],
  );
  return rowCount ?? 0;
}

export async function upsertCameras(db: Queryable, features: unknown[]): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO cameras (id, name, vendor, model, geom, bearing, fov_deg, range_m, mounting_height_m,
                          checkpoint_id, lane, cell_code)
     SELECT p->>'id', p->>'name', p->>'vendor', p->>'model', ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326),
            (p->>'bearing')::float8, (p->>'fov_deg')::float8, (p->>'range_m')::float8,
            (p->>'mounting_height_m')::float8, p->>'checkpoint_id', (p->>'lane')::smallint, p->>'cell_code'
       FROM json_array_elements($1::json) AS f, LATERAL (SELECT f->'properties' AS p) props
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, vendor = excluded.vendor, model = excluded.model,
       geom = excluded.geom, bearing = excluded.bearing, fov_deg = excluded.fov_deg, range_m = excluded.range_m,
       mounting_height_m = excluded.mounting_height_m, checkpoint_id = excluded.checkpoint_id, lane = excluded.lane,
       cell_code = excluded.cell_code, updated_at = now()
     WHERE (cameras.name, cameras.vendor, cameras.model, cameras.bearing, cameras.fov_deg, cameras.range_m,
            cameras.mounting_height_m, cameras.checkpoint_id, cameras.lane, cameras.cell_code)
           IS DISTINCT FROM (excluded.name, excluded.vendor, excluded.model, excluded.bearing, excluded.fov_deg,
            excluded.range_m, excluded.mounting_height_m, excluded.checkpoint_id, excluded.lane, excluded.cell_code)
        OR NOT ST_Equals(cameras.geom, excluded.geom)`,
    [JSON.stringify(features)],
  );
  return rowCount ?? 0;
}

export async function upsertLanes(
  db: Queryable,
  lanes: { checkpointId: string; lane: number; direction: string; cameraId: string | null }[],
) {
  await db.query(
    `INSERT INTO checkpoint_lanes (checkpoint_id, lane, direction, camera_id)
     SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[])
     ON CONFLICT (checkpoint_id, lane) DO UPDATE SET direction = excluded.direction, camera_id = excluded.camera_id
     WHERE (checkpoint_lanes.direction, checkpoint_lanes.camera_id) IS DISTINCT FROM (excluded.direction, excluded.camera_id)`,
    [
      lanes.map((l) => l.checkpointId),
      lanes.map((l) => l.lane),
      lanes.map((l) => l.direction),
      lanes.map((l) => l.cameraId),
    ],
  );
}
