import type { Queryable } from "../../db/pool.js";
import type { Stage } from "./lifecycle.js";

/** The most specific limit for a stage: exact category before any, exact priority before any. */
export async function selectTimeLimit(
  db: Queryable,
  category: string,
  priority: string,
  stage: Stage,
): Promise<number | null> {
  const { rows } = await db.query<{ limit_minutes: number }>(
    `SELECT limit_minutes FROM incident_time_limits
      WHERE stage = $3 AND (category_code = $1 OR category_code IS NULL) AND (priority = $2 OR priority IS NULL)
      ORDER BY category_code IS NULL, priority IS NULL LIMIT 1`,
    [category, priority, stage],
  );
  return rows[0]?.limit_minutes ?? null;
}

export interface TimeLimitRow {
  id: number;
  category_code: string | null;
  priority: string | null;
  stage: Stage;
  limit_minutes: number;
}

export async function selectTimeLimits(db: Queryable): Promise<TimeLimitRow[]> {
  const { rows } = await db.query<TimeLimitRow>(
    `SELECT id, category_code, priority, stage, limit_minutes FROM incident_time_limits
      ORDER BY stage, category_code NULLS FIRST, priority NULLS FIRST`,
  );
  return rows;
}

export async function upsertTimeLimits(
  db: Queryable,
  limits: readonly {
    category_code: string | null;
    priority: string | null;
    stage: Stage;
    limit_minutes: number;
  }[],
): Promise<void> {
  await db.query(
    `INSERT INTO incident_time_limits (category_code, priority, stage, limit_minutes)
     SELECT l.category_code, l.priority, l.stage, l.limit_minutes
       FROM jsonb_to_recordset($1::jsonb) AS l(category_code text, priority text, stage text, limit_minutes int)
     ON CONFLICT (category_code, priority, stage) DO UPDATE SET limit_minutes = EXCLUDED.limit_minutes`,
    [JSON.stringify(limits)],
  );
}

export interface DeadlineRow {
  id: number;
  incident_id: number;
  stage: Stage;
  calendar_code: string;
  limit_minutes: number;
  started_at: Date;
  running_since: Date | null;
  used_minutes: number;
  warn_at: Date | null;
  due_at: Date | null;
  warned_at: Date | null;
  overdue_at: Date | null;
  finished_at: Date | null;
}

const deadlineColumns = `id, incident_id, stage, calendar_code, limit_minutes, started_at, running_since, used_minutes,
  warn_at, due_at, warned_at, overdue_at, finished_at`;

export async function insertDeadline(
  db: Queryable,
  d: {
    incidentId: number;
    stage: Stage;
    calendarCode: string;
    limitMinutes: number;
    now: Date;
    warnAt: Date;
    dueAt: Date;
  },
): Promise<DeadlineRow> {
  const { rows } = await db.query<DeadlineRow>(
    `INSERT INTO incident_deadlines (incident_id, stage, calendar_code, limit_minutes, started_at, running_since, warn_at, due_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING ${deadlineColumns}`,
    [d.incidentId, d.stage, d.calendarCode, d.limitMinutes, d.now, d.warnAt, d.dueAt],
  );
  return rows[0]!;
}

export async function selectOpenDeadline(db: Queryable, incidentId: number): Promise<DeadlineRow | null> {
  const { rows } = await db.query<DeadlineRow>(
    `SELECT ${deadlineColumns} FROM incident_deadlines WHERE incident_id = $1 AND finished_at IS NULL FOR UPDATE`,
    [incidentId],
  );
  return rows[0] ?? null;
}

/**
 * Locks the incident, then its deadline: the same order as transitions (incident row first),
 * so a timer firing during a transition waits instead of deadlocking.
 */
export async function selectDeadlineForJob(
  db: Queryable,
  id: number,
): Promise<(DeadlineRow & { cell_code: string; incident_state: string }) | null> {
  const incident = await db.query<{ id: number; cell_code: string; state: string }>(
    `SELECT i.id, i.cell_code, i.state FROM incidents i
      WHERE i.id = (SELECT incident_id FROM incident_deadlines WHERE id = $1) FOR UPDATE`,
    [id],
  );
  const owner = incident.rows[0];
  if (!owner) return null;
  const { rows } = await db.query<DeadlineRow>(
    `SELECT ${deadlineColumns} FROM incident_deadlines WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const row = rows[0];
  return row ? { ...row, cell_code: owner.cell_code, incident_state: owner.state } : null;
}

export async function finishDeadline(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query("UPDATE incident_deadlines SET finished_at = $2 WHERE id = $1", [id, now]);
}

export async function pauseDeadline(db: Queryable, id: number, usedMinutes: number): Promise<void> {
  await db.query(
    "UPDATE incident_deadlines SET running_since = NULL, used_minutes = $2, warn_at = NULL, due_at = NULL WHERE id = $1",
    [id, usedMinutes],
  );
}

export async function resumeDeadline(
  db: Queryable,
  id: number,
  now: Date,
  warnAt: Date | null,
  dueAt: Date | null,
): Promise<void> {
  await db.query(
    "UPDATE incident_deadlines SET running_since = $2, warn_at = $3, due_at = $4 WHERE id = $1",
    [id, now, warnAt, dueAt],
  );
}

export async function markDeadline(db: Queryable, id: number, kind: "warn" | "due", at: Date): Promise<void> {
  await db.query(
    kind === "warn"
      ? "UPDATE incident_deadlines SET warned_at = $2 WHERE id = $1"
      : "UPDATE incident_deadlines SET overdue_at = $2, warned_at = COALESCE(warned_at, $2) WHERE id = $1",
    [id, at],
  );
}
