import cluster, { type Worker } from "node:cluster";
import http, { type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp } from "../../app.js";
import type { Config } from "../../config.js";
import type { Pool } from "../../db/pool.js";
import { AppError, bodyOf } from "../../http/errors.js";
import type { Logger } from "../../logger.js";
import type { MetricJson } from "../metrics/metrics.js";
import { onLocalOutboxCommit } from "../../realtime/outbox.js";
import { sequencePending } from "../../realtime/outbox.sql.js";
import { depsOf, keyringFor, openDatabase } from "../../runtime.js";
import { PLATE_INGEST_PREFIX, withPlateIngestListener } from "./ingest-listener.js";
import { platesRuntimeOf } from "./plates-runtime.js";

/**
 * Decision 0141: plate pushes on a port of their own (GRIDOPS_PLATE_INGEST_PORT), served by
 * GRIDOPS_PLATE_INGEST_PROCESSES worker processes (node:cluster; the serving process is the
 * primary and hands each new connection to a worker in turn). One Node process was the ceiling
 * of one-read pushes at ~85 % of a core while the other core idled.
 *
 * Each worker is the same ingest as the main process's (listener of decision 0109 ahead of the
 * same Express route, the same PlateIngest, group-commit queue and hotlist matcher, a pool of
 * its own): exactly-once holds across processes because duplicates are decided under advisory
 * locks in the database (decision 0104). Hits reach browsers through the outbox as from any
 * process: a worker sequences its committed events at once (NOTIFY), so the main process's
 * relay is woken rather than finding them at its poll.
 */

/** The hidden command a worker runs (main.ts dispatches it). */
export const PLATE_INGEST_WORKER_COMMAND = "plate-ingest-worker";
/** A worker's pool: two flushes, hits, token and device lookups; the rest of the app is elsewhere. */
const WORKER_POOL_MAX = 8;
const RESPAWN_DELAY_MS = 1000;
/**
 * One batch in flight per worker, so N workers write at most N batches at once, as one process
 * with its two flush slots did. Measured with two workers (15 s, machine shared, load 4-5):
 * two slots each, 3,081-3,540 reads/s and PostgreSQL 93-166 µs of CPU per read; one slot each,
 * 4,817-4,901 reads/s and 102 µs (bigger batches: less per-batch work on both sides; fewer
 * batches racing for the same right-hand index pages). Three workers with one slot each:
 * 3,360 reads/s, PostgreSQL 171 µs per read.
 */
const WORKER_QUEUE = { maxConcurrentFlushes: 1 };

type WorkerMessage =
  | { type: "listening"; port: number }
  | { type: "measurements"; id: number; metrics: MetricJson[] };
type PrimaryMessage = { type: "measurements?"; id: number };
/** A worker that does not answer a scrape in this time is left out of it. */
const MEASUREMENTS_TIMEOUT_MS = 2000;

export interface PlateIngestProcesses {
  /** Where pushes go: http://host:port of the ingest port. */
  url: string;
  port: number;
  /** Every live worker's own metrics (HTTP, ingest), for the main process's /metrics. */
  measurements(): Promise<MetricJson[][]>;
  stop(): Promise<void>;
}

/**
 * Forks the workers and resolves once every one listens. A worker that dies is replaced after
 * a second (its acknowledged reads are committed; pushes in flight on its connections fail and
 * are retried by the cameras).
 */
