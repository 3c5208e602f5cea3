import type { Queryable } from "../../db/pool.js";
import { badRequest, conflict, notFound } from "../../http/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { insertCameraEventRows } from "../health/health.sql.js";
import {
  type CreateTicketInput,
  type TicketState,
  type TransitionTicketInput,
  ticketTransitions,
} from "./tickets.schemas.js";
import * as sql from "./tickets.sql.js";

export interface TicketActor {
  userId: number | null;
  actor: string;
  requestId?: string | null;
  ip?: string | null;
}

export interface TicketView extends sql.TicketRow {
  allowed_transitions: readonly TicketState[];
}

const view = (row: sql.TicketRow): TicketView => ({
  ...row,
  allowed_transitions: ticketTransitions[row.state],
});

async function checkAssignee(db: Queryable, userId: number, cellCode: string | null): Promise<void> {
  if ((await sql.selectTicketAssignees(db, cellCode, userId)).length === 0) {
    throw badRequest(
      "invalid_assignee",
      `User ${userId} is not an active technician for cell ${cellCode ?? "(none)"}.`,
      { field: "assignee_user_id" },
    );
  }
}

/** Who the ticket can be assigned to (for the assign chooser). */
export async function listTicketAssignees(
  db: Queryable,
  id: number,
): Promise<{ assignees: sql.TicketAssignee[] }> {
  const row = await sql.selectTicket(db, id);
  if (!row) throw notFound("Repair ticket", String(id));
  return { assignees: await sql.selectTicketAssignees(db, row.cell_code) };
}

export async function createTicket(
  db: Queryable,
  actor: TicketActor,
  input: CreateTicketInput,
  scope: readonly string[],
  at = new Date(),
): Promise<TicketView> {
  const cell = await db.query<{ cell_code: string | null }>(
    `SELECT c.cell_code FROM cameras c
      WHERE c.id = $1 AND (EXISTS (SELECT 1 FROM cells s WHERE s.code = c.cell_code AND s.path && $2::text[])
        OR (c.cell_code IS NULL AND EXISTS (SELECT 1 FROM cells d WHERE d.code = ANY($2::text[]) AND d.level = 'district')))`,
    [input.camera_id, scope],
  );
  if (!cell.rows[0]) throw notFound("Camera", input.camera_id);
  if (input.assignee_user_id !== undefined)
    await checkAssignee(db, input.assignee_user_id, cell.rows[0].cell_code);
  const id = await sql.insertTicket(db, {
    cameraId: input.camera_id,
    source: "manual",
    title: input.title,
    description: input.description,
    assigneeUserId: input.assignee_user_id ?? null,
    openedBy: actor.actor,
    at,
  });
  if (id === null) throw conflict("ticket_exists", "A ticket could not be created (a concurrent duplicate).");
  const row = (await sql.selectTicket(db, id))!;
  await sql.insertTicketEvent(db, {
    ticketId: id,
    at,
    actorUserId: actor.userId,
    actor: actor.actor,
    from: null,
    to: row.state,
    note: null,
    details: { source: "manual" },
  });
  await recordAudit(db, {
    actorUserId: actor.userId,
    actor: actor.actor,
    requestId: actor.requestId ?? null,
    ip: actor.ip ?? null,
    action: "ticket.create",
    targetType: "repair_ticket",
    targetId: String(id),
    cellCode: row.cell_code,
    details: { cameraId: input.camera_id },
  });
  return view(row);
}

/**
 * Opened by the health sweep for a camera offline too long; at most one open automatic
 * ticket per camera (null when one exists already).
 */
export async function openOfflineTicket(
  db: Queryable,
  camera: { id: string; name: string; since: Date },
  at: Date,
): Promise<number | null> {
  const id = await sql.insertTicket(db, {
    cameraId: camera.id,
    source: "camera_offline",
    title: `摄像机离线 Camera offline: ${camera.name}`,
    description: `Offline since ${camera.since.toISOString()}. 自 ${camera.since.toISOString()} 起离线。`,
    assigneeUserId: null,
    openedBy: "system:camera-health",
    at,
  });
  if (id !== null) {
    await sql.insertTicketEvent(db, {
      ticketId: id,
      at,
      actorUserId: null,
      actor: "system:camera-health",
      from: null,
      to: "open",
      note: null,
      details: { source: "camera_offline" },
    });
  }
  return id;
}

export async function transitionTicket(
  db: Queryable,
  actor: TicketActor,
  id: number,
  input: TransitionTicketInput,
  at = new Date(),
): Promise<TicketView> {
  const row = await sql.selectTicket(db, id, true);
  if (!row) throw notFound("Repair ticket", String(id));
  if (input.version !== undefined && input.version !== row.version) {
    throw conflict(
      "version_conflict",
      `Ticket ${id} changed since you read it (now version ${row.version}); reload and retry.`,
    );
  }
  if (!ticketTransitions[row.state].includes(input.to)) {
    throw conflict(
      "invalid_transition",
      `A ${row.state} ticket cannot move to ${input.to}; allowed: ${ticketTransitions[row.state].join(", ") || "none"}.`,
      {
        from: row.state,
        to: input.to,
        allowed: ticketTransitions[row.state],
      },
    );
  }
  if (input.to === "assigned") {
    if (input.assignee_user_id === undefined)
      throw badRequest("assignee_required", "Moving a ticket to assigned needs assignee_user_id.", {
        field: "assignee_user_id",
      });
    await checkAssignee(db, input.assignee_user_id, row.cell_code);
  }
  const assignee = input.to === "assigned" ? input.assignee_user_id : input.to === "open" ? null : undefined;
  await sql.updateTicketState(db, id, { to: input.to, assigneeUserId: assignee, at });
  await sql.insertTicketEvent(db, {
    ticketId: id,
    at,
    actorUserId: actor.userId,
    actor: actor.actor,
    from: row.state,
    to: input.to,
    note: input.note ?? null,
    details: assignee !== undefined ? { assigneeUserId: assignee } : {},
  });
  await recordAudit(db, {
    actorUserId: actor.userId,
    actor: actor.actor,
    requestId: actor.requestId ?? null,
    ip: actor.ip ?? null,
    action: "ticket.transition",
    targetType: "repair_ticket",
    targetId: String(id),
    cellCode: row.cell_code,
    details: { from: row.state, to: input.to },
  });
  return view((await sql.selectTicket(db, id))!);
}

export async function getTicket(db: Queryable, id: number) {
  const row = await sql.selectTicket(db, id);
  if (!row) throw notFound("Repair ticket", String(id));
  return { ...view(row), history: await sql.selectTicketHistory(db, id) };
}

export async function listTickets(
  db: Queryable,
  scope: readonly string[],
  q: {
    states?: readonly string[] | undefined;
    cameraId?: string | undefined;
    assigneeUserId?: number | undefined;
    limit: number;
    offset: number;
  },
) {
  const rows = await sql.selectTickets(db, {
    scope,
    states: q.states ?? null,
    cameraId: q.cameraId ?? null,
    assigneeUserId: q.assigneeUserId ?? null,
    limit: q.limit,
    offset: q.offset,
  });
  return { tickets: rows.map(view) };
}

export { insertCameraEventRows };
