/**
 * Shallow health polling of 10,000 simulated cameras by ONE worker process through the real
 * path: dispatcher → graphile-worker batch jobs (100 cameras each, listed in the payload) →
 * ONVIF checks under the global and per-host limiter → state machine → batched writes
 * (health, checks partition, events, outbox). The simulator runs in a child process (each
 * answer delayed by a simulated 20 ms RTT; 500 listeners, so 20 cameras per host:port) so CPU
 * and RSS are the poller's. Baseline: the same checks one camera after another, measured on a
 * sample and extrapolated to the fleet (labelled as such).
 * State change → browser latency is bench/camera-status.bench.ts.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../server/src/config.js";
import { createPool, withTransaction } from "../server/src/db/pool.js";
import { sealCredentials } from "../server/src/features/cameras/cameras.service.js";
import { CameraPoller } from "../server/src/features/health/poller.js";
import { startCameraPoller } from "../server/src/features/health/poller-queue.js";
import { keyringOf } from "../server/src/features/secrets/keyring.js";
import { migrateJobQueue } from "../server/src/jobs/job-queue.js";
import { createLogger } from "../server/src/logger.js";
import type { BenchResult } from "./support/bench-types.js";
import { startBenchDatabase } from "./support/database.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CAMERAS = 10_000;
const RTT_MS = 20;
const SEQUENTIAL_SAMPLE = 200;
const CYCLE_LIMIT_MS = 60_000;
const BATCH_SIZE = 100;

interface SimCamera {
  id: string;
  url: string;
  username: string;
  password: string;
}

async function startSimulatorProcess(): Promise<{ child: ChildProcess; cameras: SimCamera[] }> {
  const child = fork(path.join(here, "support", "camera-sim-process.ts"), [String(CAMERAS), String(RTT_MS)], {
    execArgv: ["--import", "tsx", "--conditions", "development"],
  });
  const cameras = await new Promise<SimCamera[]>((resolve, reject) => {
    child.once("message", (m: { type: string; cameras: SimCamera[] }) => resolve(m.cameras));
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return { child, cameras };
}

export async function run(): Promise<BenchResult[]> {
  const db = await startBenchDatabase();
  const { child, cameras } = await startSimulatorProcess();
  const log = createLogger("warn");
  const config = loadConfig({
    NODE_ENV: "production",
    DATABASE_URL: db.connectionString,
    GRIDOPS_LOG_LEVEL: "warn",
    GRIDOPS_SECRET_KEY: randomBytes(32).toString("hex"),
  });
  const keyring = keyringOf([randomBytes(32)]);
  // graphile-worker takes a connection per job fetch and completion: give the worker room.
  const pool = createPool(db.connectionString, 64);
  const deps = {
    pool,
    log,
    keyring,
    config,
    withTransaction: <T>(fn: Parameters<typeof withTransaction<T>>[1]) => withTransaction(pool, fn),
  };
  try {
    await migrateJobQueue(db.pool, log);
    await db.pool.query(
      `INSERT INTO cameras (id, name, vendor, geom, onvif_address, credentials_enc)
       SELECT u.id, u.id, 'hikvision', ST_SetSRID(ST_MakePoint(120.2, 30.3), 4326), u.url, u.sealed
         FROM jsonb_to_recordset($1::jsonb) AS u(id text, url text, sealed text)`,
      [
        JSON.stringify(
          cameras.map((c) => ({
            id: c.id,
            url: c.url,
            sealed: sealCredentials(keyring, { username: c.username, password: c.password }),
          })),
        ),
      ],
    );

    // Baseline: one camera after another (sample, extrapolated).
    const sequential = new CameraPoller(deps, {
      perHostConcurrency: 1,
      globalConcurrency: 1,
      writeBatchDelayMs: 0,
    });
    await sequential.dispatch(); // creates health rows
    await db.pool.query(
      "SELECT graphile_worker.remove_job(key) FROM graphile_worker._private_jobs WHERE key IS NOT NULL",
    );
    const sample = cameras.slice(0, SEQUENTIAL_SAMPLE).map((c) => c.id);
    const seqStarted = performance.now();
    for (const id of sample) await sequential.checkNow([id]);
    const seqMsPerCamera = (performance.now() - seqStarted) / SEQUENTIAL_SAMPLE;
    await sequential.close();
    const seqRate = 1000 / seqMsPerCamera;

    // The real thing: one worker process, queue, limits.
    await db.pool.query("UPDATE camera_health SET next_check_at = now()");
    const loadBefore = os.loadavg()[0]!;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let peakRss = process.memoryUsage().rss;
    const rssTimer = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 250);
    const running = await startCameraPoller(deps, {
      dispatchEveryMs: 2_000,
      requestTimeoutMs: 3_000,
      globalConcurrency: 256,
      perHostConcurrency: 4, // the default: 20 simulated cameras per host:port
      batchSize: BATCH_SIZE,
      workerConcurrency: 8,
      deepChecksPerMinute: 0,
      writeBatchSize: 500,
      writeBatchDelayMs: 50,
    });
    const target = cameras.length;
    while (running.poller.stats.shallow < target && performance.now() - started < 3 * CYCLE_LIMIT_MS) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(rssTimer);
    const checked = running.poller.stats.shallow;
    const batches = running.poller.stats.batches;
    await running.stop();
    const online = (
      await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM camera_health WHERE state = 'online'",
      )
    ).rows[0]!.n;
    const rate = checked / (elapsedMs / 1000);
    return [
      {
        name: "camera poll: one cycle of 10,000 cameras (shallow, via queue)",
        value: Math.round(elapsedMs),
        unit: "ms",
        note: `${checked} checks in ${batches} queue jobs (batches of ${BATCH_SIZE}), ${online} online; must be < ${CYCLE_LIMIT_MS} ms: ${elapsedMs < CYCLE_LIMIT_MS ? "met" : "NOT met"}; simulated RTT ${RTT_MS} ms per exchange; 1-min load ${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
      },
      {
        name: "camera poll: throughput (queued, concurrent)",
        value: Math.round(rate),
        unit: "polls/s",
        baseline: {
          name: "sequential poller (measured on a sample, extrapolated)",
          value: Math.round(seqRate * 10) / 10,
        },
        ratio: Math.round((rate / seqRate) * 10) / 10,
        note: `sequential: ${seqMsPerCamera.toFixed(1)} ms per camera on ${SEQUENTIAL_SAMPLE} cameras → ${Math.round((seqMsPerCamera * CAMERAS) / 1000)} s per cycle (extrapolated)`,
      },
      {
        name: "camera poll: CPU per cycle (poller process)",
        value: Math.round((cpu.user + cpu.system) / 1000),
        unit: "ms CPU",
        note: `${(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100).toFixed(0)}% of one core over the cycle`,
      },
      {
        name: "camera poll: peak RSS (poller process)",
        value: Math.round(peakRss / 1024 / 1024),
        unit: "MiB",
      },
    ];
  } finally {
    child.send({ type: "stop" });
    await pool.end();
    await db.close();
  }
}
