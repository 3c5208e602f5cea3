import type { Queryable } from "../../db/pool.js";
import type { IncidentSummary } from "../../realtime/events.js";
import type { IncidentState } from "./lifecycle.js";

const pointSql = (lon: string, lat: string) =>
  `ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)`;

export interface CellLocation {
  inDistrict: boolean;
  cellCode: string | null;
}

/**
 * Whether the point is inside a district, and the deepest current cell covering it. On a
 * shared edge several cells cover the point; the lowest code owns it (deterministic).
 */
export async function locateCell(db: Queryable, lon: number, lat: number): Promise<CellLocation> {
  const { rows } = await db.query<CellLocation>(
    `WITH p AS (SELECT ${pointSql("$1", "$2")} AS pt)
     SELECT EXISTS (SELECT 1 FROM cells d, p WHERE d.level = 'district' AND d.retired_at IS NULL AND ST_Covers(d.geom, p.pt)) AS "inDistrict",
            (SELECT c.code FROM cells c JOIN cell_levels l ON l.level = c.level, p
              WHERE c.retired_at IS NULL AND ST_Covers(c.geom, p.pt)
              ORDER BY l.depth DESC, c.code COLLATE "C" LIMIT 1) AS "cellCode"`,
    [lon, lat],
  );
  return rows[0]!;
}

export interface CategoryRow {
  code: string;
  parent_code: string | null;
  name: string;
  name_en: string;
  sort_order: number;
  active: boolean;
}

export async function selectCategories(db: Queryable): Promise<CategoryRow[]> {
  const { rows } = await db.query<CategoryRow>(
    "SELECT code, parent_code, name, name_en, sort_order, active FROM incident_categories ORDER BY sort_order, code",
  );
  return rows;
}

export async function selectActiveCategory(db: Queryable, code: string): Promise<CategoryRow | null> {
  const { rows } = await db.query<CategoryRow>(
    "SELECT code, parent_code, name, name_en, sort_order, active FROM incident_categories WHERE code = $1 AND active",
    [code],
  );
  return rows[0] ?? null;
}

export async function upsertCategory(
  db: Queryable,
  c: Omit<CategoryRow, "sort_order"> & { sort_order: number },
): Promise<void> {
  await db.query(
    `INSERT INTO incident_categories (code, parent_code, name, name_en, sort_order, active)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, name = EXCLUDED.name,
       name_en = EXCLUDED.name_en, sort_order = EXCLUDED.sort_order, active = EXCLUDED.active`,
    [c.code, c.parent_code, c.name, c.name_en, c.sort_order, c.active],
  );
}

/**
 * The grid leader of a cell: the current leader assignment if the cells feature keeps one,
 * else the lowest-id enabled grid_leader assigned to exactly that cell.
 */
export async function selectCellLeaders(
  db: Queryable,
  cellCodes: readonly string[],
): Promise<{ cell_code: string; user_id: number; username: string }[]> {
  const { rows } = await db.query<{ cell_code: string; user_id: number; username: string }>(
    `SELECT DISTINCT ON (x.cell_code) x.cell_code, x.user_id, u.username
       FROM (SELECT a.cell_code, a.user_id, 0 AS pref FROM cell_assignments a
              WHERE a.cell_code = ANY ($1::text[]) AND a.role = 'leader' AND a.valid_to IS NULL
             UNION ALL
             SELECT uc.cell_code, uc.user_id, 1 FROM user_cells uc
               JOIN user_roles r ON r.user_id = uc.user_id AND r.role = 'grid_leader'
              WHERE uc.cell_code = ANY ($1::text[])) x
       JOIN users u ON u.id = x.user_id AND NOT u.disabled
      ORDER BY x.cell_code, x.pref, x.user_id`,
    [cellCodes],
  );
  return rows;
}

