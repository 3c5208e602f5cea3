import { afterCommit, type Queryable } from "../db/pool.js";
import type { Permission, Role } from "../features/auth/permissions.js";
import { type EventPayloads, type EventTopic, eventTopics, topicPermission } from "./events.js";
import { deletePublishedBefore, insertOutboxRows, type OutboxInsert } from "./outbox.sql.js";

export class OutboxError extends Error {
  constructor(
    readonly code: "unknown_cell" | "no_audience" | "unknown_topic",
    message: string,
  ) {
    super(message);
    this.name = "OutboxError";
  }
}

/** One event to publish. Routed to the rooms of its cell and every enclosing cell, its camera, and its roles. */
export interface NewEvent<T extends EventTopic = EventTopic> {
  topic: T;
  cellCode?: string | null;
  cameraId?: string | null;
  /** Also deliver to everyone in these roles' rooms (still subject to the permission check). */
  roles?: Role[];
  /** A permission receivers need on top of the topic's own (events.ts `topicPermission`). */
  requires?: Permission;
  payload: EventPayloads[T];
}

/** Any NewEvent, with the payload type tied to its topic. */
export type AnyNewEvent = { [T in EventTopic]: NewEvent<T> }[EventTopic];

/**
 * Writes the event in the caller's transaction (pass the transaction's client): it is
 * published only if and when that transaction commits. Returns the outbox row id (not the
 * client-visible seq, which is assigned after commit).
 */
export async function enqueueEvent<T extends EventTopic>(db: Queryable, event: NewEvent<T>): Promise<number> {
  const [id] = await enqueueEvents(db, [event as AnyNewEvent]);
  return id!;
}

/** Relays of this process, woken when a transaction that enqueued events commits. */
const localRelays = new Set<() => void>();

/** Registers a relay's wake-up; returns the unregister function. */
export function onLocalOutboxCommit(wake: () => void): () => void {
  localRelays.add(wake);
  return () => localRelays.delete(wake);
}

const wakeLocalRelays = () => {
  for (const wake of localRelays) wake();
};

/** Several events in one statement, published in the order given. */
export async function enqueueEvents(db: Queryable, events: readonly AnyNewEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  const rows = events.map(toOutboxInsert);
  const inserted = await insertOutboxRows(db, rows);
  afterCommit(db, wakeLocalRelays);
  if (inserted.length !== rows.length) {
    const known = new Set(inserted.map((r) => r.cell_code));
    const missing = rows.find((r) => r.cell_code !== null && !known.has(r.cell_code));
    throw new OutboxError(
      "unknown_cell",
      `Cannot publish an event for cell ${JSON.stringify(missing?.cell_code)}: no such cell.`,
    );
  }
  return inserted.map((r) => r.id);
}

function toOutboxInsert(event: AnyNewEvent): OutboxInsert {
  if (!(eventTopics as readonly string[]).includes(event.topic)) {
    throw new OutboxError("unknown_topic", `Unknown event topic ${JSON.stringify(event.topic)}.`);
  }
  const cellCode = event.cellCode ?? null;
  const cameraId = event.cameraId ?? null;
  const roles = [...new Set(event.roles ?? [])];
  if (cellCode === null && cameraId === null && roles.length === 0) {
    throw new OutboxError(
      "no_audience",
      `Event ${event.topic} names no cell, camera or role, so nobody would receive it.`,
    );
  }
  const audience = [...new Set([topicPermission[event.topic], ...(event.requires ? [event.requires] : [])])];
  return {
    topic: event.topic,
    cell_code: cellCode,
    camera_id: cameraId,
    roles,
    audience,
    payload: event.payload,
  };
}

/** Deletes published events older than the retention window; clients further behind must resync. */
export function purgeOutbox(db: Queryable, retentionHours: number): Promise<number> {
  return deletePublishedBefore(db, retentionHours);
}
