import type { Queryable } from "../../db/pool.js";
import { badRequest, conflict, forbidden, notFound } from "../../http/errors.js";
import { type Clock, systemClock } from "../../jobs/clock.js";
import { recordAudit } from "../audit/audit.service.js";
import type { Permission } from "../auth/permissions.js";
import { applyStageChange } from "./deadlines.js";
import { publishIncidentCreated, publishIncidentUpdated } from "./incident-events.js";
import * as sql from "./incidents.sql.js";
import {
  actionsFor,
  actionsFrom,
  findTransition,
  type IncidentAction,
  type IncidentState,
  terminalStates,
} from "./lifecycle.js";

export type IncidentSource =
  | "camera_health"
  | "hotlist_hit"
  | "grid_worker_report"
  | "hotline_intake"
  | "manual"
  | "open311";
export type IncidentPriority = "low" | "normal" | "high" | "urgent";

/** Who acts: a request's user or token, or a system component (cellCodes null = everywhere). */
export interface Actor {
  userId: number | null;
  actor: string;
  permissions: ReadonlySet<Permission>;
  cellCodes: readonly string[] | null;
  requestId?: string | null;
  ip?: string | null;
}

export interface CreateIncidentInput {
  category: string;
  source: IncidentSource;
  /** The id of what opened it (camera id, hit id, hotline ticket): one open incident per source + ref. */
  sourceRef?: string | null;
  priority?: IncidentPriority;
  location: { lon: number; lat: number };
  description: string;
  cameraId?: string | null;
  /** sha256 of photos uploaded before (POST /api/v1/incidents/attachments). */
  attachments?: readonly string[];
  /** Default: the grid leader of the incident's cell. */
  assigneeUserId?: number | null;
  reporter: { userId: number | null; actor: string };
}

export type IncidentView = sql.IncidentRowView & { allowedActions: IncidentAction[] };

export interface CreatedIncident {
  incident: IncidentView;
  /** Open incidents of the same category nearby in the time window: suggested merges. */
  duplicates: { id: number; distanceM: number }[];
  /** True when an open incident for the same source reference already existed (nothing was created). */
  existing: boolean;
}

export const withActions = (
  row: sql.IncidentRowView,
  permissions: ReadonlySet<Permission>,
): IncidentView => ({
  ...row,
  allowedActions: actionsFor(row.state, permissions),
});

/**
 * Opens an incident: checks category and location, derives the cell, assigns the cell's grid
 * leader, starts the "register" time limit, suggests duplicates and queues incident.created.
 * Pass a client inside a transaction (all of it commits or nothing does). Exported for other
 * features: camera health opens camera_fault incidents, hotlist hits open hotlist_hit ones.
 */
export async function createIncident(
  db: Queryable,
  input: CreateIncidentInput,
  opts: { clock?: Clock; scope?: readonly string[] | null } = {},
): Promise<CreatedIncident> {
  const now = (opts.clock ?? systemClock).now();
  const category = await sql.selectActiveCategory(db, input.category);
  if (!category)
    throw badRequest("unknown_category", `There is no active incident category "${input.category}".`);
  const place = await sql.locateCell(db, input.location.lon, input.location.lat);
  if (!place.inDistrict || !place.cellCode) {
    throw badRequest(
      "location_outside_district",
      `The location ${input.location.lon},${input.location.lat} is outside the district.`,
    );
  }
  const scope = opts.scope ?? null;
  if (scope && !(await cellInScope(db, place.cellCode, scope))) {
    throw forbidden(`The location is in cell ${place.cellCode}, which is outside the cells assigned to you.`);
  }
  const assigneeUserId =
    input.assigneeUserId ?? (await sql.selectCellLeaders(db, [place.cellCode]))[0]?.user_id ?? null;
  const sourceRef = input.sourceRef ?? null;
  const id = await sql.insertIncident(db, {
    category: category.code,
    source: input.source,
    sourceRef,
    priority: input.priority ?? "normal",
    description: input.description,
    lon: input.location.lon,
    lat: input.location.lat,
    cellCode: place.cellCode,
    cameraId: input.cameraId ?? null,
    reporterUserId: input.reporter.userId,
    reporter: input.reporter.actor,
    assigneeUserId,
    now,
  });
  if (id === null) return existingIncident(db, input.source, sourceRef!);
  const eventId = await sql.insertIncidentEvent(db, {
    incidentId: id,
    kind: "created",
    toState: "reported",
    actorUserId: input.reporter.userId,
    actor: input.reporter.actor,
    at: now,
    details: { source: input.source, sourceRef, assigneeUserId },
  });
  await linkAttachments(db, eventId, input.attachments ?? []);
  await applyStageChange(
    db,
    { id, category: category.code, priority: input.priority ?? "normal" },
    null,
    "reported",
    now,
  );
  const duplicates = await sql.insertDuplicateSuggestions(db, id, await sql.selectDuplicateSettings(db));
  await publishIncidentCreated(db, id);
  const row = (await sql.selectIncidentView(db, id, null))!;
  return { incident: withActions(row, new Set()), duplicates, existing: false };
}

