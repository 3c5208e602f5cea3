import type { Queryable } from "../../db/pool.js";

export interface IncidentStatsRow {
  cellCode: string;
  name: string;
  nameEn: string | null;
  level: string;
  received: number;
  closed: number;
  closedOnTime: number;
  overdue: number;
  /** Mean hours from report to closing, over closed incidents; null when none closed. */
  avgHandlingHours: number | null;
  callbacks: number;
  satisfied: number;
  basicallySatisfied: number;
  unsatisfied: number;
}

/**
 * Incident figures per visible cell of a level, for incidents reported in [from, to).
 * Incidents merged into another count once (as the one they were merged into).
 * On time = closed without any stage ever going overdue.
 */
export async function selectIncidentStats(
  db: Queryable,
  q: { scope: readonly string[]; from: Date; to: Date; level: string },
): Promise<IncidentStatsRow[]> {
  const { rows } = await db.query<IncidentStatsRow>(
    `WITH inc AS (
       SELECT i.id, i.state, i.reported_at, i.closed_at, c.path,
              EXISTS (SELECT 1 FROM incident_deadlines d WHERE d.incident_id = i.id AND d.overdue_at IS NOT NULL) AS was_overdue,
              cb.rating
         FROM incidents i
         JOIN cells c ON c.code = i.cell_code
         LEFT JOIN incident_callbacks cb ON cb.incident_id = i.id
        WHERE i.reported_at >= $2 AND i.reported_at < $3 AND i.merged_into_id IS NULL
     )
     SELECT a.code AS "cellCode", a.name, a.name_en AS "nameEn", a.level,
            count(inc.id)::int AS received,
            count(inc.id) FILTER (WHERE inc.state = 'closed')::int AS closed,
            count(inc.id) FILTER (WHERE inc.state = 'closed' AND NOT inc.was_overdue)::int AS "closedOnTime",
            count(inc.id) FILTER (WHERE inc.was_overdue)::int AS overdue,
            round((avg(extract(epoch FROM inc.closed_at - inc.reported_at)) FILTER (WHERE inc.state = 'closed') / 3600)::numeric, 2)::float8
              AS "avgHandlingHours",
            count(inc.rating)::int AS callbacks,
            count(inc.id) FILTER (WHERE inc.rating = 'satisfied')::int AS satisfied,
            count(inc.id) FILTER (WHERE inc.rating = 'basically_satisfied')::int AS "basicallySatisfied",
            count(inc.id) FILTER (WHERE inc.rating = 'unsatisfied')::int AS unsatisfied
       FROM cells a
       LEFT JOIN inc ON a.code = ANY (inc.path)
      WHERE a.level = $4 AND a.retired_at IS NULL AND a.path && $1::text[]
      GROUP BY a.code, a.name, a.name_en, a.level
      ORDER BY a.code`,
    [q.scope, q.from, q.to, q.level],
  );
  return rows;
}

export interface OpenIncidentsRow {
  cellCode: string;
  level: string;
  open: number;
  overdue: number;
  /** Highest priority among the open incidents, null when none. */
  topPriority: string | null;
}

/** Open and overdue incidents per visible cell of a level: what the command map colours cells by. */
export async function selectOpenIncidentsByCell(
  db: Queryable,
  scope: readonly string[],
  level: string,
): Promise<OpenIncidentsRow[]> {
  const { rows } = await db.query<OpenIncidentsRow>(
    `WITH inc AS (
       SELECT i.priority, c.path,
              EXISTS (SELECT 1 FROM incident_deadlines d WHERE d.incident_id = i.id AND d.finished_at IS NULL AND d.overdue_at IS NOT NULL) AS overdue
         FROM incidents i JOIN cells c ON c.code = i.cell_code
        WHERE i.state NOT IN ('closed', 'voided')
     )
     SELECT a.code AS "cellCode", a.level, count(inc.priority)::int AS open,
            count(inc.priority) FILTER (WHERE inc.overdue)::int AS overdue,
            (array_agg(inc.priority ORDER BY array_position(ARRAY['urgent', 'high', 'normal', 'low'], inc.priority))
               FILTER (WHERE inc.priority IS NOT NULL))[1] AS "topPriority"
       FROM cells a LEFT JOIN inc ON a.code = ANY (inc.path)
      WHERE a.level = $2 AND a.retired_at IS NULL AND a.path && $1::text[]
      GROUP BY a.code, a.level ORDER BY a.code`,
    [scope, level],
  );
  return rows;
}
