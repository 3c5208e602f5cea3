/**
 * Realtime fan-out: one GridOps server process (child process), N Socket.IO clients (this
 * process) spread over grid, street and district rooms, incident events at a fixed rate.
 * Measures delivery latency from "before the producing transaction began" to "client
 * handler ran", and counts lost and duplicated deliveries against what each client should
 * get. Baseline, same run, same server and clients: direct io.local.to(rooms).emit with no
 * database (what the outbox costs for its guarantees).
 *
 * Environment (defaults in brackets):
 *   GRIDOPS_BENCH_RT_SECONDS [15]  seconds per mode (the issue's full run is 60)
 *   GRIDOPS_BENCH_RT_RATE    [500] events per second
 *   GRIDOPS_BENCH_RT_CLIENTS [2000] connected clients
 *   GRIDOPS_BENCH_RT_WARMUP_SECONDS [5] seconds of the same load before each mode, left out of
 *                                       the figures: a fresh server opens its pool connections and
 *                                       compiles its hot paths then (a running one has done so)
 */
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { io, type Socket } from "socket.io-client";
import { createApiToken, systemAuthFor } from "../server/src/features/auth/auth.service.js";
import type { Permission } from "../server/src/features/auth/permissions.js";
import type { RealtimeEvent } from "../server/src/realtime/events.js";
import type { BenchResult } from "./support/bench-types.js";
import { type BenchDatabase, startBenchDatabase } from "./support/database.js";
import type {
  BenchIncidentPayload,
  ChildMessage,
  ParentMessage,
  ProduceMode,
  WARMUP_REFERENCE,
} from "./support/realtime-server.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.GRIDOPS_BENCH_RT_SECONDS ?? 15);
const rate = Number(process.env.GRIDOPS_BENCH_RT_RATE ?? 500);
const clientCount = Number(process.env.GRIDOPS_BENCH_RT_CLIENTS ?? 2000);
const warmupSeconds = Number(process.env.GRIDOPS_BENCH_RT_WARMUP_SECONDS ?? 5);
// A type-only import: importing a value would run the child's server module in this process.
const WARMUP: typeof WARMUP_REFERENCE = "warmup";
const DISTRICT_CLIENTS = 5;
const STREET_CLIENTS = 45;

const wallClockMs = () => performance.timeOrigin + performance.now();

interface Cell {
  code: string;
  level: string;
  path: string[];
}

interface BenchClient {
  socket: Socket;
  cellCode: string;
  seen: Map<ProduceMode, Set<number>>;
  duplicates: Map<ProduceMode, number>;
}

const latencies: Record<ProduceMode, number[]> = { outbox: [], direct: [] };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function tokensFor(db: BenchDatabase, cells: Cell[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const permissions: Permission[] = ["incidents:read", "cells:read"];
  for (const cell of cells) {
    const { token } = await createApiToken(
      db.pool,
      await systemAuthFor(db.pool, "bench"),
      { name: `bench ${cell.code}`, permissions, cellCodes: [cell.code], cameraIds: null, expiresAt: null },
      { ip: null, userAgent: null, requestId: null },
    );
    tokens.set(cell.code, token);
  }
  return tokens;
}

function connect(url: string, token: string, cellCode: string): Promise<BenchClient> {
  const socket = io(url, { transports: ["websocket"], auth: { token }, reconnection: false, forceNew: true });
  const client: BenchClient = {
    socket,
    cellCode,
    seen: new Map([
      ["outbox", new Set()],
      ["direct", new Set()],
    ]),
    duplicates: new Map([
      ["outbox", 0],
      ["direct", 0],
    ]),
  };
  socket.on("incident.created", (event: RealtimeEvent<"incident.created">) => {
    const now = wallClockMs();
    const payload = event.payload as BenchIncidentPayload;
    const mode = payload.incident.reference as ProduceMode | typeof WARMUP;
    if (mode === WARMUP) return;
    const seen = client.seen.get(mode)!;
    if (seen.has(payload.incident.id)) client.duplicates.set(mode, client.duplicates.get(mode)! + 1);
    else seen.add(payload.incident.id);
    latencies[mode].push(now - payload.sentAt);
  });
  return new Promise((resolve, reject) => {
    socket.once("ready", () => resolve(client));
    socket.once("connect_error", (err) => reject(err));
  });
}

function startServer(db: BenchDatabase): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(path.join(here, "support", "realtime-server.ts"), [], {
    execArgv: ["--import", "tsx", "--conditions", "development"],
    env: { ...process.env, DATABASE_URL: db.connectionString, NODE_ENV: "production" },
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on("message", (m: ChildMessage) => {
      if (m.type === "listening") resolve({ child, url: m.url });
    });
  });
}

function produce(
  child: ChildProcess,
  message: ParentMessage,
): Promise<Extract<ChildMessage, { type: "produced" }>> {
  return new Promise((resolve) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type === "produced") {
        child.off("message", onMessage);
        resolve(m);
      }
    };
    child.on("message", onMessage);
    child.send(message);
  });
}