export async function selectParentCell(db: Queryable, cellCode: string): Promise<string | null> {
  const { rows } = await db.query<{ parent_code: string | null }>(
    "SELECT parent_code FROM cells WHERE code = $1",
    [cellCode],
  );
  return rows[0]?.parent_code ?? null;
}

/** A user who may handle incidents in the cell: enabled, with a handling role, and the cell in their scope. */
export async function userCanHandleIn(
  db: Queryable,
  userId: number,
  cellCode: string,
  roles: readonly string[],
): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM users u
        WHERE u.id = $1 AND NOT u.disabled
          AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ANY ($3::text[]))
          AND EXISTS (SELECT 1 FROM user_cells uc JOIN cells c ON c.code = $2 WHERE uc.user_id = u.id AND uc.cell_code = ANY (c.path))
     ) AS ok`,
    [userId, cellCode, roles],
  );
  return rows[0]?.ok ?? false;
}

export interface NewIncidentRow {
  category: string;
  source: string;
  sourceRef: string | null;
  priority: string;
  description: string;
  lon: number;
  lat: number;
  cellCode: string;
  cameraId: string | null;
  reporterUserId: number | null;
  reporter: string;
  assigneeUserId: number | null;
  now: Date;
}

/** Inserts the incident; null when an open incident already exists for the same source reference. */
export async function insertIncident(db: Queryable, r: NewIncidentRow): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO incidents (category_code, source, source_ref, priority, description, geom, cell_code, camera_id,
                            reporter_user_id, reporter, assignee_user_id, reported_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, ${pointSql("$6", "$7")}, $8, $9, $10, $11, $12, $13, $13)
     ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL AND state NOT IN ('closed', 'voided') DO NOTHING
     RETURNING id`,
    [
      r.category,
      r.source,
      r.sourceRef,
      r.priority,
      r.description,
      r.lon,
      r.lat,
      r.cellCode,
      r.cameraId,
      r.reporterUserId,
      r.reporter,
      r.assigneeUserId,
      r.now,
    ],
  );
  return rows[0]?.id ?? null;
}

export async function selectOpenIncidentBySource(
  db: Queryable,
  source: string,
  sourceRef: string,
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    "SELECT id FROM incidents WHERE source = $1 AND source_ref = $2 AND state NOT IN ('closed', 'voided')",
    [source, sourceRef],
  );
  return rows[0]?.id ?? null;
}

export interface IncidentLockRow {
  id: number;
  state: IncidentState;
  state_before_suspend: IncidentState | null;
  version: number;
  category_code: string;
  priority: string;
  cell_code: string;
  assignee_user_id: number | null;
  accountable_user_id: number | null;
  merged_into_id: number | null;
}

/** Locks the incident row for a change; null when it does not exist or is outside the scope (null scope = any). */
export async function selectIncidentForUpdate(
  db: Queryable,
  id: number,
  scope: readonly string[] | null,
): Promise<IncidentLockRow | null> {
  const { rows } = await db.query<IncidentLockRow>(
    `SELECT i.id, i.state, i.state_before_suspend, i.version, i.category_code, i.priority, i.cell_code,
            i.assignee_user_id, i.accountable_user_id, i.merged_into_id
       FROM incidents i JOIN cells c ON c.code = i.cell_code
      WHERE i.id = $1 AND ($2::text[] IS NULL OR c.path && $2::text[])
      FOR UPDATE OF i`,
    [id, scope],
  );
  return rows[0] ?? null;
}

export interface IncidentStateUpdate {
  id: number;
  state: IncidentState;
  stateBeforeSuspend: IncidentState | null;
  assigneeUserId: number | null;
  accountableUserId: number | null;
  mergedIntoId?: number | null;
  now: Date;
}