async function existingIncident(db: Queryable, source: string, sourceRef: string): Promise<CreatedIncident> {
  const existingId = await sql.selectOpenIncidentBySource(db, source, sourceRef);
  const row = existingId === null ? null : await sql.selectIncidentView(db, existingId, null);
  if (!row)
    throw conflict(
      "incident_exists",
      `An incident for ${source} ${sourceRef} is being created concurrently; retry.`,
    );
  return { incident: withActions(row, new Set()), duplicates: [], existing: true };
}

async function cellInScope(db: Queryable, cellCode: string, scope: readonly string[]): Promise<boolean> {
  const { rows } = await db.query<{ inside: boolean }>(
    "SELECT path && $2::text[] AS inside FROM cells WHERE code = $1",
    [cellCode, scope],
  );
  return rows[0]?.inside ?? false;
}

async function linkAttachments(db: Queryable, eventId: number, hashes: readonly string[]): Promise<void> {
  const missing = await sql.linkEventAttachments(db, eventId, hashes);
  if (missing.length > 0) {
    throw badRequest("unknown_attachment", `Upload these attachments first: ${missing.join(", ")}.`, {
      missing,
    });
  }
}

export async function getIncident(db: Queryable, id: number, actor: Actor): Promise<IncidentView> {
  const row = await sql.selectIncidentView(db, id, actor.cellCodes);
  if (!row) throw notFound("Incident", String(id));
  return withActions(row, actor.permissions);
}

export async function listIncidents(
  db: Queryable,
  actor: Actor & { cellCodes: readonly string[] },
  filter: Omit<sql.IncidentFilter, "scope">,
) {
  const rows = await sql.selectIncidentPage(db, { ...filter, scope: actor.cellCodes });
  return {
    incidents: rows.map((r) => withActions(r, actor.permissions)),
    nextBeforeId: rows.length === filter.limit ? (rows.at(-1)?.id ?? null) : null,
  };
}

export async function getTimeline(db: Queryable, id: number, actor: Actor): Promise<sql.TimelineRow[]> {
  await getIncident(db, id, actor);
  return sql.selectTimeline(db, id);
}

export interface TransitionInput {
  id: number;
  action: IncidentAction;
  /** The version the client last saw; another value means someone changed it meanwhile. */
  version: number;
  note?: string | null;
  attachments?: readonly string[];
  /** For dispatch: who handles it (default: the current assignee, else the cell's grid leader). */
  assigneeUserId?: number | null;
}

const HANDLING_ROLES = ["grid_leader", "grid_worker", "admin"];

/**
 * Applies one lifecycle action. Checks, in order: visible (404), version (409
 * version_conflict), allowed from this state (409 invalid_transition), permitted (403),
 * reason given (400). Then state, timeline, time limits, audit and event in one transaction.
 */
