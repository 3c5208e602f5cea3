import type { Pool, Queryable } from "../../db/pool.js";
import { badRequest, conflict, forbidden, notFound } from "../../http/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { cellVisible } from "../auth/auth.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import { leafLevel, loadCodeScheme } from "./cell-code-scheme.js";
import { type EditContext, inTransaction } from "./cell-edits.service.js";
import * as edits from "./cell-edits.sql.js";
import * as sql from "./cell-people.sql.js";

/** Another feature's part of the cell page (open incidents, latest daily report, …). */
export type CellSummarySection = (
  db: Queryable,
  cell: { code: string; level: string },
  auth: AuthContext,
) => Promise<unknown>;

const sections = new Map<string, CellSummarySection>();

/**
 * The seam that keeps cells free of later features: incidents register "incidents" (open,
 * overdue), reports register "daily_report" (the latest one), each when its routes are built.
 * A section answers null when the caller may not see it.
 */
export function registerCellSummarySection(name: string, section: CellSummarySection): void {
  sections.set(name, section);
}

const person = (p: sql.PersonRow) => ({
  user_id: p.user_id,
  username: p.username,
  display_name: p.display_name,
  since: p.valid_from,
});

/** The live grid `code`, row-locked when an assignment will change (a listing only reads it). */
async function gridFor(db: Queryable, code: string, forUpdate = true): Promise<edits.LockedCell> {
  const [cell] = await edits.selectCellsForEdit(db, [code], forUpdate);
  if (!cell || cell.retired) throw notFound("Cell", code);
  const leaf = leafLevel(await loadCodeScheme(db));
  if (cell.level !== leaf.level) {
    throw badRequest(
      "not_a_grid",
      `Leaders and workers belong to ${leaf.level} cells; ${code} is a ${cell.level}.`,
    );
  }
  return cell;
}

/** Roles that can fill each assignment: a leader may also work in another grid. */
const rolesFor = { leader: ["grid_leader"], worker: ["grid_worker", "grid_leader"] } as const;

async function assignable(db: Queryable, code: string, userId: number, role: "grid_leader" | "grid_worker") {
  const user = await sql.selectUserForAssignment(db, userId);
  if (!user || user.disabled) throw notFound("User", String(userId));
  const allowed: readonly string[] = role === "grid_leader" ? rolesFor.leader : rolesFor.worker;
  if (!user.roles.some((r) => allowed.includes(r))) {
    throw badRequest("user_lacks_role", `User ${user.username} needs the role ${role} for this assignment.`, {
      roles: user.roles,
    });
  }
  if ((await sql.selectAssignableUsers(db, code, allowed, userId)).length === 0) {
    throw badRequest(
      "user_outside_cell",
      `User ${user.username} cannot see grid ${code}: give them the grid (or a cell above it) in user administration first.`,
      { field: "user_id" },
    );
  }
  return user;
}

/** Who can be appointed leader of, or added as a worker to, a grid. */
export async function listAssignable(
  db: Queryable,
  code: string,
  role: "leader" | "worker",
): Promise<{ users: sql.AssignableUser[] }> {
  await gridFor(db, code, false);
  return { users: await sql.selectAssignableUsers(db, code, rolesFor[role]) };
}

/** Appoints the grid's one leader (the previous one's assignment ends); needs the parent in scope. */
export function setLeader(pool: Pool, ctx: EditContext, code: string, userId: number) {
  return inTransaction(pool, false, async (db) => {
    const cell = await gridFor(db, code);
    if (!(await cellVisible(db, ctx.auth, cell.parent_code ?? code))) {
      throw forbidden(
        `Appointing the leader of ${code} needs its parent ${cell.parent_code} within your cells.`,
      );
    }
    const user = await assignable(db, code, userId, "grid_leader");
    const previous = await sql.replaceLeader(db, code, userId, ctx.auth.userId);
    await recordAudit(db, {
      ...ctx.audit,
      action: "cell.leader.set",
      targetType: "cell",
      targetId: code,
      cellCode: code,
      details: { user_id: userId, username: user.username, previous_user_id: previous },
    });
    return getPeople(db, code);
  });
}

export function addWorker(pool: Pool, ctx: EditContext, code: string, userId: number) {
  return inTransaction(pool, false, async (db) => {
    await gridFor(db, code);
    const user = await assignable(db, code, userId, "grid_worker");
    if (!(await sql.insertWorker(db, code, userId, ctx.auth.userId))) {
      throw conflict(
        "already_assigned",
        `User ${user.username} is already the leader or a worker of ${code}.`,
      );
    }
    await recordAudit(db, {
      ...ctx.audit,
      action: "cell.worker.add",
      targetType: "cell",
      targetId: code,
      cellCode: code,
      details: { user_id: userId, username: user.username },
    });
    return getPeople(db, code);
  });
}

export function removeWorker(pool: Pool, ctx: EditContext, code: string, userId: number) {
  return inTransaction(pool, false, async (db) => {
    await gridFor(db, code);
    if (!(await sql.endWorker(db, code, userId))) throw notFound("Worker", `${userId} in ${code}`);
    await recordAudit(db, {
      ...ctx.audit,
      action: "cell.worker.remove",
      targetType: "cell",
      targetId: code,
      cellCode: code,
      details: { user_id: userId },
    });
    return getPeople(db, code);
  });
}

export async function getPeople(db: Queryable, code: string) {
  const rows = await sql.selectPeople(db, code);
  const current = rows.filter((r) => r.valid_to === null);
  const leader = current.find((r) => r.role === "leader");
  return {
    leader: leader ? person(leader) : null,
    workers: current.filter((r) => r.role === "worker").map(person),
    history: rows.filter((r) => r.valid_to !== null),
  };
}

/** The cell page: the cell, its people, cameras, checkpoints, and the registered sections. */
export async function getCellSummary(db: Queryable, code: string, auth: AuthContext) {
  const cell = await sql.selectCellSummary(db, code);
  if (!cell) throw notFound("Cell", code);
  const { leader, workers } = await getPeople(db, code);
  const extra: Record<string, unknown> = { incidents: null, daily_report: null };
  for (const [name, section] of sections) extra[name] = await section(db, cell, auth);
  return {
    cell: {
      code: cell.code,
      name: cell.name,
      name_en: cell.name_en,
      level: cell.level,
      parent_code: cell.parent_code,
      version: cell.version,
      area_m2: cell.area_m2,
    },
    leader,
    workers,
    cameras: { total: cell.cameras_total, by_status: cell.cameras_by_status },
    checkpoints: { total: cell.checkpoints.length, items: cell.checkpoints },
    ...extra,
  };
}
