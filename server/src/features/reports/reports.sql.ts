import type { Queryable } from "../../db/pool.js";

export async function selectReportSettingsValue(db: Queryable): Promise<unknown> {
  const { rows } = await db.query<{ value: unknown }>(
    "SELECT value FROM settings WHERE key = 'reports.daily'",
  );
  return rows[0]?.value ?? null;
}

export async function upsertReportSettings(
  db: Queryable,
  value: unknown,
  userId: number | null,
): Promise<void> {
  await db.query(
    `INSERT INTO settings (key, value, updated_by, updated_at) VALUES ('reports.daily', $1::jsonb, $2, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [JSON.stringify(value), userId],
  );
}

export async function selectCellLevel(db: Queryable, code: string): Promise<string | null> {
  const { rows } = await db.query<{ level: string }>(
    "SELECT level FROM cells WHERE code = $1 AND retired_at IS NULL",
    [code],
  );
  return rows[0]?.level ?? null;
}

export async function insertReport(
  db: Queryable,
  r: {
    cellCode: string;
    date: string;
    nothingToReport: boolean;
    note: string | null;
    userId: number | null;
    actor: string;
    now: Date;
    late: boolean;
  },
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO daily_reports (cell_code, report_date, nothing_to_report, note, filed_by, filed_by_actor, filed_at, late)
     VALUES ($1, $2::date, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (cell_code, report_date) DO NOTHING RETURNING id`,
    [r.cellCode, r.date, r.nothingToReport, r.note, r.userId, r.actor, r.now, r.late],
  );
  return rows[0]?.id ?? null;
}

export async function insertReportItems(
  db: Queryable,
  reportId: number,
  items: readonly {
    description: string;
    category: string | null;
    lon: number | null;
    lat: number | null;
    incidentId: number | null;
  }[],
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO daily_report_items (report_id, position, description, category_code, geom, incident_id)
     SELECT $1, i.position, i.description, i.category,
            CASE WHEN i.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326) END, i.incident_id
       FROM jsonb_to_recordset($2::jsonb)
         AS i(position smallint, description text, category text, lon float8, lat float8, incident_id bigint)`,
    [
      reportId,
      JSON.stringify(
        items.map((i, n) => ({
          position: n + 1,
          description: i.description,
          category: i.category,
          lon: i.lon,
          lat: i.lat,
          incident_id: i.incidentId,
        })),
      ),
    ],
  );
}

export interface ReportRow {
  id: number;
  cellCode: string;
  cellName: string;
  reportDate: string;
  nothingToReport: boolean;
  note: string | null;
  filedBy: string;
  filedAt: Date;
  late: boolean;
  items: {
    position: number;
    description: string;
    category: string | null;
    location: { lon: number; lat: number } | null;
    incidentId: number | null;
  }[];
}

const reportColumns = `r.id, r.cell_code AS "cellCode", c.name AS "cellName", to_char(r.report_date, 'YYYY-MM-DD') AS "reportDate",
  r.nothing_to_report AS "nothingToReport", r.note, r.filed_by_actor AS "filedBy", r.filed_at AS "filedAt", r.late,
  COALESCE((SELECT json_agg(json_build_object('position', it.position, 'description', it.description, 'category', it.category_code,
              'location', CASE WHEN it.geom IS NULL THEN NULL ELSE json_build_object('lon', ST_X(it.geom), 'lat', ST_Y(it.geom)) END,
              'incidentId', it.incident_id) ORDER BY it.position)
     FROM daily_report_items it WHERE it.report_id = r.id), '[]'::json) AS items`;

export async function selectReports(
  db: Queryable,
  f: { scope: readonly string[]; date: string | null; cell: string | null },
): Promise<ReportRow[]> {
  const { rows } = await db.query<ReportRow>(
    `SELECT ${reportColumns}
       FROM daily_reports r JOIN cells c ON c.code = r.cell_code
      WHERE c.path && $1::text[] AND ($2::date IS NULL OR r.report_date = $2::date) AND ($3::text IS NULL OR $3 = ANY (c.path))
      ORDER BY r.report_date DESC, r.cell_code LIMIT 2000`,
    [f.scope, f.date, f.cell],
  );
  return rows;
}

export async function selectReport(
  db: Queryable,
  id: number,
  scope: readonly string[],
): Promise<ReportRow | null> {
  const { rows } = await db.query<ReportRow>(
    `SELECT ${reportColumns} FROM daily_reports r JOIN cells c ON c.code = r.cell_code WHERE r.id = $1 AND c.path && $2::text[]`,
    [id, scope],
  );
  return rows[0] ?? null;
}

/** The code scheme's leaf level (grids by default): the cells that file daily reports. */
const LEAF_LEVEL = "(SELECT l.level FROM cell_levels l ORDER BY l.depth DESC LIMIT 1)";

export interface MissingRow {
  cellCode: string;
  name: string;
  nameEn: string | null;
  parentCode: string | null;
  leader: { userId: number; username: string; displayName: string } | null;
}

/**
 * Current grids (cells of the scheme's leaf level) in the scope without a report for the date, with their grid leader
 * (the cells feature's leader assignment if any, else a grid_leader assigned to the grid).
 */
export async function selectMissingGrids(
  db: Queryable,
  scope: readonly string[] | null,
  date: string,
): Promise<MissingRow[]> {
  const { rows } = await db.query<MissingRow>(
    `SELECT g.code AS "cellCode", g.name, g.name_en AS "nameEn", g.parent_code AS "parentCode",
            (SELECT json_build_object('userId', u.id, 'username', u.username, 'displayName', u.display_name)
               FROM (SELECT a.user_id, 0 AS pref FROM cell_assignments a
                      WHERE a.cell_code = g.code AND a.role = 'leader' AND a.valid_to IS NULL
                     UNION ALL
                     SELECT uc.user_id, 1 FROM user_cells uc JOIN user_roles ur ON ur.user_id = uc.user_id AND ur.role = 'grid_leader'
                      WHERE uc.cell_code = g.code) x
               JOIN users u ON u.id = x.user_id AND NOT u.disabled
              ORDER BY x.pref, x.user_id LIMIT 1) AS leader
       FROM cells g
      WHERE g.level = ${LEAF_LEVEL} AND g.retired_at IS NULL AND ($1::text[] IS NULL OR g.path && $1::text[])
        AND NOT EXISTS (SELECT 1 FROM daily_reports r WHERE r.cell_code = g.code AND r.report_date = $2::date)
      ORDER BY g.code`,
    [scope, date],
  );
  return rows;
}

export async function countGrids(db: Queryable, scope: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM cells
      WHERE level = ${LEAF_LEVEL} AND retired_at IS NULL AND path && $1::text[]`,
    [scope],
  );
  return rows[0]?.n ?? 0;
}

