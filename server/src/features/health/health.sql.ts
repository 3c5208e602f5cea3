import type { Queryable } from "../../db/pool.js";

/** Creates health rows for cameras that have none (demo import, older rows), in one statement. */
export async function insertMissingHealthRows(db: Queryable, machine: unknown): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO camera_health (camera_id, machine, state, since)
     SELECT c.id, $1::jsonb, 'unknown', now() FROM cameras c
      WHERE NOT EXISTS (SELECT 1 FROM camera_health h WHERE h.camera_id = c.id)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(machine)],
  );
  return rowCount ?? 0;
}

export interface HealthRow {
  camera_id: string;
  machine: unknown;
  state: string;
  since: Date;
  version: number;
  deep_findings: DeepFindings | null;
  auth_failed_credentials_version: number | null;
  credentials_version: number;
  cell_code: string | null;
  next_check_at: Date;
}

/** What the latest deep check found; merged into shallow observations until the next one. */
export interface DeepFindings {
  at: string;
  image: "ok" | "black" | "frozen" | "no_video" | null;
  deviations: { kind: string }[];
  events: { tamper: boolean; videoLoss: boolean; storageFailure: boolean };
}

export async function selectHealthRows(
  db: Queryable,
  ids: readonly string[],
  lock = false,
): Promise<HealthRow[]> {
  const { rows } = await db.query<HealthRow>(
    `SELECT h.camera_id, h.machine, h.state, h.since, h.version, h.deep_findings, h.auth_failed_credentials_version,
            c.credentials_version, c.cell_code, h.next_check_at
       FROM camera_health h JOIN cameras c ON c.id = h.camera_id
      WHERE h.camera_id = ANY($1::text[])
      ORDER BY h.camera_id ${lock ? "FOR UPDATE OF h" : ""}`,
    [ids],
  );
  return rows;
}

/** One camera's new health after a check or a technician's action. */
export interface HealthWrite {
  camera_id: string;
  expected_version: number | null;
  machine: unknown;
  state: string;
  since: string;
  reasons: string[];
  next_check_at: string | null;
  checked_at: string | null;
  deep: boolean;
  deep_findings: DeepFindings | null;
  last_error: string | null;
  auth_failed_credentials_version: number | null;
  /** True when the state moved: clears escalation for a new outage. */
  state_changed: boolean;
}

/**
 * Applies health writes whose version still matches (a maintenance change made while a check
 * ran wins over that check); returns the ids applied. Also mirrors state into cameras.status.
 */
export async function updateHealthRows(db: Queryable, writes: readonly HealthWrite[]): Promise<string[]> {
  if (writes.length === 0) return [];
  const { rows } = await db.query<{ camera_id: string }>(
    `WITH w AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(camera_id text, expected_version int, machine jsonb,
                  state text, since timestamptz, reasons text[], next_check_at timestamptz, checked_at timestamptz,
                  deep boolean, deep_findings jsonb, last_error text, auth_failed_credentials_version int, state_changed boolean)),
     upd AS (
       UPDATE camera_health h SET machine = w.machine, state = w.state, since = w.since, reasons = w.reasons,
              next_check_at = COALESCE(w.next_check_at, h.next_check_at),
              last_check_at = COALESCE(w.checked_at, h.last_check_at),
              last_deep_check_at = CASE WHEN w.deep THEN w.checked_at ELSE h.last_deep_check_at END,
              deep_findings = CASE WHEN w.deep THEN w.deep_findings ELSE h.deep_findings END,
              last_error = CASE WHEN w.checked_at IS NULL THEN h.last_error ELSE w.last_error END,
              auth_failed_credentials_version = w.auth_failed_credentials_version,
              escalated_at = CASE WHEN w.state_changed THEN NULL ELSE h.escalated_at END,
              version = h.version + 1, updated_at = now()
         FROM w
        WHERE h.camera_id = w.camera_id AND (w.expected_version IS NULL OR h.version = w.expected_version)
       RETURNING h.camera_id, h.state, h.since),
     cam AS (
       UPDATE cameras c SET status = upd.state, status_since = upd.since
         FROM upd WHERE c.id = upd.camera_id AND (c.status IS DISTINCT FROM upd.state OR c.status_since IS DISTINCT FROM upd.since)
       RETURNING c.id)
     SELECT camera_id FROM upd`,
    [JSON.stringify(writes)],
  );
  return rows.map((r) => r.camera_id);
}