/** Which clients must get an event of `grid`: those whose cell is the grid or encloses it. */
function expectedPerClient(clients: BenchClient[], grids: Cell[], events: number): Map<BenchClient, number> {
  const counts = new Map<BenchClient, number>();
  const perGrid = new Map<string, number>();
  for (let n = 0; n < events; n++) {
    const code = grids[n % grids.length]!.code;
    perGrid.set(code, (perGrid.get(code) ?? 0) + 1);
  }
  for (const client of clients) {
    let expected = 0;
    for (const grid of grids)
      if (grid.path.includes(client.cellCode)) expected += perGrid.get(grid.code) ?? 0;
    counts.set(client, expected);
  }
  return counts;
}

async function waitForQuiet(expectedTotal: number, received: () => number, maxMs = 20_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = -1;
  while (Date.now() < deadline) {
    const now = received();
    if (now >= expectedTotal) return;
    if (now === last) {
      await new Promise((r) => setTimeout(r, 1000));
      if (received() === now) return;
    }
    last = now;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function run(): Promise<BenchResult[]> {
  const db = await startBenchDatabase({ demo: true });
  let child: ChildProcess | null = null;
  const clients: BenchClient[] = [];
  try {
    const { rows: cells } = await db.pool.query<Cell>(
      "SELECT code, level, path FROM cells WHERE retired_at IS NULL ORDER BY code",
    );
    const grids = cells.filter((c) => c.level === "grid");
    const streets = cells.filter((c) => c.level === "street");
    const district = cells.find((c) => c.level === "district")!;
    const placement: Cell[] = [];
    for (let i = 0; i < DISTRICT_CLIENTS; i++) placement.push(district);
    for (let i = 0; i < STREET_CLIENTS; i++) placement.push(streets[i % streets.length]!);
    for (let i = 0; placement.length < clientCount; i++) placement.push(grids[i % grids.length]!);
    const tokens = await tokensFor(db, [...new Set(placement)]);

    const server = await startServer(db);
    child = server.child;
    for (let i = 0; i < placement.length; i += 100) {
      const batch = placement.slice(i, i + 100);
      clients.push(
        ...(await Promise.all(batch.map((cell) => connect(server.url, tokens.get(cell.code)!, cell.code)))),
      );
    }

    const results: BenchResult[] = [];
    const summary: Record<
      ProduceMode,
      { p50: number; p99: number; lost: number; dup: number; rate: number }
    > = {
      direct: { p50: 0, p99: 0, lost: 0, dup: 0, rate: 0 },
      outbox: { p50: 0, p99: 0, lost: 0, dup: 0, rate: 0 },
    };
    for (const mode of ["direct", "outbox"] as const) {
      if (warmupSeconds > 0) {
        await produce(server.child, {
          type: "produce",
          mode,
          rate,
          seconds: warmupSeconds,
          grids,
          warmup: true,
        });
        await new Promise((r) => setTimeout(r, 1000));
      }
      const done = await produce(server.child, { type: "produce", mode, rate, seconds, grids });
      const expected = expectedPerClient(clients, grids, done.count);
      const expectedTotal = [...expected.values()].reduce((a, b) => a + b, 0);
      await waitForQuiet(expectedTotal, () => latencies[mode].length);
      let lost = 0;
      let dup = 0;
      for (const client of clients) {
        lost += Math.max(0, expected.get(client)! - client.seen.get(mode)!.size);
        dup += client.duplicates.get(mode)!;
      }
      const sorted = [...latencies[mode]].sort((a, b) => a - b);
      const commits = [...done.commitMs].sort((a, b) => a - b);
      summary[mode] = {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        lost,
        dup,
        rate: done.count / done.seconds,
      };
      process.stderr.write(
        `  ${mode}: ${done.count} events in ${done.seconds.toFixed(1)} s, ${sorted.length}/${expectedTotal} deliveries, p50 ${summary[mode].p50.toFixed(1)} ms, p99 ${summary[mode].p99.toFixed(1)} ms, lost ${lost}, dup ${dup}${commits.length ? `; commit p50 ${percentile(commits, 50).toFixed(1)} ms, p99 ${percentile(commits, 99).toFixed(1)} ms, max in flight ${done.maxInFlight}` : ""}\n`,
      );
    }
    const o = summary.outbox;
    const d = summary.direct;
    const note = `${clients.length} clients, ${rate} ev/s for ${seconds} s per mode`;
    results.push(
      {
        name: "p99 delivery latency (outbox)",
        value: o.p99,
        unit: "ms",
        baseline: { name: "direct emit p99", value: d.p99 },
        ratio: o.p99 / d.p99,
        note,
      },
      {
        name: "p50 delivery latency (outbox)",
        value: o.p50,
        unit: "ms",
        baseline: { name: "direct emit p50", value: d.p50 },
        ratio: o.p50 / d.p50,
      },
      {
        name: "lost deliveries (outbox)",
        value: o.lost,
        unit: "deliveries",
        baseline: { name: "direct emit", value: d.lost },
      },
      {
        name: "duplicated deliveries (outbox)",
        value: o.dup,
        unit: "deliveries",
        baseline: { name: "direct emit", value: d.dup },
      },
      {
        name: "achieved event rate (outbox)",
        value: o.rate,
        unit: "events/s",
        baseline: { name: "direct emit", value: d.rate },
        ratio: o.rate / d.rate,
      },
    );
    return results;
  } finally {
    for (const client of clients) client.socket.close();
    if (child) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.send({ type: "stop" } satisfies ParentMessage);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      child.kill();
    }
    await db.close();
  }
}
