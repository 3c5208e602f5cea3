import type { Queryable } from "../../db/pool.js";
import { enqueueEvent } from "../../realtime/outbox.js";
import { selectIncidentSummaries } from "./incidents.sql.js";

/** The command centre gets every incident event through its role rooms as well as by cell. */
const COMMAND_CENTRE = ["commander", "operator"] as const;

/** Queues incident.created for an incident, in the caller's transaction. */
export async function publishIncidentCreated(db: Queryable, id: number): Promise<void> {
  const [incident] = await selectIncidentSummaries(db, [id]);
  if (!incident) return;
  await enqueueEvent(db, {
    topic: "incident.created",
    cellCode: incident.cellCode,
    roles: [...COMMAND_CENTRE],
    payload: { incident },
  });
}

/** Queues incident.updated (a transition, a time-limit warning or escalation, a merge, a callback). */
export async function publishIncidentUpdated(
  db: Queryable,
  id: number,
  change: { action: string; fromState: string | null; toState: string | null; actor: string },
): Promise<void> {
  const [incident] = await selectIncidentSummaries(db, [id]);
  if (!incident) return;
  await enqueueEvent(db, {
    topic: "incident.updated",
    cellCode: incident.cellCode,
    roles: [...COMMAND_CENTRE],
    payload: { incident, ...change },
  });
}