export async function updateIncidentState(db: Queryable, u: IncidentStateUpdate): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `UPDATE incidents SET state = $2, state_before_suspend = $3, assignee_user_id = $4, accountable_user_id = $5,
            merged_into_id = COALESCE($6, merged_into_id), version = version + 1, updated_at = $7,
            closed_at = CASE WHEN $2 = 'closed' THEN $7 ELSE closed_at END
      WHERE id = $1 RETURNING version`,
    [
      u.id,
      u.state,
      u.stateBeforeSuspend,
      u.assigneeUserId,
      u.accountableUserId,
      u.mergedIntoId ?? null,
      u.now,
    ],
  );
  return rows[0]!.version;
}

export interface NewIncidentEvent {
  incidentId: number;
  kind:
    | "created"
    | "transition"
    | "time_limit_warning"
    | "overdue"
    | "merged_into"
    | "merged_from"
    | "callback"
    | "attachment";
  action?: string | null;
  fromState?: string | null;
  toState?: string | null;
  actorUserId: number | null;
  actor: string;
  at: Date;
  note?: string | null;
  details?: Record<string, unknown>;
}

export async function insertIncidentEvent(db: Queryable, e: NewIncidentEvent): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO incident_events (incident_id, kind, action, from_state, to_state, actor_user_id, actor, occurred_at, note, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) RETURNING id`,
    [
      e.incidentId,
      e.kind,
      e.action ?? null,
      e.fromState ?? null,
      e.toState ?? null,
      e.actorUserId,
      e.actor,
      e.at,
      e.note ?? null,
      JSON.stringify(e.details ?? {}),
    ],
  );
  return rows[0]!.id;
}

/** Links uploaded attachments to a timeline event; returns the hashes that were not uploaded. */
export async function linkEventAttachments(
  db: Queryable,
  eventId: number,
  hashes: readonly string[],
): Promise<string[]> {
  if (hashes.length === 0) return [];
  const { rows } = await db.query<{ sha256: string; linked: boolean }>(
    `WITH given AS (SELECT DISTINCT h AS sha256 FROM unnest($2::text[]) AS h),
          ins AS (INSERT INTO incident_event_attachments (event_id, sha256)
                  SELECT $1, g.sha256 FROM given g JOIN attachments a ON a.sha256 = g.sha256
                  RETURNING sha256)
     SELECT g.sha256, EXISTS (SELECT 1 FROM ins WHERE ins.sha256 = g.sha256) AS linked FROM given g`,
    [eventId, hashes],
  );
  return rows.filter((r) => !r.linked).map((r) => r.sha256);
}

const incidentColumns = `
  i.id, 'INC-' || lpad(i.id::text, 6, '0') AS reference,
  i.category_code AS category, cat.name AS "categoryName", cat.name_en AS "categoryNameEn",
  i.source, i.source_ref AS "sourceRef", i.priority, i.state, i.state_before_suspend AS "stateBeforeSuspend",
  i.description, left(i.description, 80) AS title,
  json_build_object('lon', ST_X(i.geom), 'lat', ST_Y(i.geom)) AS location,
  i.cell_code AS "cellCode", i.camera_id AS "cameraId", i.reporter_user_id AS "reporterUserId", i.reporter,
  i.assignee_user_id AS "assigneeUserId", i.accountable_user_id AS "accountableUserId",
  i.merged_into_id AS "mergedIntoId", i.version, i.reported_at AS "reportedAt", i.closed_at AS "closedAt",
  i.updated_at AS "updatedAt",
  (SELECT json_build_object('stage', d.stage, 'limitMinutes', d.limit_minutes, 'startedAt', d.started_at,
            'warnAt', d.warn_at, 'dueAt', d.due_at, 'paused', d.running_since IS NULL, 'usedMinutes', d.used_minutes,
            'warnedAt', d.warned_at, 'overdueAt', d.overdue_at)
     FROM incident_deadlines d WHERE d.incident_id = i.id AND d.finished_at IS NULL) AS deadline,
  EXISTS (SELECT 1 FROM incident_deadlines d WHERE d.incident_id = i.id AND d.overdue_at IS NOT NULL) AS "everOverdue",
  COALESCE((SELECT json_agg(json_build_object('id', s.candidate_id, 'distanceM', round(s.distance_m::numeric, 1),
            'state', o.state, 'reportedAt', o.reported_at) ORDER BY s.distance_m, s.candidate_id)
     FROM incident_duplicate_suggestions s JOIN incidents o ON o.id = s.candidate_id
    WHERE s.incident_id = i.id AND o.merged_into_id IS NULL AND o.state <> 'voided'), '[]'::json) AS duplicates,
  (SELECT json_build_object('rating', cb.rating, 'note', cb.note, 'recordedAt', cb.recorded_at)
     FROM incident_callbacks cb WHERE cb.incident_id = i.id) AS callback`;

export interface IncidentDeadlineView {
  stage: string;
  limitMinutes: number;
  startedAt: string;
  warnAt: string | null;
  dueAt: string | null;
  paused: boolean;
  usedMinutes: number;
  warnedAt: string | null;
  overdueAt: string | null;
}

export interface IncidentRowView {
  id: number;
  reference: string;
  category: string;
  categoryName: string;
  categoryNameEn: string;
  source: string;
  sourceRef: string | null;
  priority: string;
  state: IncidentState;
  stateBeforeSuspend: IncidentState | null;
  description: string;
  title: string;
  location: { lon: number; lat: number };
  cellCode: string;
  cameraId: string | null;
  reporterUserId: number | null;
  reporter: string;
  assigneeUserId: number | null;
  accountableUserId: number | null;
  mergedIntoId: number | null;
  version: number;
  reportedAt: Date;
  closedAt: Date | null;
  updatedAt: Date;
  deadline: IncidentDeadlineView | null;
  everOverdue: boolean;
  duplicates: { id: number; distanceM: number; state: string; reportedAt: string }[];
  callback: { rating: string; note: string | null; recordedAt: string } | null;
}

export async function selectIncidentView(
  db: Queryable,
  id: number,
  scope: readonly string[] | null,
): Promise<IncidentRowView | null> {
  const { rows } = await db.query<IncidentRowView>(
    `SELECT ${incidentColumns}
       FROM incidents i JOIN incident_categories cat ON cat.code = i.category_code JOIN cells c ON c.code = i.cell_code
      WHERE i.id = $1 AND ($2::text[] IS NULL OR c.path && $2::text[])`,
    [id, scope],
  );
  return rows[0] ?? null;
}

export interface IncidentFilter {
  scope: readonly string[];
  states?: readonly string[] | undefined;
  cellCode?: string | undefined;
  category?: string | undefined;
  priority?: string | undefined;
  assigneeUserId?: number | undefined;
  overdue?: boolean | undefined;
  open?: boolean | undefined;
  reportedFrom?: Date | undefined;
  reportedTo?: Date | undefined;
  activeSince?: Date | undefined;
  beforeId?: number | undefined;
  limit: number;
}

export async function selectIncidentPage(db: Queryable, f: IncidentFilter): Promise<IncidentRowView[]> {
  const { rows } = await db.query<IncidentRowView>(
    `SELECT ${incidentColumns}
       FROM incidents i JOIN incident_categories cat ON cat.code = i.category_code JOIN cells c ON c.code = i.cell_code
      WHERE c.path && $1::text[]
        AND ($2::text[] IS NULL OR i.state = ANY ($2::text[]))
        AND ($3::text IS NULL OR $3 = ANY (c.path))
        AND ($4::text IS NULL OR i.category_code = $4 OR i.category_code LIKE $4 || '.%')
        AND ($5::text IS NULL OR i.priority = $5)
        AND ($6::bigint IS NULL OR i.assignee_user_id = $6)
        AND ($7::boolean IS NULL OR $7 = EXISTS (SELECT 1 FROM incident_deadlines d
              WHERE d.incident_id = i.id AND d.finished_at IS NULL AND d.overdue_at IS NOT NULL))
        AND ($8::boolean IS NULL OR $8 = (i.state NOT IN ('closed', 'voided')))
        AND ($9::bigint IS NULL OR i.id < $9)
        AND ($11::timestamptz IS NULL OR i.reported_at >= $11)
        AND ($12::timestamptz IS NULL OR i.reported_at < $12)
        AND ($13::timestamptz IS NULL OR i.closed_at IS NULL OR i.closed_at >= $13)
      ORDER BY i.id DESC LIMIT $10`,
    [
      f.scope,
      f.states ?? null,
      f.cellCode ?? null,
      f.category ?? null,
      f.priority ?? null,
      f.assigneeUserId ?? null,
      f.overdue ?? null,
      f.open ?? null,
      f.beforeId ?? null,
      f.limit,
      f.reportedFrom ?? null,
      f.reportedTo ?? null,
      f.activeSince ?? null,
    ],
  );
  return rows;
}

/**
 * events.ts IncidentSummary as SQL, for `incidents i` joined with its open deadline `d`: the
 * realtime events and the map's GeoJSON carry the same shape.
 */
const summaryJson = `json_build_object('id', i.id, 'reference', 'INC-' || lpad(i.id::text, 6, '0'),
    'cellCode', i.cell_code, 'category', i.category_code, 'priority', i.priority, 'state', i.state,
    'title', left(i.description, 80), 'location', json_build_object('lon', ST_X(i.geom), 'lat', ST_Y(i.geom)),
    'dueAt', d.due_at, 'overdue', COALESCE(d.overdue_at IS NOT NULL, false), 'overdueAt', d.overdue_at,
    'reportedAt', i.reported_at, 'closedAt', i.closed_at, 'version', i.version, 'updatedAt', i.updated_at)`;

/** The realtime summary of incidents (events.ts IncidentSummary), built in one query. */
export async function selectIncidentSummaries(
  db: Queryable,
  ids: readonly number[],
): Promise<IncidentSummary[]> {
  const { rows } = await db.query<{ summary: IncidentSummary }>(
    `SELECT ${summaryJson} AS summary
       FROM incidents i LEFT JOIN incident_deadlines d ON d.incident_id = i.id AND d.finished_at IS NULL
      WHERE i.id = ANY ($1::bigint[]) ORDER BY i.id`,
    [ids],
  );
  return rows.map((r) => r.summary);
}

/**
 * Incidents in the scope (and bbox) as a GeoJSON FeatureCollection for the map, each feature's
 * properties the realtime summary (same shape as incident.created/updated), id = incident id.
 */
export async function selectIncidentFeatures(
  db: Queryable,
  q: {
    scope: readonly string[];
    bbox: readonly [number, number, number, number] | null;
    open: boolean;
    limit: number;
  },
): Promise<{ type: "FeatureCollection"; features: unknown[]; truncated: boolean }> {
  const { rows } = await db.query<{ feature: unknown }>(
    `SELECT json_build_object('type', 'Feature', 'id', i.id, 'geometry', ST_AsGeoJSON(i.geom, 7)::json,
              'properties', ${summaryJson}) AS feature
       FROM incidents i
       JOIN cells c ON c.code = i.cell_code
       LEFT JOIN incident_deadlines d ON d.incident_id = i.id AND d.finished_at IS NULL
      WHERE c.path && $1::text[]
        AND (NOT $6::boolean OR i.state NOT IN ('closed', 'voided'))
        AND ($2::float8 IS NULL OR i.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
      ORDER BY i.id DESC LIMIT $7`,
    [
      q.scope,
      q.bbox?.[0] ?? null,
      q.bbox?.[1] ?? null,
      q.bbox?.[2] ?? null,
      q.bbox?.[3] ?? null,
      q.open,
      q.limit + 1,
    ],
  );
  return {
    type: "FeatureCollection",
    features: rows.slice(0, q.limit).map((r) => r.feature),
    truncated: rows.length > q.limit,
  };
}

export interface TimelineRow {
  id: number;
  incidentId: number;
  kind: string;
  action: string | null;
  fromState: string | null;
  toState: string | null;
  actorUserId: number | null;
  actor: string;
  occurredAt: Date;
  note: string | null;
  details: Record<string, unknown>;
  attachments: { sha256: string; mediaType: string; sizeBytes: number }[];
}

/** The incident's timeline plus those of incidents merged into it, in time order. */
export async function selectTimeline(db: Queryable, id: number): Promise<TimelineRow[]> {
  const { rows } = await db.query<TimelineRow>(
    `SELECT e.id, e.incident_id AS "incidentId", e.kind, e.action, e.from_state AS "fromState", e.to_state AS "toState",
            e.actor_user_id AS "actorUserId", e.actor, e.occurred_at AS "occurredAt", e.note, e.details,
            COALESCE((SELECT json_agg(json_build_object('sha256', a.sha256, 'mediaType', a.media_type, 'sizeBytes', a.size_bytes) ORDER BY a.sha256)
                        FROM incident_event_attachments ea JOIN attachments a ON a.sha256 = ea.sha256
                       WHERE ea.event_id = e.id), '[]'::json) AS attachments
       FROM incident_events e
      WHERE e.incident_id = $1 OR e.incident_id IN (SELECT id FROM incidents WHERE merged_into_id = $1)
      ORDER BY e.occurred_at, e.id`,
    [id],
  );
  return rows;
}

export interface DuplicateSettings {
  radiusM: number;
  windowHours: number;
}

export async function selectDuplicateSettings(db: Queryable): Promise<DuplicateSettings> {
  const { rows } = await db.query<{ radius_m: number | null; window_hours: number | null }>(
    `SELECT (value->>'radius_m')::float8 AS radius_m, (value->>'window_hours')::float8 AS window_hours
       FROM settings WHERE key = 'incidents.duplicates'`,
  );
  return { radiusM: rows[0]?.radius_m ?? 100, windowHours: rows[0]?.window_hours ?? 24 };
}

/**
 * Records as suggestions the open incidents of the same category within the radius (metres,
 * on the spheroid) and time window of this one; returns them nearest first.
 */
export async function insertDuplicateSuggestions(
  db: Queryable,
  id: number,
  s: DuplicateSettings,
): Promise<{ id: number; distanceM: number }[]> {
  const { rows } = await db.query<{ id: number; distanceM: number }>(
    `WITH me AS (SELECT id, category_code, geom, reported_at FROM incidents WHERE id = $1),
          found AS (
            SELECT o.id, ST_Distance(o.geom::geography, me.geom::geography) AS distance_m
              FROM incidents o, me
             WHERE o.id <> me.id AND o.category_code = me.category_code
               AND o.state <> 'voided' AND o.merged_into_id IS NULL
               AND o.reported_at BETWEEN me.reported_at - $3::float8 * interval '1 hour' AND me.reported_at + $3::float8 * interval '1 hour'
               AND ST_DWithin(o.geom::geography, me.geom::geography, $2::float8)),
          ins AS (INSERT INTO incident_duplicate_suggestions (incident_id, candidate_id, distance_m)
                  SELECT $1, id, distance_m FROM found
                  UNION ALL SELECT id, $1, distance_m FROM found
                  ON CONFLICT DO NOTHING)
     SELECT id, round(distance_m::numeric, 1)::float8 AS "distanceM" FROM found ORDER BY distance_m, id`,
    [id, s.radiusM, s.windowHours],
  );
  return rows;
}

export async function insertCallback(
  db: Queryable,
  c: { incidentId: number; rating: string; note: string | null; userId: number | null; at: Date },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO incident_callbacks (incident_id, rating, note, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (incident_id) DO NOTHING`,
    [c.incidentId, c.rating, c.note, c.userId, c.at],
  );
  return (rowCount ?? 0) > 0;
}