export async function startPlateIngestProcesses(opts: {
  config: Config;
  log: Logger;
  /** The database the workers use (the embedded cluster's when DATABASE_URL is unset). */
  databaseUrl: string;
}): Promise<PlateIngestProcesses> {
  const { config, log } = opts;
  if (config.plateIngestPort === null) throw new Error("GRIDOPS_PLATE_INGEST_PORT is not set");
  cluster.setupPrimary({ exec: mainScript(), args: [PLATE_INGEST_WORKER_COMMAND] });
  let stopping = false;
  const workers = new Set<Worker>();
  let forked = 0;
  const fork = (): Promise<number> => {
    forked += 1;
    const worker = cluster.fork({
      // Named so pg_stat_activity tells the workers' connections apart.
      DATABASE_URL: withApplicationName(opts.databaseUrl, `gridops-plate-ingest-${forked}`),
      GRIDOPS_JOBS: "false",
    });
    workers.add(worker);
    return new Promise<number>((resolve, reject) => {
      worker.on("message", (message: WorkerMessage) => {
        if (message?.type === "listening") resolve(message.port);
      });
      worker.once("exit", (code, signal) => {
        workers.delete(worker);
        reject(new Error(`plate ingest worker exited before listening (code ${code}, signal ${signal})`));
        if (stopping) return;
        log.error({ code, signal }, "plate ingest worker exited; starting another");
        setTimeout(() => {
          if (!stopping)
            fork().catch((err: unknown) => log.error({ err }, "plate ingest worker failed to start"));
        }, RESPAWN_DELAY_MS).unref();
      });
    });
  };
  const stop = async () => {
    stopping = true;
    await Promise.all(
      [...workers].map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => worker.kill("SIGKILL"), 10_000);
            worker.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            worker.kill("SIGTERM");
          }),
      ),
    );
  };
  try {
    const ports = await Promise.all(Array.from({ length: config.plateIngestProcesses }, fork));
    const port = ports[0]!;
    const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
    const pids = [...workers].map((w) => w.process.pid);
    log.info(
      { ingestUrl: `http://${host}:${port}`, processes: ports.length, pids },
      "plate ingest port open",
    );
    return {
      url: `http://${host}:${port}`,
      port,
      measurements: () => measurementsOf([...workers], log),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

let lastRequestId = 0;

/** Asks each worker for its own metrics over the cluster channel; one that is slow or gone is skipped. */
function measurementsOf(workers: readonly Worker[], log: Logger): Promise<MetricJson[][]> {
  const ask = (worker: Worker) =>
    new Promise<MetricJson[]>((resolve) => {
      const id = ++lastRequestId;
      const done = (metrics: MetricJson[]) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        resolve(metrics);
      };
      const onMessage = (message: WorkerMessage) => {
        if (message?.type === "measurements" && message.id === id) done(message.metrics);
      };
      const timer = setTimeout(() => {
        log.warn({ pid: worker.process.pid }, "plate ingest worker did not answer the metrics scrape");
        done([]);
      }, MEASUREMENTS_TIMEOUT_MS);
      worker.on("message", onMessage);
      if (!worker.isConnected()) done([]);
      else worker.send({ type: "measurements?", id } satisfies PrimaryMessage);
    });
  return Promise.all(workers.map(ask));
}

function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set("application_name", name);
  return u.toString();
}

/** main.ts of this build (main.ts under tsx, main.js when compiled). */
function mainScript(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), "..", "..", `main${path.extname(here)}`);
}

/** A worker: the ingest port only, until the primary says stop or goes away. */
export async function runPlateIngestWorker(config: Config, log: Logger): Promise<number> {
  const workerLog = log.child({ process: "plate-ingest", worker: cluster.worker?.id ?? null });
  // One Frigate subscriber (the main process's) is enough; jobs run elsewhere.
  const own: Config = { ...config, poolMax: Math.min(config.poolMax, WORKER_POOL_MAX), frigateMqttUrl: null };
  const db = await openDatabase(own, workerLog);
  const deps = depsOf(own, db.pool, workerLog, await keyringFor(own, false));
  // Before the first push, not during it: the matcher and device caches, the queue.
  platesRuntimeOf(deps, WORKER_QUEUE);
  const server = http.createServer(withPlateIngestListener(deps, ingestOnly(buildApp(deps).app)));
  const stopSequencer = sequenceOnCommit(db.pool, workerLog);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.plateIngestPort ?? 0, config.host, () => resolve());
  });
  const stop = async () => {
    stopSequencer();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 5000).unref();
    });
    await db.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
  // The primary is gone (killed): nobody hands us connections any more.
  process.once("disconnect", () => void stop());
  process.on("message", (message: PrimaryMessage) => {
    if (message?.type !== "measurements?") return;
    void deps.metrics
      .ownMeasurements()
      .catch((err: unknown) => {
        workerLog.warn({ err }, "metrics for the scrape not collected");
        return [];
      })
      .then((metrics) =>
        process.send?.({ type: "measurements", id: message.id, metrics } satisfies WorkerMessage),
      );
  });
  process.send?.({ type: "listening", port: (server.address() as AddressInfo).port } satisfies WorkerMessage);
  return new Promise<number>(() => {});
}

/**
 * The ingest port answers plate pushes only; every push goes through the same listener and
 * Express route as on the main port (errors included), anything else is 404.
 */
export function ingestOnly(app: RequestListener): RequestListener {
  return (req, res) => {
    if ((req.url ?? "").startsWith(PLATE_INGEST_PREFIX)) {
      app(req, res);
      return;
    }
    // Same body as Express's 404 on the main port (errors are English + a stable code there too).
    const text = JSON.stringify(
      bodyOf(
        new AppError(
          404,
          "route_not_found",
          `No route ${req.method} ${(req.url ?? "").split("?")[0]} on the plate ingest port.`,
        ),
      ),
    );
    res.writeHead(404, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  };
}

/**
 * A worker has no relay: after a commit that enqueued events (hits, their incidents) it gives
 * them their seqs at once, which NOTIFYs every relay. Passes are coalesced; a pass that finds
 * the sequencer busy leaves the rows to the holder (as relays do).
 */
export function sequenceOnCommit(pool: Pool, log: Logger, batch = 500): () => void {
  let running = false;
  let again = false;
  const pass = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        for (;;) {
          const result = await sequencePending(pool, batch);
          if (!result.locked || result.assigned < batch) break;
        }
      } while (again);
    } catch (err) {
      log.warn({ err }, "sequencing outbox rows failed; the relays' poll picks them up");
    } finally {
      running = false;
    }
  };
  return onLocalOutboxCommit(() => void pass());
}