export async function transitionIncident(
  db: Queryable,
  input: TransitionInput,
  actor: Actor,
  clock: Clock = systemClock,
): Promise<IncidentView> {
  const now = clock.now();
  const row = await sql.selectIncidentForUpdate(db, input.id, actor.cellCodes);
  if (!row) throw notFound("Incident", String(input.id));
  if (row.version !== input.version) {
    throw conflict(
      "version_conflict",
      `Incident ${row.id} was changed by someone else (now version ${row.version}, you sent ${input.version}): reload it and try again.`,
      {
        currentVersion: row.version,
      },
    );
  }
  const transition = findTransition(row.state, input.action);
  if (!transition) {
    const allowed = actionsFrom(row.state);
    throw conflict(
      "invalid_transition",
      `Cannot ${input.action} an incident that is ${row.state}; allowed: ${allowed.join(", ") || "none"}.`,
      {
        state: row.state,
        action: input.action,
        allowed,
      },
    );
  }
  if (!actor.permissions.has(transition.permission)) {
    throw forbidden(`To ${input.action} an incident you need the permission "${transition.permission}".`);
  }
  if (transition.noteRequired && !input.note?.trim()) {
    throw badRequest("note_required", `Give a reason (note) to ${input.action} an incident.`);
  }
  const to: IncidentState = transition.to === "previous" ? row.state_before_suspend! : transition.to;
  const people = await peopleAfter(db, row, input, actor);
  await sql.updateIncidentState(db, {
    id: row.id,
    state: to,
    stateBeforeSuspend: to === "suspended" ? row.state : null,
    ...people,
    now,
  });
  const eventId = await sql.insertIncidentEvent(db, {
    incidentId: row.id,
    kind: "transition",
    action: input.action,
    fromState: row.state,
    toState: to,
    actorUserId: actor.userId,
    actor: actor.actor,
    at: now,
    note: input.note ?? null,
    details: people.assigneeUserId !== row.assignee_user_id ? { assigneeUserId: people.assigneeUserId } : {},
  });
  await linkAttachments(db, eventId, input.attachments ?? []);
  await applyStageChange(
    db,
    { id: row.id, category: row.category_code, priority: row.priority },
    row.state,
    to,
    now,
  );
  await recordAudit(db, {
    actorUserId: actor.userId,
    actor: actor.actor,
    requestId: actor.requestId ?? null,
    ip: actor.ip ?? null,
    action: `incident.${input.action}`,
    targetType: "incident",
    targetId: String(row.id),
    cellCode: row.cell_code,
    details: { from: row.state, to },
  });
  await publishIncidentUpdated(db, row.id, {
    action: input.action,
    fromState: row.state,
    toState: to,
    actor: actor.actor,
  });
  return getIncident(db, row.id, actor);
}

/**
 * Assignee and accountable person after an action: registering makes the registering
 * operator accountable (first contact); dispatching hands accountability to the assignee.
 */
async function peopleAfter(db: Queryable, row: sql.IncidentLockRow, input: TransitionInput, actor: Actor) {
  if (input.assigneeUserId != null && input.action !== "dispatch") {
    throw badRequest(
      "assignee_only_on_dispatch",
      "assigneeUserId can only be given with the dispatch action.",
    );
  }
  if (input.action === "register")
    return { assigneeUserId: row.assignee_user_id, accountableUserId: actor.userId };
  if (input.action !== "dispatch")
    return { assigneeUserId: row.assignee_user_id, accountableUserId: row.accountable_user_id };
  const assignee =
    input.assigneeUserId ??
    row.assignee_user_id ??
    (await sql.selectCellLeaders(db, [row.cell_code]))[0]?.user_id ??
    null;
  if (assignee === null) {
    throw badRequest(
      "assignee_required",
      `Cell ${row.cell_code} has no grid leader: name the assignee (assigneeUserId).`,
    );
  }
  if (!(await sql.userCanHandleIn(db, assignee, row.cell_code, HANDLING_ROLES))) {
    throw badRequest(
      "assignee_not_eligible",
      `User ${assignee} cannot handle incidents in cell ${row.cell_code} (needs a handling role and the cell in their scope).`,
    );
  }
  return { assigneeUserId: assignee, accountableUserId: assignee };
}

