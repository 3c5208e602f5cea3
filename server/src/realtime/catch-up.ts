import type { Queryable } from "../db/pool.js";
import type { Logger } from "../logger.js";
import type { CatchUpResult, EventTopic, RealtimeEvent, ResyncRequired } from "./events.js";
import { type OutboxRow, selectCatchUpPage, selectLastSeq } from "./outbox.sql.js";
import { roomsByKind } from "./rooms.js";
import type { RealtimeSocket, RealtimeStats } from "./socket-types.js";

export function toRealtimeEvent(row: OutboxRow): RealtimeEvent {
  return {
    seq: row.seq,
    topic: row.topic as EventTopic,
    cellCode: row.cell_code,
    cameraId: row.camera_id,
    at: row.created_at.toISOString(),
    payload: row.payload as RealtimeEvent["payload"],
  };
}

/** Emits one event to one socket; the casts bridge the per-topic typed map and a row read from SQL. */
export function emitTo(socket: RealtimeSocket, event: RealtimeEvent): void {
  (socket.emit as (topic: string, e: RealtimeEvent) => boolean)(event.topic, event);
}

export interface CatchUpDeps {
  db: Queryable;
  log: Logger;
  stats: RealtimeStats;
  /** The relay's position: what this process has delivered live so far. */
  position: () => number;
  pageSize: number;
  /** Resolves true when the socket's send buffer has room again, false if it stayed full too long. */
  waitForRoom: (socket: RealtimeSocket) => Promise<boolean>;
  isClogged: (socket: RealtimeSocket) => boolean;
}

export type CatchUpOutcome =
  | ({ kind: "done" } & CatchUpResult)
  | { kind: "resync"; info: ResyncRequired }
  | { kind: "gone" };

/**
 * Sends a held socket everything after `since` that its rooms and permissions let it see,
 * then releases it to live delivery. The release happens in the same tick as the check that
 * the replay reached the relay's position, so no event falls between replay and live, and
 * none is sent twice. Live delivery skips held sockets, so the client gets strict seq order.
 */
export async function replayAndRelease(
  deps: CatchUpDeps,
  socket: RealtimeSocket,
  since: number,
): Promise<CatchUpOutcome> {
  deps.stats.catchUps += 1;
  const state = socket.data;
  state.held = true;
  if (since > deps.position()) {
    // Another process may be ahead of ours; if the database has the seq, wait for our relay
    // to get there by never sending this client anything at or below it.
    const last = await selectLastSeq(deps.db);
    if (since > last) return resync(deps, socket, "unknown_position");
    state.floor = Math.max(state.floor, since);
  }
  let from = since;
  let count = 0;
  let first = true;
  for (;;) {
    if (socket.disconnected) return { kind: "gone" };
    const to = deps.position();
    if (from >= to) {
      state.held = false;
      state.floor = Math.max(state.floor, from);
      return { kind: "done", from: since, to: Math.max(to, from), count };
    }
    const page = await selectCatchUpPage(deps.db, {
      after: from,
      upTo: to,
      ...roomsByKind(socket.rooms),
      permissions: [...state.auth.permissions],
      limit: deps.pageSize,
    });
    if (first && since + 1 < page.oldestKept) return resync(deps, socket, "too_old");
    first = false;
    if (socket.disconnected) return { kind: "gone" };
    for (const row of page.rows) emitTo(socket, toRealtimeEvent(row));
    count += page.rows.length;
    deps.stats.catchUpEvents += page.rows.length;
    from = page.rows.length < deps.pageSize ? to : page.rows.at(-1)!.seq;
    if (deps.isClogged(socket) && !(await deps.waitForRoom(socket))) {
      deps.stats.dropped += 1;
      socket.disconnect(true);
      return { kind: "gone" };
    }
  }
}

/** The client's position cannot be resumed: it reloads over HTTP and continues live from here. */
function resync(deps: CatchUpDeps, socket: RealtimeSocket, reason: ResyncRequired["reason"]): CatchUpOutcome {
  deps.stats.resyncs += 1;
  const info: ResyncRequired = { reason, position: deps.position() };
  socket.data.floor = info.position;
  socket.data.held = false;
  socket.emit("resync_required", info);
  return { kind: "resync", info };
}
