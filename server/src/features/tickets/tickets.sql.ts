import type { Queryable } from "../../db/pool.js";
import { cellScopeClause } from "../../http/geojson.js";
import { type CellUser, selectUsersCoveringCell } from "../auth/auth.sql.js";
import type { TicketState } from "./tickets.schemas.js";

export interface TicketRow {
  id: number;
  camera_id: string;
  camera_name: string;
  cell_code: string | null;
  state: TicketState;
  source: "manual" | "camera_offline";
  title: string;
  description: string;
  assignee_user_id: number | null;
  assignee: string | null;
  opened_by: string;
  opened_at: Date;
  updated_at: Date;
  verified_at: Date | null;
  version: number;
}

const ticketSelect = `SELECT t.id, t.camera_id, c.name AS camera_name, t.cell_code, t.state, t.source, t.title, t.description,
       t.assignee_user_id, u.username AS assignee, t.opened_by, t.opened_at, t.updated_at, t.verified_at, t.version
  FROM repair_tickets t JOIN cameras c ON c.id = t.camera_id LEFT JOIN users u ON u.id = t.assignee_user_id`;

export async function insertTicket(
  db: Queryable,
  t: {
    cameraId: string;
    source: "manual" | "camera_offline";
    title: string;
    description: string;
    assigneeUserId: number | null;
    openedBy: string;
    at: Date;
  },
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO repair_tickets (camera_id, cell_code, state, source, title, description, assignee_user_id, opened_by, opened_at, updated_at)
     SELECT c.id, c.cell_code, CASE WHEN $6::bigint IS NULL THEN 'open' ELSE 'assigned' END, $2, $3, $4, $6, $5, $7, $7
       FROM cameras c WHERE c.id = $1
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [t.cameraId, t.source, t.title, t.description, t.openedBy, t.assigneeUserId, t.at],
  );
  return rows[0]?.id ?? null;
}

export async function selectTicket(db: Queryable, id: number, lock = false): Promise<TicketRow | null> {
  const { rows } = await db.query<TicketRow>(
    `${ticketSelect} WHERE t.id = $1 ${lock ? "FOR UPDATE OF t" : ""}`,
    [id],
  );
  return rows[0] ?? null;
}

export async function selectTicketCell(db: Queryable, id: number): Promise<string | null> {
  const { rows } = await db.query<{ cell_code: string | null }>(
    "SELECT cell_code FROM repair_tickets WHERE id = $1",
    [id],
  );
  return rows[0]?.cell_code ?? null;
}

export async function updateTicketState(
  db: Queryable,
  id: number,
  change: { to: TicketState; assigneeUserId: number | null | undefined; at: Date },
): Promise<void> {
  await db.query(
    `UPDATE repair_tickets SET state = $2, assignee_user_id = CASE WHEN $3::boolean THEN $4::bigint ELSE assignee_user_id END,
            verified_at = CASE WHEN $2 = 'verified' THEN $5 ELSE verified_at END, updated_at = $5, version = version + 1
      WHERE id = $1`,
    [id, change.to, change.assigneeUserId !== undefined, change.assigneeUserId ?? null, change.at],
  );
}

export async function insertTicketEvent(
  db: Queryable,
  e: {
    ticketId: number;
    at: Date;
    actorUserId: number | null;
    actor: string;
    from: string | null;
    to: string | null;
    note: string | null;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO repair_ticket_events (ticket_id, at, actor_user_id, actor, from_state, to_state, note, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
    [e.ticketId, e.at, e.actorUserId, e.actor, e.from, e.to, e.note, JSON.stringify(e.details ?? {})],
  );
}

export async function selectTicketHistory(db: Queryable, id: number) {
  const { rows } = await db.query<{
    at: Date;
    actor: string;
    from_state: string | null;
    to_state: string | null;
    note: string | null;
    details: unknown;
  }>(
    "SELECT at, actor, from_state, to_state, note, details FROM repair_ticket_events WHERE ticket_id = $1 ORDER BY at, id",
    [id],
  );
  return rows;
}

export async function selectTickets(
  db: Queryable,
  q: {
    scope: readonly string[];
    states: readonly string[] | null;
    cameraId: string | null;
    assigneeUserId: number | null;
    limit: number;
    offset: number;
  },
): Promise<TicketRow[]> {
  const { rows } = await db.query<TicketRow>(
    `${ticketSelect}
      WHERE ${cellScopeClause("t.cell_code")} AND ($2::text[] IS NULL OR t.state = ANY($2::text[]))
        AND ($3::text IS NULL OR t.camera_id = $3) AND ($4::bigint IS NULL OR t.assignee_user_id = $4)
      ORDER BY t.opened_at DESC, t.id DESC LIMIT $5 OFFSET $6`,
    [q.scope, q.states, q.cameraId, q.assigneeUserId, q.limit, q.offset],
  );
  return rows;
}

/** A user who may work tickets in the cell (technician-like permission and the cell in their scope). */
export type TicketAssignee = CellUser;

/** Who can take a ticket of a camera in `cellCode`: technicians (and admins) covering the cell. */
export function selectTicketAssignees(
  db: Queryable,
  cellCode: string | null,
  onlyUserId: number | null = null,
): Promise<TicketAssignee[]> {
  return selectUsersCoveringCell(db, cellCode, ["technician", "admin"], onlyUserId);
}
