import type { Queryable } from "../../db/pool.js";
import { type CellUser, selectUsersCoveringCell } from "../auth/auth.sql.js";

export interface PersonRow {
  user_id: number;
  username: string;
  display_name: string;
  role: "leader" | "worker";
  valid_from: Date;
  valid_to: Date | null;
}

export async function selectUserForAssignment(
  db: Queryable,
  userId: number,
): Promise<{ id: number; username: string; disabled: boolean; roles: string[] } | null> {
  const { rows } = await db.query<{ id: number; username: string; disabled: boolean; roles: string[] }>(
    `SELECT u.id, u.username, u.disabled, coalesce(array_agg(r.role) FILTER (WHERE r.role IS NOT NULL), '{}') AS roles
       FROM users u LEFT JOIN user_roles r ON r.user_id = u.id WHERE u.id = $1 GROUP BY u.id`,
    [userId],
  );
  return rows[0] ?? null;
}

export type AssignableUser = CellUser;

/** Who can fill a role in a grid: users with one of `roles` whose cells include the grid. */
export function selectAssignableUsers(
  db: Queryable,
  gridCode: string,
  roles: readonly string[],
  onlyUserId: number | null = null,
): Promise<AssignableUser[]> {
  return selectUsersCoveringCell(db, gridCode, roles, onlyUserId);
}

/** Ends the current leader (and the new leader's worker row, if any) and starts the new one. */
export async function replaceLeader(
  db: Queryable,
  code: string,
  userId: number,
  by: number | null,
): Promise<number | null> {
  const { rows } = await db.query<{ user_id: number }>(
    `UPDATE cell_assignments SET valid_to = now()
      WHERE cell_code = $1 AND valid_to IS NULL AND (role = 'leader' OR user_id = $2)
      RETURNING user_id, role`,
    [code, userId],
  );
  await db.query(
    "INSERT INTO cell_assignments (cell_code, user_id, role, assigned_by) VALUES ($1, $2, 'leader', $3)",
    [code, userId, by],
  );
  return rows.find((r) => r.user_id !== userId)?.user_id ?? null;
}

/** False when the person already holds a current assignment in the cell. */
export async function insertWorker(
  db: Queryable,
  code: string,
  userId: number,
  by: number | null,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO cell_assignments (cell_code, user_id, role, assigned_by) VALUES ($1, $2, 'worker', $3)
     ON CONFLICT (cell_code, user_id) WHERE valid_to IS NULL DO NOTHING`,
    [code, userId, by],
  );
  return (rowCount ?? 0) > 0;
}

export async function endWorker(db: Queryable, code: string, userId: number): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE cell_assignments SET valid_to = now() WHERE cell_code = $1 AND user_id = $2 AND role = 'worker' AND valid_to IS NULL",
    [code, userId],
  );
  return (rowCount ?? 0) > 0;
}

/** Current and past assignments of a cell, newest first. */
export async function selectPeople(db: Queryable, code: string): Promise<PersonRow[]> {
  const { rows } = await db.query<PersonRow>(
    `SELECT a.user_id, u.username, u.display_name, a.role, a.valid_from, a.valid_to
       FROM cell_assignments a JOIN users u ON u.id = a.user_id
      WHERE a.cell_code = $1 ORDER BY a.valid_to IS NULL DESC, a.valid_from DESC, a.id DESC`,
    [code],
  );
  return rows;
}

export interface CellSummaryRow {
  code: string;
  name: string;
  name_en: string | null;
  level: string;
  parent_code: string | null;
  version: number;
  area_m2: number;
  cameras_total: number;
  cameras_by_status: Record<string, number>;
  checkpoints: { id: string; name: string; grade: string }[];
}

/** The cell with its area and the cameras and checkpoints in it and below it. */
export async function selectCellSummary(db: Queryable, code: string): Promise<CellSummaryRow | null> {
  const { rows } = await db.query<CellSummaryRow>(
    `WITH sub AS (SELECT code FROM cells WHERE path && ARRAY[$1::text])
     SELECT c.code, c.name, c.name_en, c.level, c.parent_code, c.version, ST_Area(c.geom::geography) AS area_m2,
            (SELECT count(*)::int FROM cameras k WHERE k.cell_code IN (SELECT code FROM sub)) AS cameras_total,
            (SELECT coalesce(json_object_agg(status, n), '{}') FROM
               (SELECT status, count(*)::int AS n FROM cameras k WHERE k.cell_code IN (SELECT code FROM sub) GROUP BY status) s)
              AS cameras_by_status,
            (SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name, 'grade', p.grade) ORDER BY p.id), '[]')
               FROM checkpoints p WHERE p.cell_code IN (SELECT code FROM sub)) AS checkpoints
       FROM cells c WHERE c.code = $1 AND c.retired_at IS NULL`,
    [code],
  );
  return rows[0] ?? null;
}