/** Records notices not sent before; returns the cells that are new (so each is sent once). */
export async function insertNotices(
  db: Queryable,
  kind: "reminder" | "missing",
  date: string,
  cellCodes: readonly string[],
  now: Date,
): Promise<string[]> {
  if (cellCodes.length === 0) return [];
  const { rows } = await db.query<{ cell_code: string }>(
    `INSERT INTO daily_report_notices (cell_code, report_date, kind, sent_at)
     SELECT c, $2::date, $1, $4 FROM unnest($3::text[]) AS c
     ON CONFLICT DO NOTHING RETURNING cell_code`,
    [kind, date, cellCodes, now],
  );
  return rows.map((r) => r.cell_code);
}

export interface LatestReportRow {
  id: number;
  reportDate: string;
  nothingToReport: boolean;
  late: boolean;
  filedBy: string;
  filedAt: Date;
  items: number;
}

/** The newest daily report filed for a grid (the cell page), or null. */
export async function selectLatestReport(db: Queryable, cellCode: string): Promise<LatestReportRow | null> {
  const { rows } = await db.query<LatestReportRow>(
    `SELECT r.id, to_char(r.report_date, 'YYYY-MM-DD') AS "reportDate", r.nothing_to_report AS "nothingToReport",
            r.late, r.filed_by_actor AS "filedBy", r.filed_at AS "filedAt",
            (SELECT count(*)::int FROM daily_report_items it WHERE it.report_id = r.id) AS items
       FROM daily_reports r WHERE r.cell_code = $1
      ORDER BY r.report_date DESC LIMIT 1`,
    [cellCode],
  );
  return rows[0] ?? null;
}
