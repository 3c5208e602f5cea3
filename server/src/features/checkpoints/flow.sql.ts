import type { Queryable } from "../../db/pool.js";

export interface FlowRow {
  bucket: Date;
  lane: number | null;
  vehicles: number;
}

/** Vehicles per lane per bucket at one checkpoint, from the reads (counts only). */
export async function selectFlow(
  db: Queryable,
  q: { checkpointId: string; from: Date; to: Date; bucketMinutes: number },
): Promise<FlowRow[]> {
  const { rows } = await db.query<FlowRow>(
    `SELECT date_bin(make_interval(mins => $4), captured_at, timestamptz '2000-01-01T00:00:00Z') AS bucket, lane, count(*)::int AS vehicles
       FROM plate_reads WHERE checkpoint_id = $1 AND captured_at >= $2 AND captured_at < $3
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [q.checkpointId, q.from, q.to, q.bucketMinutes],
  );
  return rows;
}

export async function selectCheckpointCell(
  db: Queryable,
  id: string,
): Promise<{ cell_code: string | null } | null> {
  const { rows } = await db.query<{ cell_code: string | null }>(
    "SELECT cell_code FROM checkpoints WHERE id = $1",
    [id],
  );
  return rows[0] ?? null;
}

/**
 * Rolls reads up into 5-minute lane counts (lane 0 = unknown lane), recounting the buckets
 * in [since, until) so late reads are included; idempotent.
 */
export async function rollUpFlow(db: Queryable, since: Date, until: Date): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO checkpoint_lane_flow (checkpoint_id, lane, bucket_start, vehicles)
     SELECT r.checkpoint_id, coalesce(r.lane, 0), date_bin(interval '5 minutes', r.captured_at, timestamptz '2000-01-01T00:00:00Z'), count(*)::int
       FROM plate_reads r JOIN checkpoints k ON k.id = r.checkpoint_id
      WHERE r.captured_at >= $1 AND r.captured_at < $2
      GROUP BY 1, 2, 3
     ON CONFLICT (checkpoint_id, lane, bucket_start) DO UPDATE SET vehicles = excluded.vehicles`,
    [since, until],
  );
  return rowCount ?? 0;
}

export interface WindowFlow {
  checkpoint_id: string;
  cell_code: string | null;
  vehicles: number;
  lanes: { lane: number; vehicles: number }[];
}

/** One closed window's counts per checkpoint that had traffic in the last hour (for checkpoint.flow). */
export async function selectWindowFlow(db: Queryable, windowStart: Date): Promise<WindowFlow[]> {
  const { rows } = await db.query<WindowFlow>(
    `SELECT k.id AS checkpoint_id, k.cell_code,
            coalesce(sum(f.vehicles) FILTER (WHERE f.bucket_start = $1), 0)::int AS vehicles,
            coalesce(json_agg(json_build_object('lane', f.lane, 'vehicles', f.vehicles) ORDER BY f.lane)
              FILTER (WHERE f.bucket_start = $1), '[]') AS lanes
       FROM checkpoints k JOIN checkpoint_lane_flow f ON f.checkpoint_id = k.id
      WHERE f.bucket_start > $1 - interval '1 hour' AND f.bucket_start <= $1
      GROUP BY k.id, k.cell_code`,
    [windowStart],
  );
  return rows;
}

export interface SilentLane {
  checkpoint_id: string;
  lane: number;
  camera_id: string | null;
  silent_since: Date;
  expected: number;
  lon: number;
  lat: number;
}

/**
 * Lanes with a camera that have recorded nothing since `silent_since` (at least
 * `minSilentMinutes`) although, by the same hours of the week in the last `weeks` weeks,
 * they averaged at least `expectedVehicles` in such a span. Lanes with fewer than `minWeeks`
 * weeks of history are never judged.
 */