export interface CheckRow {
  camera_id: string;
  checked_at: string;
  depth: "shallow" | "deep";
  observed_state: string;
  state: string;
  reasons: string[];
  duration_ms: number;
  error: string | null;
}

export async function insertCheckRows(db: Queryable, checks: readonly CheckRow[]): Promise<void> {
  if (checks.length === 0) return;
  await db.query(
    `INSERT INTO camera_health_checks (camera_id, checked_at, depth, observed_state, state, reasons, duration_ms, error)
     SELECT camera_id, checked_at, depth, observed_state, state, reasons, duration_ms, error
       FROM jsonb_to_recordset($1::jsonb) AS r(camera_id text, checked_at timestamptz, depth text, observed_state text,
            state text, reasons text[], duration_ms int, error text)`,
    [JSON.stringify(checks)],
  );
}

export async function ensureCheckPartitions(db: Queryable, fromDay: string, days: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT camera_health_checks_ensure_partitions($1::date, $2::int) AS n",
    [fromDay, days],
  );
  return rows[0]?.n ?? 0;
}

export async function dropCheckPartitions(db: Queryable, beforeDay: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT camera_health_checks_drop_partitions($1::date) AS n",
    [beforeDay],
  );
  return rows[0]?.n ?? 0;
}

export interface CameraEventRow {
  camera_id: string;
  at: string;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  reasons: string[];
  actor: string;
  details: Record<string, unknown>;
}

export async function insertCameraEventRows(db: Queryable, events: readonly CameraEventRow[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO camera_events (camera_id, at, kind, from_state, to_state, reasons, actor, details)
     SELECT camera_id, at, kind, from_state, to_state, reasons, actor, details
       FROM jsonb_to_recordset($1::jsonb) AS e(camera_id text, at timestamptz, kind text, from_state text, to_state text,
            reasons text[], actor text, details jsonb)`,
    [JSON.stringify(events)],
  );
}

/** Serialises dispatchers (one per worker process may run at once) for the rest of the transaction. */
export async function lockDispatch(db: Queryable): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('gridops.cameras.dispatch'))");
}

export type BatchKind = "shallow" | "deep";

/** Remembers which cameras a batch job holds; call in the transaction that queues the job. */
export async function insertCheckBatches(
  db: Queryable,
  batches: readonly { jobKey: string; kind: BatchKind; cameraIds: readonly string[] }[],
): Promise<void> {
  if (batches.length === 0) return;
  await db.query(
    `INSERT INTO camera_check_batches (job_key, kind, camera_ids)
     SELECT b.job_key, b.kind, ARRAY(SELECT jsonb_array_elements_text(b.camera_ids))
       FROM jsonb_to_recordset($1::jsonb) AS b(job_key text, kind text, camera_ids jsonb)`,
    [JSON.stringify(batches.map((b) => ({ job_key: b.jobKey, kind: b.kind, camera_ids: b.cameraIds })))],
  );
}

/**
 * Forgets the batches whose job is no longer live, as graphile-worker's public `jobs` view shows
 * it: a job is live while it waits to run (and may still run), or while it runs under a lock
 * younger than the lease; a finished job is gone from the view, and a crashed worker's batch
 * stops counting once its lock is older than the lease. Call under `lockDispatch`.
 */
export async function pruneCheckBatches(db: Queryable, leaseMs: number): Promise<void> {
  await db.query(
    `DELETE FROM camera_check_batches b
      WHERE NOT EXISTS (
        SELECT 1 FROM graphile_worker.jobs j
         WHERE j.key = b.job_key
           AND ((j.locked_at IS NULL AND j.attempts < j.max_attempts)
                OR j.locked_at > now() - make_interval(secs => $1::double precision / 1000)))`,
    [leaseMs],
  );
}

/** Cameras due for a shallow check within the horizon that no live batch lists, oldest due first. */
export async function selectDueCameras(
  db: Queryable,
  horizon: Date,
  limit: number,
): Promise<{ camera_id: string; next_check_at: Date }[]> {
  const { rows } = await db.query<{ camera_id: string; next_check_at: Date }>(
    `SELECT h.camera_id, h.next_check_at
       FROM camera_health h
      WHERE h.next_check_at <= $1
        AND h.camera_id NOT IN (SELECT unnest(b.camera_ids) FROM camera_check_batches b WHERE b.kind = 'shallow')
      ORDER BY h.next_check_at
      LIMIT $2`,
    [horizon, limit],
  );
  return rows;
}

/**
 * Cameras that answer (deep checks on dead ones are wasted), least recently deep-checked first;
 * none while a deep batch is live, so slow deep checks cannot pile batches up in the queue.
 */
export async function selectDeepCandidates(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ camera_id: string }>(
    `SELECT h.camera_id FROM camera_health h JOIN cameras c ON c.id = h.camera_id
      WHERE h.state NOT IN ('offline', 'auth_failed') AND jsonb_array_length(c.rtsp_profiles) > 0
        AND NOT EXISTS (SELECT 1 FROM camera_check_batches b WHERE b.kind = 'deep')
      ORDER BY h.last_deep_check_at NULLS FIRST, h.camera_id
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.camera_id);
}

