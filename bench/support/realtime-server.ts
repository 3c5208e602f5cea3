/**
 * The server side of bench/realtime-fanout.bench.ts, in its own process: a full GridOps HTTP +
 * Socket.IO server on the bench database, plus an event producer driven over IPC. The
 * producer runs here so both modes start the clock the same way:
 *   outbox — one transaction per event with enqueueEvent, delivered by the relay;
 *   direct — io.to(cell rooms).emit with no database at all (the baseline).
 * Every payload carries `sentAt` (ms since the epoch, sub-ms precision) for latency.
 */
import { randomBytes } from "node:crypto";
import { loadConfig } from "../../server/src/config.js";
import { createPool, withTransaction } from "../../server/src/db/pool.js";
import { keyringOf } from "../../server/src/features/secrets/keyring.js";
import { createLogger } from "../../server/src/logger.js";
import type { IncidentCreatedPayload } from "../../server/src/realtime/events.js";
import { enqueueEvent } from "../../server/src/realtime/outbox.js";
import { depsOf, startHttpServer } from "../../server/src/runtime.js";

export type ProduceMode = "outbox" | "direct";
export type ParentMessage =
  | {
      type: "produce";
      mode: ProduceMode;
      rate: number;
      seconds: number;
      grids: { code: string; path: string[] }[];
      /** Warm-up events: same path, marked so the clients leave them out of the figures. */
      warmup?: boolean;
    }
  | { type: "stop" };
export type ChildMessage =
  | { type: "listening"; url: string }
  | {
      type: "produced";
      mode: ProduceMode;
      count: number;
      seconds: number;
      maxInFlight: number;
      /** Milliseconds from sentAt to the producing transaction's commit returning (outbox mode). */
      commitMs: number[];
      serverStats: unknown;
    };

export const wallClockMs = () => performance.timeOrigin + performance.now();

export interface BenchIncidentPayload extends IncidentCreatedPayload {
  sentAt: number;
}

/** The `reference` of warm-up events (measured events carry their mode there). */
export const WARMUP_REFERENCE = "warmup";

function payloadFor(mode: ProduceMode, n: number, cellCode: string, warmup: boolean): BenchIncidentPayload {
  return {
    sentAt: wallClockMs(),
    incident: {
      id: n,
      reference: warmup ? WARMUP_REFERENCE : mode,
      cellCode,
      category: "bench",
      priority: "normal",
      state: "reported",
      title: `bench ${mode} ${n}`,
      location: { lon: 116.4, lat: 39.9 },
      dueAt: null,
      overdue: false,
      overdueAt: null,
      reportedAt: new Date().toISOString(),
      closedAt: null,
      version: 1,
      updatedAt: new Date().toISOString(),
    },
  };
}

async function main() {
  const config = loadConfig({ ...process.env, PORT: "0", HOST: "127.0.0.1", GRIDOPS_LOG_LEVEL: "warn" });
  const pool = createPool(config.databaseUrl!, 40);
  const server = await startHttpServer(
    depsOf(config, pool, createLogger(config.logLevel), keyringOf([randomBytes(32)])),
  );
  const send = (m: ChildMessage) => process.send!(m);
  send({ type: "listening", url: server.url });

  process.on("message", async (message: ParentMessage) => {
    if (message.type === "stop") {
      await server.close();
      await pool.end();
      process.exit(0);
    }
    const { mode, rate, seconds, grids } = message;
    const warmup = message.warmup === true;
    const total = Math.round(rate * seconds);
    const started = performance.now();
    let produced = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const pending = new Set<Promise<void>>();
    const commitMs: number[] = [];
    const emitOne = (n: number) => {
      const grid = grids[n % grids.length]!;
      const payload = payloadFor(mode, n, grid.code, warmup);
      if (mode === "direct") {
        const rooms = grid.path.map((code) => `cell:${code}`);
        const event = {
          seq: n,
          topic: "incident.created",
          cellCode: grid.code,
          cameraId: null,
          at: new Date().toISOString(),
          payload,
        };
        (server.realtime.io.local.to(rooms).emit as (e: string, p: unknown) => boolean)(
          "incident.created",
          event,
        );
        return;
      }
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const p: Promise<void> = withTransaction(pool, (tx) =>
        enqueueEvent(tx, { topic: "incident.created", cellCode: grid.code, payload }).then(() => {}),
      ).finally(() => {
        commitMs.push(wallClockMs() - payload.sentAt);
        inFlight -= 1;
        pending.delete(p);
      });
      pending.add(p);
    };
    // Paced on a 5 ms tick: each tick starts the events that are due by now.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
        while (produced < due) emitOne(produced++);
        if (produced >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await Promise.all(pending);
    send({
      type: "produced",
      mode,
      count: produced,
      seconds: (performance.now() - started) / 1000,
      maxInFlight,
      commitMs,
      serverStats: { ...server.realtime.stats, relay: server.realtime.relay.stats },
    });
  });
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
