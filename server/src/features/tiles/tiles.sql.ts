import type { Queryable } from "../../db/pool.js";
import {
  BUFFER,
  CAMERA_CLUSTER_BELOW,
  CLUSTER_CELL,
  EXTENT,
  maxCellDepth,
  type TileLayerId,
} from "./tiles.layers.js";

export interface TileRequest {
  z: number;
  x: number;
  y: number;
  scope: readonly string[];
}

/** Web Mercator world width in metres; a tile pixel at zoom z is this / 2^z / EXTENT. */
const WORLD = 40_075_016.685578488;
const pixelMetres = (z: number) => WORLD / 2 ** z / EXTENT;

const FAULTY = "('offline', 'auth_failed', 'no_video', 'tampered')";

const scopeByCell = (column: string) =>
  `(EXISTS (SELECT 1 FROM cells sc WHERE sc.code = ${column} AND sc.path && $1::text[])
    OR (${column} IS NULL AND EXISTS (SELECT 1 FROM cells d WHERE d.code = ANY($1::text[]) AND d.level = 'district')))`;

/**
 * $1 scope, $2..$4 z/x/y, $5 query margin (share of the tile). `env` is the tile in 3857 for
 * ST_AsMVTGeom; `qenv` the buffered tile in 4326 for the index lookup on stored geometry.
 */
const bounds = `b AS (SELECT ST_TileEnvelope($2, $3, $4) AS env,
                           ST_Transform(ST_TileEnvelope($2, $3, $4, margin => $5::float8), 4326) AS qenv)`;

const mvtGeom = (geom3857: string) => `ST_AsMVTGeom(${geom3857}, b.env, ${EXTENT}, ${BUFFER}, true)`;

function cellsTile(t: TileRequest): { sql: string; params: unknown[] } {
  return {
    sql: `WITH ${bounds}
      SELECT ST_AsMVT(f, 'cells', ${EXTENT}, 'geom') FROM (
        SELECT c.code, c.name, c.name_en, c.level, c.parent_code,
               ${mvtGeom("ST_SimplifyPreserveTopology(ST_Transform(c.geom, 3857), $6::float8)")} AS geom
          FROM cells c JOIN cell_levels l ON l.level = c.level, b
         WHERE c.retired_at IS NULL AND c.path && $1::text[] AND l.depth <= $7
           AND c.geom && b.qenv AND ST_Intersects(c.geom, b.qenv)
      ) f WHERE f.geom IS NOT NULL`,
    params: [t.scope, t.z, t.x, t.y, BUFFER / EXTENT, pixelMetres(t.z), maxCellDepth(t.z)],
  };
}

function checkpointsTile(t: TileRequest): { sql: string; params: unknown[] } {
  return {
    sql: `WITH ${bounds}
      SELECT ST_AsMVT(f, 'checkpoints', ${EXTENT}, 'geom') FROM (
        SELECT k.id, k.name, k.name_en, k.grade, k.road, k.direction, k.cell_code,
               ${mvtGeom("ST_Transform(k.geom, 3857)")} AS geom
          FROM checkpoints k, b
         WHERE k.geom && b.qenv AND ${scopeByCell("k.cell_code")}
      ) f WHERE f.geom IS NOT NULL`,
    params: [t.scope, t.z, t.x, t.y, BUFFER / EXTENT],
  };
}

function camerasTile(t: TileRequest): { sql: string; params: unknown[] } {
  if (t.z >= CAMERA_CLUSTER_BELOW) {
    return {
      sql: `WITH ${bounds}
        SELECT ST_AsMVT(f, 'cameras', ${EXTENT}, 'geom') FROM (
          SELECT false AS cluster, 1 AS count, (m.status IN ${FAULTY})::int AS faulty, m.id, m.name, m.status,
                 m.bearing, m.fov_deg, m.range_m, m.cell_code, m.checkpoint_id,
                 ${mvtGeom("ST_Transform(m.geom, 3857)")} AS geom
            FROM cameras m, b
           WHERE m.geom && b.qenv AND ${scopeByCell("m.cell_code")}
        ) f WHERE f.geom IS NOT NULL`,
      params: [t.scope, t.z, t.x, t.y, BUFFER / EXTENT],
    };
  }
  // Clusters are squares of a world-aligned grid, so one camera is in the same cluster whichever
  // tile draws it. The lookup reaches one square beyond the buffer so edge squares are complete.
  const square = pixelMetres(t.z) * CLUSTER_CELL;
  return {
    sql: `WITH ${bounds},
      pts AS (
        SELECT ST_Transform(m.geom, 3857) AS g, m.status FROM cameras m, b
         WHERE m.geom && b.qenv AND ${scopeByCell("m.cell_code")}
      ), clusters AS (
        SELECT ST_SnapToGrid(g, $6::float8) AS square, count(*)::int AS count,
               count(*) FILTER (WHERE status IN ${FAULTY})::int AS faulty, ST_Centroid(ST_Collect(g)) AS center
          FROM pts GROUP BY 1
      )
      SELECT ST_AsMVT(f, 'cameras', ${EXTENT}, 'geom') FROM (
        SELECT true AS cluster, c.count, c.faulty, ${mvtGeom("c.center")} AS geom FROM clusters c, b
      ) f WHERE f.geom IS NOT NULL`,
    params: [t.scope, t.z, t.x, t.y, (BUFFER + 2 * CLUSTER_CELL) / EXTENT, square],
  };
}

const builders: Record<TileLayerId, (t: TileRequest) => { sql: string; params: unknown[] }> = {
  cells: cellsTile,
  checkpoints: checkpointsTile,
  cameras: camerasTile,
};

export async function selectLayerVersion(db: Queryable, layer: TileLayerId): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    "SELECT version FROM tile_layer_versions WHERE layer = $1",
    [layer],
  );
  return rows[0]?.version ?? 0;
}

/** The tile and the layer version it was rendered at, read in one statement (one snapshot). */
export async function renderTile(
  db: Queryable,
  layer: TileLayerId,
  t: TileRequest,
): Promise<{ tile: Buffer; version: number }> {
  const { sql, params } = builders[layer](t);
  const { rows } = await db.query<{ tile: Buffer | null; version: number }>(
    `SELECT (${sql}) AS tile, (SELECT version FROM tile_layer_versions WHERE layer = $${params.length + 1}) AS version`,
    [...params, layer],
  );
  return { tile: rows[0]?.tile ?? Buffer.alloc(0), version: rows[0]?.version ?? 0 };
}

/** Bounds of what the caller can see in a layer, for TileJSON. */
export async function selectLayerBounds(
  db: Queryable,
  layer: TileLayerId,
  scope: readonly string[],
): Promise<[number, number, number, number] | null> {
  const from =
    layer === "cells"
      ? "cells c WHERE c.retired_at IS NULL AND c.path && $1::text[]"
      : layer === "checkpoints"
        ? `checkpoints k WHERE ${scopeByCell("k.cell_code")}`
        : `cameras m WHERE ${scopeByCell("m.cell_code")}`;
  const geom = layer === "cells" ? "c.geom" : layer === "checkpoints" ? "k.geom" : "m.geom";
  const { rows } = await db.query<{ x1: number | null; y1: number; x2: number; y2: number }>(
    `SELECT ST_XMin(e) x1, ST_YMin(e) y1, ST_XMax(e) x2, ST_YMax(e) y2 FROM (SELECT ST_Extent(${geom}) e FROM ${from}) s`,
    [scope],
  );
  const r = rows[0];
  return r && r.x1 !== null ? [r.x1, r.y1, r.x2, r.y2] : null;
}