export async function upsertSnapshot(
  db: Queryable,
  s: { camera_id: string; image: Buffer; width: number | null; height: number | null; taken_at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO camera_snapshots (camera_id, image, width, height, taken_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (camera_id) DO UPDATE SET image = excluded.image, width = excluded.width, height = excluded.height, taken_at = excluded.taken_at
     WHERE camera_snapshots.taken_at <= excluded.taken_at`,
    [s.camera_id, s.image, s.width, s.height, s.taken_at],
  );
}

export async function selectSnapshot(
  db: Queryable,
  cameraId: string,
): Promise<{ image: Buffer; content_type: string; taken_at: Date } | null> {
  const { rows } = await db.query<{ image: Buffer; content_type: string; taken_at: Date }>(
    "SELECT image, content_type, taken_at FROM camera_snapshots WHERE camera_id = $1",
    [cameraId],
  );
  return rows[0] ?? null;
}

export interface OfflineCamera {
  camera_id: string;
  name: string;
  cell_code: string | null;
  lon: number;
  lat: number;
  since: Date;
}

/** Offline, not silenced, not yet escalated, offline since before `before`; locked so two sweeps don't both open. */
export async function selectOfflineToEscalate(
  db: Queryable,
  before: Date,
  limit: number,
): Promise<OfflineCamera[]> {
  const { rows } = await db.query<OfflineCamera>(
    `SELECT h.camera_id, c.name, c.cell_code, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, h.since
       FROM camera_health h JOIN cameras c ON c.id = h.camera_id
      WHERE h.state = 'offline' AND h.escalated_at IS NULL AND h.since <= $1
        AND NOT coalesce((h.machine->>'silenced')::boolean, false)
      ORDER BY h.since, h.camera_id
      LIMIT $2
      FOR UPDATE OF h SKIP LOCKED`,
    [before, limit],
  );
  return rows;
}

export async function markEscalated(db: Queryable, ids: readonly string[], at: Date): Promise<void> {
  await db.query("UPDATE camera_health SET escalated_at = $2 WHERE camera_id = ANY($1::text[])", [ids, at]);
}

export async function selectCameraEvents(
  db: Queryable,
  cameraId: string,
  limit: number,
  before: number | null,
) {
  const { rows } = await db.query<CameraEventRow & { id: number }>(
    `SELECT id, camera_id, at, kind, from_state, to_state, reasons, actor, details
       FROM camera_events WHERE camera_id = $1 AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $2`,
    [cameraId, limit, before],
  );
  return rows;
}

/**
 * Share of time up (online or degraded) over the window, from the checks: each check's state
 * holds until the next check. Maintenance and unknown time count neither way.
 */
export async function selectUptime(
  db: Queryable,
  cameraId: string,
  now: Date,
  windowsHours: readonly number[],
) {
  const { rows } = await db.query<{
    hours: number;
    up_seconds: number | null;
    counted_seconds: number | null;
    checks: number;
  }>(
    `WITH w AS (SELECT unnest($3::int[]) AS hours),
     c AS (
       SELECT checked_at, state,
              least(coalesce(lead(checked_at) OVER (ORDER BY checked_at), $2::timestamptz), $2::timestamptz) AS until
         FROM camera_health_checks
        WHERE camera_id = $1 AND checked_at >= $2::timestamptz - make_interval(hours => (SELECT max(hours) FROM w)) AND checked_at <= $2)
     SELECT w.hours,
            sum(extract(epoch FROM c.until - greatest(c.checked_at, $2::timestamptz - make_interval(hours => w.hours))))
              FILTER (WHERE c.state IN ('online', 'degraded')) AS up_seconds,
            sum(extract(epoch FROM c.until - greatest(c.checked_at, $2::timestamptz - make_interval(hours => w.hours))))
              FILTER (WHERE c.state NOT IN ('maintenance', 'unknown')) AS counted_seconds,
            count(c.checked_at)::int AS checks
       FROM w LEFT JOIN c ON c.until > $2::timestamptz - make_interval(hours => w.hours)
      GROUP BY w.hours ORDER BY w.hours`,
    [cameraId, now, windowsHours],
  );
  return rows;
}

export async function selectTimeline(db: Queryable, cameraId: string, from: Date, to: Date) {
  const { rows } = await db.query<{
    at: Date;
    from_state: string | null;
    to_state: string | null;
    reasons: string[];
  }>(
    `SELECT at, from_state, to_state, reasons FROM camera_events
      WHERE camera_id = $1 AND kind IN ('state_changed', 'maintenance_started', 'maintenance_ended', 'auth_reset')
        AND at >= $2 AND at <= $3 ORDER BY at, id`,
    [cameraId, from, to],
  );
  return rows;
}

export async function selectHealthDetail(db: Queryable, cameraId: string) {
  const { rows } = await db.query<{
    state: string;
    since: Date;
    reasons: string[];
    machine: { counters?: unknown; silenced?: boolean; pending?: unknown; observed?: unknown };
    next_check_at: Date;
    last_check_at: Date | null;
    last_deep_check_at: Date | null;
    last_error: string | null;
    deep_findings: DeepFindings | null;
    escalated_at: Date | null;
  }>(
    `SELECT state, since, reasons, machine, next_check_at, last_check_at, last_deep_check_at, last_error, deep_findings, escalated_at
       FROM camera_health WHERE camera_id = $1`,
    [cameraId],
  );
  return rows[0] ?? null;
}

export interface FleetFilter {
  scope: readonly string[];
  states?: readonly string[] | undefined;
  vendor?: string | undefined;
  model?: string | undefined;
  firmware?: string | undefined;
  cell?: string | undefined;
  since?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

const fleetWhere = `(EXISTS (SELECT 1 FROM cells sc WHERE sc.code = c.cell_code AND sc.path && $1::text[])
        OR (c.cell_code IS NULL AND EXISTS (SELECT 1 FROM cells d WHERE d.code = ANY($1::text[]) AND d.level = 'district')))
    AND ($3::text IS NULL OR lower(c.vendor) = lower($3))
    AND ($4::text IS NULL OR c.model ILIKE $4 || '%')
    AND ($5::text IS NULL OR c.firmware ILIKE $5 || '%')
    AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM cells fc WHERE fc.code = c.cell_code AND $6 = ANY(fc.path)))
    AND ($7::timestamptz IS NULL OR c.status_since <= $7)
    AND ($8::text IS NULL OR c.id ILIKE '%' || $8 || '%' OR c.name ILIKE '%' || $8 || '%')`;

export async function selectFleet(db: Queryable, f: FleetFilter) {
  const params = [
    f.scope,
    f.states ?? null,
    f.vendor ?? null,
    f.model ?? null,
    f.firmware ?? null,
    f.cell ?? null,
    f.since ?? null,
    f.q ?? null,
  ];
  const { rows } = await db.query<{
    id: string;
    name: string;
    vendor: string;
    model: string | null;
    firmware: string | null;
    cell_code: string | null;
    state: string;
    since: Date;
    reasons: string[];
    last_check_at: Date | null;
    silenced: boolean;
    open_ticket_id: number | null;
  }>(
    `SELECT c.id, c.name, c.vendor, c.model, c.firmware, c.cell_code, c.status AS state, c.status_since AS since,
            coalesce(h.reasons, '{}') AS reasons, h.last_check_at,
            coalesce((h.machine->>'silenced')::boolean, false) AS silenced,
            (SELECT t.id FROM repair_tickets t WHERE t.camera_id = c.id AND t.state <> 'verified' ORDER BY t.id DESC LIMIT 1) AS open_ticket_id
       FROM cameras c LEFT JOIN camera_health h ON h.camera_id = c.id
      WHERE ${fleetWhere} AND ($2::text[] IS NULL OR c.status = ANY($2::text[]))
      ORDER BY c.status_since, c.id
      LIMIT $9 OFFSET $10`,
    [...params, f.limit, f.offset],
  );
  // Counts ignore the state filter so the board can show every state's number next to the list.
  const { rows: counts } = await db.query<{ state: string; n: number }>(
    `SELECT c.status AS state, count(*)::int AS n FROM cameras c WHERE ${fleetWhere} AND $2::text[] IS NULL GROUP BY c.status`,
    [...params.slice(0, 1), null, ...params.slice(2)],
  );
  return { rows, counts };
}