export async function selectSilentLanes(
  db: Queryable,
  p: { now: Date; minSilentMinutes: number; expectedVehicles: number; weeks: number; minWeeks: number },
): Promise<SilentLane[]> {
  const { rows } = await db.query<SilentLane>(
    `WITH lanes AS (
       SELECT l.checkpoint_id, l.lane, l.camera_id, ST_X(k.geom) AS lon, ST_Y(k.geom) AS lat,
              coalesce((SELECT max(f.bucket_start) + interval '5 minutes' FROM checkpoint_lane_flow f
                         WHERE f.checkpoint_id = l.checkpoint_id AND f.lane = l.lane AND f.vehicles > 0
                           AND f.bucket_start > $1::timestamptz - interval '1 day'), $1::timestamptz - interval '1 day') AS silent_since
         FROM checkpoint_lanes l JOIN checkpoints k ON k.id = l.checkpoint_id
        WHERE l.camera_id IS NOT NULL
     ), judged AS (
       SELECT s.*,
              (SELECT coalesce(sum(f.vehicles), 0)::float8 / $4 FROM checkpoint_lane_flow f, generate_series(1, $4) AS w
                WHERE f.checkpoint_id = s.checkpoint_id AND f.lane = s.lane
                  AND f.bucket_start >= s.silent_since - w * interval '7 days'
                  AND f.bucket_start < $1::timestamptz - w * interval '7 days') AS expected,
              (SELECT count(DISTINCT w) FROM checkpoint_lane_flow f, generate_series(1, $4) AS w
                WHERE f.checkpoint_id = s.checkpoint_id AND f.lane = s.lane AND f.vehicles > 0
                  AND f.bucket_start >= $1::timestamptz - w * interval '7 days' - interval '1 day'
                  AND f.bucket_start < $1::timestamptz - w * interval '7 days' + interval '1 day') AS weeks_seen
         FROM lanes s
        WHERE $1::timestamptz - s.silent_since >= make_interval(mins => $2)
     )
     SELECT checkpoint_id, lane, camera_id, silent_since, expected, lon, lat FROM judged
      WHERE weeks_seen >= $5 AND expected >= $3`,
    [p.now, p.minSilentMinutes, p.expectedVehicles, p.weeks, p.minWeeks],
  );
  return rows;
}

export async function insertSilenceAlert(
  db: Queryable,
  a: { checkpointId: string; lane: number; silentSince: Date; expected: number; now: Date },
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO checkpoint_silence_alerts (checkpoint_id, lane, silent_since, expected_vehicles, raised_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (checkpoint_id, lane) WHERE cleared_at IS NULL DO NOTHING RETURNING id`,
    [a.checkpointId, a.lane, a.silentSince, a.expected, a.now],
  );
  return rows[0]?.id ?? null;
}

export async function setSilenceIncident(db: Queryable, id: number, incidentId: number): Promise<void> {
  await db.query("UPDATE checkpoint_silence_alerts SET incident_id = $2 WHERE id = $1", [id, incidentId]);
}

/** Open alerts whose lane has seen traffic since they were raised are cleared. */
export async function clearRecoveredAlerts(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE checkpoint_silence_alerts a SET cleared_at = $1
      WHERE a.cleared_at IS NULL AND EXISTS (
        SELECT 1 FROM checkpoint_lane_flow f WHERE f.checkpoint_id = a.checkpoint_id AND f.lane = a.lane
           AND f.vehicles > 0 AND f.bucket_start >= a.raised_at - interval '5 minutes')`,
    [now],
  );
  return rowCount ?? 0;
}

export async function selectOpenAlerts(db: Queryable, scope: readonly string[]) {
  const { rows } = await db.query<{
    id: number;
    checkpoint_id: string;
    lane: number;
    silent_since: Date;
    expected_vehicles: number;
    raised_at: Date;
    incident_id: number | null;
  }>(
    `SELECT a.id, a.checkpoint_id, a.lane, a.silent_since, a.expected_vehicles, a.raised_at, a.incident_id
       FROM checkpoint_silence_alerts a JOIN checkpoints k ON k.id = a.checkpoint_id JOIN cells c ON c.code = k.cell_code
      WHERE a.cleared_at IS NULL AND c.path && $1::text[] ORDER BY a.raised_at DESC`,
    [scope],
  );
  return rows;
}
