import type { Logger } from "../logger.js";
import { type CatchUpDeps, replayAndRelease, toRealtimeEvent } from "./catch-up.js";
import type { OutboxRow } from "./outbox.sql.js";
import type { EventSink } from "./relay.js";
import { targetRooms } from "./rooms.js";
import type { RealtimeServer, RealtimeSocket, RealtimeStats } from "./socket-types.js";

export interface SlowClientPolicy {
  /** Packets waiting in a socket's engine.io send buffer before it counts as lagging. */
  sendBufferLimit: number;
  /** How long a lagging socket may stay clogged before it is disconnected (it resumes with lastSeq). */
  maxLagMs: number;
  /** How often a lagging socket's buffer is looked at. */
  checkIntervalMs: number;
}

export const defaultSlowClientPolicy: SlowClientPolicy = {
  sendBufferLimit: 1000,
  maxLagMs: 30_000,
  checkIntervalMs: 100,
};

/**
 * engine.io's queue of packets not yet handed to the transport; grows while the client does
 * not read. `private` in engine.io's typings, but Socket.IO offers no other view of a
 * socket's backlog (no emit() return value or drain event: socketio/socket.io#3158).
 */
export const sendBacklog = (socket: RealtimeSocket): number =>
  (socket.conn as unknown as { writeBuffer: readonly unknown[] }).writeBuffer.length;

/**
 * Turns each published row into one broadcast to this process's own sockets (`io.local`):
 * the sockets in any of the row's rooms that hold every permission in its audience, are not
 * held for a catch-up, and do not have it already. A socket whose send buffer is over the
 * limit is not written to: it is held and caught up from the outbox once it drains, so one
 * slow client costs others nothing and loses nothing.
 */
export class LocalDelivery implements EventSink {
  constructor(
    private readonly io: RealtimeServer,
    private readonly stats: RealtimeStats,
    private readonly policy: SlowClientPolicy,
    private readonly catchUp: CatchUpDeps,
    private readonly log: Logger,
  ) {}

  deliver(row: OutboxRow): void {
    try {
      const recipients = this.recipientsOf(row);
      if (recipients.length === 0) return;
      const event = toRealtimeEvent(row);
      (this.io.local.to(recipients).emit as (topic: string, e: unknown) => boolean)(event.topic, event);
      this.stats.delivered += recipients.length;
    } catch (err) {
      // One bad row must not stop the stream; clients that miss it can catch up from the outbox.
      this.log.error({ err, seq: row.seq }, "realtime delivery of an outbox row failed");
    }
  }

  private recipientsOf(row: OutboxRow): string[] {
    const nsp = this.io.of("/");
    const candidates = new Set<string>();
    for (const room of targetRooms(row)) {
      for (const id of nsp.adapter.rooms.get(room) ?? []) candidates.add(id);
    }
    const recipients: string[] = [];
    for (const id of candidates) {
      const socket = nsp.sockets.get(id);
      if (!socket) continue;
      const state = socket.data;
      if (state.held || row.seq <= state.floor) continue;
      if (!row.audience.every((p) => state.auth.permissions.has(p as never))) continue;
      if (isClogged(socket, this.policy)) {
        this.startLagRecovery(socket, row.seq - 1);
        continue;
      }
      recipients.push(id);
    }
    return recipients;
  }

  /** The socket has everything up to `upTo`; hold it and replay the rest once it drains. */
  private startLagRecovery(socket: RealtimeSocket, upTo: number): void {
    socket.data.held = true;
    this.stats.lagged += 1;
    this.log.warn(
      { socket: socket.id, actor: socket.data.auth.actor, upTo },
      "realtime client lagging; switching it to catch-up",
    );
    void (async () => {
      if (!(await waitForRoom(socket, this.policy))) {
        this.stats.dropped += 1;
        this.log.warn(
          { socket: socket.id, actor: socket.data.auth.actor },
          "realtime client stayed clogged; disconnected",
        );
        socket.disconnect(true);
        return;
      }
      await replayAndRelease(this.catchUp, socket, upTo);
    })().catch((err) => {
      this.log.error(
        { err, socket: socket.id },
        "lag recovery failed; disconnecting the client so it resumes",
      );
      socket.disconnect(true);
    });
  }
}

/** True once the send buffer is down to a quarter of the limit; false if that takes longer than maxLagMs. */
export function waitForRoom(socket: RealtimeSocket, policy: SlowClientPolicy): Promise<boolean> {
  const lowWater = Math.floor(policy.sendBufferLimit / 4);
  const deadline = Date.now() + policy.maxLagMs;
  return new Promise((resolve) => {
    const check = () => {
      if (socket.disconnected) return resolve(false);
      if (sendBacklog(socket) <= lowWater) return resolve(true);
      if (Date.now() >= deadline) return resolve(false);
      setTimeout(check, policy.checkIntervalMs).unref();
    };
    check();
  });
}

export const isClogged = (socket: RealtimeSocket, policy: SlowClientPolicy): boolean =>
  sendBacklog(socket) > policy.sendBufferLimit;