/** Merges `id` into `intoId`: the source is voided and points at the target; both timelines stay. */
export async function mergeIncident(
  db: Queryable,
  input: { id: number; intoId: number; version: number; note?: string | null },
  actor: Actor,
  clock: Clock = systemClock,
): Promise<IncidentView> {
  const now = clock.now();
  if (input.id === input.intoId)
    throw badRequest("merge_into_self", "An incident cannot be merged into itself.");
  // Lock in id order so two opposite merges cannot deadlock.
  const [first, second] = input.id < input.intoId ? [input.id, input.intoId] : [input.intoId, input.id];
  const a = await sql.selectIncidentForUpdate(db, first, actor.cellCodes);
  const b = await sql.selectIncidentForUpdate(db, second, actor.cellCodes);
  const source = a?.id === input.id ? a : b;
  const target = a?.id === input.intoId ? a : b;
  if (!source) throw notFound("Incident", String(input.id));
  if (!target) throw notFound("Incident", String(input.intoId));
  if (source.version !== input.version) {
    throw conflict(
      "version_conflict",
      `Incident ${source.id} was changed by someone else (now version ${source.version}): reload it and try again.`,
      {
        currentVersion: source.version,
      },
    );
  }
  for (const x of [source, target]) {
    if (terminalStates.includes(x.state))
      throw conflict(
        "invalid_transition",
        `Incident ${x.id} is ${x.state} and cannot take part in a merge.`,
        { state: x.state, action: "merge", allowed: actionsFrom(x.state) },
      );
  }
  if (source.category_code !== target.category_code) {
    throw badRequest(
      "merge_category_mismatch",
      `Only incidents of the same category can be merged (${source.category_code} vs ${target.category_code}).`,
    );
  }
  await sql.updateIncidentState(db, {
    id: source.id,
    state: "voided",
    stateBeforeSuspend: null,
    assigneeUserId: source.assignee_user_id,
    accountableUserId: source.accountable_user_id,
    mergedIntoId: target.id,
    now,
  });
  await applyStageChange(
    db,
    { id: source.id, category: source.category_code, priority: source.priority },
    source.state,
    "voided",
    now,
  );
  const base = { actorUserId: actor.userId, actor: actor.actor, at: now, note: input.note ?? null };
  await sql.insertIncidentEvent(db, {
    ...base,
    incidentId: source.id,
    kind: "merged_into",
    action: "merge",
    fromState: source.state,
    toState: "voided",
    details: { intoId: target.id },
  });
  await sql.insertIncidentEvent(db, {
    ...base,
    incidentId: target.id,
    kind: "merged_from",
    action: "merge",
    details: { fromId: source.id },
  });
  await recordAudit(db, {
    actorUserId: actor.userId,
    actor: actor.actor,
    requestId: actor.requestId ?? null,
    ip: actor.ip ?? null,
    action: "incident.merge",
    targetType: "incident",
    targetId: String(source.id),
    cellCode: source.cell_code,
    details: { intoId: target.id },
  });
  await publishIncidentUpdated(db, source.id, {
    action: "merge",
    fromState: source.state,
    toState: "voided",
    actor: actor.actor,
  });
  await publishIncidentUpdated(db, target.id, {
    action: "merge",
    fromState: null,
    toState: null,
    actor: actor.actor,
  });
  return getIncident(db, target.id, actor);
}

export type CallbackRating = "satisfied" | "basically_satisfied" | "unsatisfied";

/** Records the satisfaction callback of a closed incident, once. */
export async function recordCallback(
  db: Queryable,
  input: { id: number; rating: CallbackRating; note?: string | null },
  actor: Actor,
  clock: Clock = systemClock,
): Promise<IncidentView> {
  const now = clock.now();
  const row = await sql.selectIncidentForUpdate(db, input.id, actor.cellCodes);
  if (!row) throw notFound("Incident", String(input.id));
  if (row.state !== "closed") {
    throw conflict(
      "not_closed",
      `A callback is recorded after closing; incident ${row.id} is ${row.state}.`,
      { state: row.state },
    );
  }
  const inserted = await sql.insertCallback(db, {
    incidentId: row.id,
    rating: input.rating,
    note: input.note ?? null,
    userId: actor.userId,
    at: now,
  });
  if (!inserted)
    throw conflict("callback_exists", `The callback for incident ${row.id} was already recorded.`);
  await sql.insertIncidentEvent(db, {
    incidentId: row.id,
    kind: "callback",
    actorUserId: actor.userId,
    actor: actor.actor,
    at: now,
    note: input.note ?? null,
    details: { rating: input.rating },
  });
  await publishIncidentUpdated(db, row.id, {
    action: "callback",
    fromState: null,
    toState: null,
    actor: actor.actor,
  });
  return getIncident(db, row.id, actor);
}

/** A system actor for other features' calls (camera health, hotlists): all permissions, no cell limit. */
export function systemActor(name: string, permissions: readonly Permission[]): Actor {
  return { userId: null, actor: `system:${name}`, permissions: new Set(permissions), cellCodes: null };
}
