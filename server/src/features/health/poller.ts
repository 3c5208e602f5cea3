import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import {
  applyHealthObservation,
  checkScheduleSchema,
  type HealthObservationInput,
  healthMachineConfigSchema,
  nextCheckDelayMs,
  parseCameraHealth,
} from "@gridops/camera-adapters/health/index";
import { StreamCheckLimiter } from "@gridops/camera-adapters/stream/index";
import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { type Clock, systemClock } from "../../jobs/clock.js";
import { scheduleJob, scheduleJobs } from "../../jobs/job-queue.js";
import type { Logger } from "../../logger.js";
import { type CameraConnection, selectCameraConnections } from "../cameras/cameras.sql.js";
import type { Keyring } from "../secrets/keyring.js";
import {
  type CheckTarget,
  checkTargetOf,
  hostKeyOf,
  runDeepCheck,
  runShallowCheck,
} from "./camera-checks.js";
import { initialCameraHealth, machineOf, statusEvent, transitionEventRow } from "./health.service.js";
import * as sql from "./health.sql.js";
import { HealthResultWriter, type PollOutcome } from "./health-result-writer.js";

export const DISPATCH_TASK = "cameras.poll_dispatch";
/** A batch of shallow checks: payload `{ cameraIds }`, key BATCH_KEY + a random id. */
export const BATCH_TASK = "cameras.check_batch";
/** A batch of deep checks (at most one live at a time fleet-wide), same payload. */
export const DEEP_TASK = "cameras.deep_batch";
export const BATCH_KEY = "cameras.batch:";
export const DEEP_KEY = "cameras.deep_batch:";
/** The per-camera job of earlier versions; still registered so queued ones drain after an upgrade. */
export const LEGACY_CHECK_TASK = "cameras.check";
const DISPATCH_KEY = "cameras.poll_dispatch";

export const pollerOptionsSchema = z.object({
  /** How often the dispatcher looks for due cameras (and how far ahead it queues them). */
  dispatchEveryMs: z.number().int().min(100).max(60_000).default(10_000),
  /** Cameras per queued batch job: one queue round trip per batch instead of per camera. */
  batchSize: z.number().int().min(1).max(5_000).default(100),
  /**
   * A running batch whose worker holds it longer than this no longer keeps its cameras from
   * being dispatched again (its worker is presumed dead; a late result loses on `version`).
   */
  batchLeaseMs: z
    .number()
    .int()
    .min(10_000)
    .default(10 * 60_000),
  /** Per SOAP call / RTSP exchange. */
  requestTimeoutMs: z.number().int().min(200).max(60_000).default(3_000),
  /** Hard ceiling for one camera's shallow check, whatever its requests do. */
  checkDeadlineMs: z.number().int().min(500).max(120_000).default(10_000),
  deepDeadlineMs: z.number().int().min(1_000).max(300_000).default(45_000),
  /** Checks in flight in this process, and per camera host (an NVR serves many channels). */
  globalConcurrency: z.number().int().min(1).max(512).default(64),
  perHostConcurrency: z.number().int().min(1).max(16).default(4),
  /**
   * Batch jobs this process takes at once. Their cameras all queue on the limiter above, so a
   * few batches keep it full; keeping this small leaves the rest of the queue to other processes.
   */
  workerConcurrency: z.number().int().min(1).max(1024).default(8),
  /** Deep checks (ffmpeg) per minute across the fleet, and at once. */
  deepChecksPerMinute: z.number().int().min(0).max(10_000).default(20),
  deepConcurrency: z.number().int().min(1).max(64).default(2),
  deepSampleSeconds: z.number().min(1).max(30).default(3),
  /** Deep findings older than this no longer colour shallow observations. */
  deepFindingsMaxAgeMs: z
    .number()
    .int()
    .min(1_000)
    .default(30 * 60_000),
  maxDispatch: z.number().int().min(1).max(100_000).default(20_000),
  schedule: checkScheduleSchema.prefault({ jitterRatio: 0.1 }),
  machine: healthMachineConfigSchema.prefault({}),
  /** Write batching: flush after this many results or this long. */
  writeBatchSize: z.number().int().min(1).max(5_000).default(200),
  writeBatchDelayMs: z.number().int().min(0).max(5_000).default(50),
});
export type PollerOptions = z.input<typeof pollerOptionsSchema>;
type Resolved = z.output<typeof pollerOptionsSchema>;

export interface PollerDeps {
  pool: AppDeps["pool"];
  log: Logger;
  keyring: Keyring;
  withTransaction: AppDeps["withTransaction"];
  config: AppDeps["config"];
  clock?: Clock;
}

export interface PollerStats {
  shallow: number;
  deep: number;
  transitions: number;
  discarded: number;
  dispatched: number;
  /** Batch jobs run by this process. */
  batches: number;
  /** Cameras of a batch no longer due when it ran (checked meanwhile or rescheduled). */
  skipped: number;
  errors: number;
}

/**
 * The health poller's work, independent of the queue: load cameras, check them under the
 * limits, apply the state machine, write results. The queue (cameraPollerJobs) hands it a
 * batch of cameras per job; tests and the demo may call checkNow directly.
 */
export class CameraPoller {
  readonly options: Resolved;
  readonly stats: PollerStats = {
    shallow: 0,
    deep: 0,
    transitions: 0,
    discarded: 0,
    dispatched: 0,
    batches: 0,
    skipped: 0,
    errors: 0,
  };
  private readonly limiter: StreamCheckLimiter;
  private readonly deepLimiter: StreamCheckLimiter;
  private readonly writer: HealthResultWriter;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Aborted on shutdown: checks still queued are skipped and running ones are cut short. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: PollerDeps,
    options: PollerOptions = {},
  ) {
    this.options = pollerOptionsSchema.parse(options);
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log.child({ feature: "health", component: "poller" });
    // Every waiting or running check listens for shutdown: thousands at once are expected.
    setMaxListeners(0, this.stopping.signal);
    this.limiter = new StreamCheckLimiter({
      globalConcurrency: this.options.globalConcurrency,
      perKeyConcurrency: this.options.perHostConcurrency,
      maxQueued: 1_000_000,
    });
    this.deepLimiter = new StreamCheckLimiter({
      globalConcurrency: this.options.deepConcurrency,
      perKeyConcurrency: 1,
    });
    this.writer = new HealthResultWriter(deps, {
      batchSize: this.options.writeBatchSize,
      delayMs: this.options.writeBatchDelayMs,
    });
  }

  /** Shallow (or deep) checks of these cameras now, results written; resolves when persisted. */
  async checkNow(cameraIds: readonly string[], depth: "shallow" | "deep" = "shallow"): Promise<void> {
    const loaded = await this.load(cameraIds);
    await Promise.all(loaded.map((c) => this.checkOne(c, depth)));
  }

  /**
   * One queued batch: every camera is checked at its own due time (the batch runs at the
   * earliest), all under the shared limiter, so the batch's cameras run concurrently with each
   * other and with other batches. A camera no longer due (checked meanwhile, rescheduled by a
   * technician) is skipped. Never throws: one camera's failure is logged and counted.
   */
  async checkBatch(cameraIds: readonly string[], depth: "shallow" | "deep"): Promise<void> {
    this.stats.batches += 1;
    let loaded: Awaited<ReturnType<CameraPoller["load"]>>;
    try {
      loaded = await this.load(cameraIds);
    } catch (err) {
      // The job ends either way; the next dispatch takes these cameras again.
      this.stats.errors += 1;
      this.log.error({ err, cameras: cameraIds.length }, "camera batch could not be loaded");
      return;
    }
    const latestDue = this.clock.now().getTime() + this.options.dispatchEveryMs;
    await Promise.all(
      loaded.map(async (camera) => {
        if (depth === "shallow") {
          const due = camera.row.next_check_at.getTime();
          if (due > latestDue) {
            this.stats.skipped += 1;
            return;
          }
          await this.waitUntil(due);
        }
        await this.checkOne(camera, depth).catch((err: unknown) => {
          this.stats.errors += 1;
          this.log.error({ err, cameraId: camera.row.camera_id }, "camera check failed");
        });
      }),
    );
  }

  /** Resolves at `epochMs` (or at once when shutdown starts). */
  private waitUntil(epochMs: number): Promise<void> {
    const ms = epochMs - this.clock.now().getTime();
    if (ms <= 0 || this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopping.signal.addEventListener("abort", done, { once: true });
    });
  }

  private async load(ids: readonly string[]) {
    const [rows, connections] = await Promise.all([
      sql.selectHealthRows(this.deps.pool, ids),
      selectCameraConnections(this.deps.pool, ids),
    ]);
    const byId = new Map(connections.map((c) => [c.id, c]));
    return rows.flatMap((row) => {
      const connection = byId.get(row.camera_id);
      return connection ? [{ row, connection }] : [];
    });
  }

  private async checkOne(
    { row, connection }: { row: sql.HealthRow; connection: CameraConnection },
    depth: "shallow" | "deep",
  ): Promise<void> {
    const target = checkTargetOf(row, connection, this.deps.keyring, this.log);
    const limiter = depth === "deep" ? this.deepLimiter : this.limiter;
    const deadlineMs = depth === "deep" ? this.options.deepDeadlineMs : this.options.checkDeadlineMs;
    const outcome = await limiter.run(hostKeyOf(connection), () =>
      this.stopping.signal.aborted
        ? Promise.resolve(null)
        : // The observation is timed when it starts, not when it was queued behind the limiter.
          this.withDeadline(deadlineMs, this.clock.now(), (signal, at) =>
            this.observe(target, row, at, depth, signal),
          ),
    );
    // A check cut short by shutdown says nothing about the camera: record nothing, and the
    // camera, still due, is checked again after the restart.
    if (!outcome || this.stopping.signal.aborted) return;
    const { at } = outcome;
    const step = applyHealthObservation(
      parseCameraHealth(row.machine),
      outcome.observation,
      this.options.machine,
    );
    const delay = nextCheckDelayMs(step.state, step.counters.consecutiveFailures, this.options.schedule);
    const rejected = outcome.observation.auth === "rejected";
    const poll: PollOutcome = {
      write: {
        camera_id: row.camera_id,
        expected_version: row.version,
        machine: machineOf(step),
        state: step.state,
        since: step.since,
        reasons: step.reasons,
        next_check_at: new Date(at.getTime() + delay).toISOString(),
        checked_at: at.toISOString(),
        deep: depth === "deep",
        deep_findings: outcome.findings,
        last_error: outcome.error,
        auth_failed_credentials_version: rejected
          ? connection.credentials_version
          : step.state === "auth_failed"
            ? row.auth_failed_credentials_version
            : null,
        state_changed: step.transition !== undefined,
      },
      check: {
        camera_id: row.camera_id,
        checked_at: at.toISOString(),
        depth,
        observed_state: step.observed?.state ?? step.state,
        state: step.state,
        reasons: step.observed?.reasons ?? step.reasons,
        duration_ms: outcome.durationMs,
        error: outcome.error,
      },
      event: transitionEventRow(row.camera_id, step, "system:health-poller"),
      live: statusEvent(row.camera_id, row.cell_code, step),
      snapshot: outcome.snapshot ? { camera_id: row.camera_id, ...outcome.snapshot, taken_at: at } : null,
    };
    const applied = await this.writer.submit(poll);
    if (depth === "deep") this.stats.deep += 1;
    else this.stats.shallow += 1;
    if (!applied) this.stats.discarded += 1;
    else if (step.transition) {
      this.stats.transitions += 1;
      this.log.info(
        {
          cameraId: row.camera_id,
          from: step.transition.from,
          to: step.transition.to,
          reasons: step.transition.reasons,
        },
        "camera health changed",
      );
    }
  }

  private async observe(
    target: CheckTarget,
    row: sql.HealthRow,
    at: Date,
    depth: "shallow" | "deep",
    signal: AbortSignal,
  ): Promise<CheckOutcome> {
    const timeouts = { requestTimeoutMs: this.options.requestTimeoutMs };
    let findings = this.freshFindings(row.deep_findings, at);
    let snapshot: { image: Buffer; width: number | null; height: number | null } | null = null;
    let deepError: string | null = null;
    let deepMs = 0;
    if (depth === "deep") {
      const deep = await runDeepCheck(
        target,
        at,
        { ...timeouts, sampleSeconds: this.options.deepSampleSeconds, readEvents: true },
        signal,
      );
      findings = deep.findings;
      snapshot = deep.snapshot;
      deepError = deep.error;
      deepMs = deep.durationMs;
    }
    const shallow = await runShallowCheck(target, at, timeouts, signal);
    const reachable = shallow.observation.reachable;
    return {
      at,
      observation: {
        ...shallow.observation,
        // What only a deep check can see holds until the next deep check (or goes stale).
        ...(reachable && findings
          ? {
              image: findings.image,
              streamDeviations: findings.deviations as { kind: never }[],
              events: findings.events,
            }
          : {}),
      },
      findings: depth === "deep" ? findings : null,
      snapshot,
      durationMs: shallow.durationMs + deepMs,
      error: [deepError, shallow.error].filter(Boolean).join(",") || null,
    };
  }

  private freshFindings(findings: sql.DeepFindings | null, at: Date): sql.DeepFindings | null {
    if (!findings) return null;
    return at.getTime() - Date.parse(findings.at) <= this.options.deepFindingsMaxAgeMs ? findings : null;
  }

  /** Races the check against a deadline so a stuck camera never holds a worker. */
  private async withDeadline(
    ms: number,
    at: Date,
    fn: (signal: AbortSignal, at: Date) => Promise<CheckOutcome>,
  ): Promise<CheckOutcome> {
    const controller = new AbortController();
    const onStop = () => controller.abort(new Error("poller stopping"));
    this.stopping.signal.addEventListener("abort", onStop, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new Error("check deadline"));
        reject(new Error("deadline"));
      }, ms);
    });
    try {
      return await Promise.race([fn(controller.signal, at), deadline]);
    } catch (err) {
      this.stats.errors += 1;
      this.log.debug({ err: (err as Error).message }, "camera check gave up");
      return {
        at,
        observation: {
          at,
          reachable: false,
          auth: "not_checked" as const,
          clockSkewSeconds: null,
        },
        findings: null,
        snapshot: null,
        durationMs: ms,
        error: (err as Error).message === "deadline" ? "check_deadline" : "check_failed",
      };
    } finally {
      this.stopping.signal.removeEventListener("abort", onStop);
      clearTimeout(timer);
    }
  }

  /**
   * Queues the cameras due within the next dispatch period that no live batch lists, in
   * batches of `batchSize` ordered by due time (each batch runs at its earliest camera's due
   * time), plus this period's share of deep checks as one batch when none is live. Runs under
   * an advisory lock, so dispatchers of several processes never queue a camera twice.
   */
  async dispatch(): Promise<{ shallow: number; deep: number; batches: number }> {
    const now = this.clock.now();
    await sql.insertMissingHealthRows(this.deps.pool, machineOf(initialCameraHealth(now)));
    const { batchSize, batchLeaseMs, dispatchEveryMs, deepChecksPerMinute, maxDispatch } = this.options;
    const result = await this.deps.withTransaction(async (db) => {
      await sql.lockDispatch(db);
      await sql.pruneCheckBatches(db, batchLeaseMs);
      const due = await sql.selectDueCameras(db, new Date(now.getTime() + dispatchEveryMs), maxDispatch);
      const deepBudget = Math.ceil((deepChecksPerMinute * dispatchEveryMs) / 60_000);
      const deep = deepBudget > 0 ? await sql.selectDeepCandidates(db, deepBudget) : [];
      const batches = chunks(due, batchSize).map((batch) => ({
        jobKey: BATCH_KEY + randomUUID(),
        kind: "shallow" as const,
        cameraIds: batch.map((c) => c.camera_id),
        runAt: new Date(Math.max(batch[0]!.next_check_at.getTime(), now.getTime())),
      }));
      const deepBatch =
        deep.length > 0 ? [{ jobKey: DEEP_KEY + randomUUID(), kind: "deep" as const, cameraIds: deep }] : [];
      await sql.insertCheckBatches(db, [...batches, ...deepBatch]);
      await scheduleJobs(db, [
        ...batches.map((batch) => ({
          task: BATCH_TASK,
          payload: { cameraIds: batch.cameraIds },
          runAt: batch.runAt,
          jobKey: batch.jobKey,
          // A failed batch would only be retried late; the next dispatch takes its cameras again.
          maxAttempts: 1,
        })),
        ...deepBatch.map((batch) => ({
          task: DEEP_TASK,
          payload: { cameraIds: batch.cameraIds },
          jobKey: batch.jobKey,
          maxAttempts: 1,
        })),
      ]);
      return { shallow: due.length, deep: deep.length, batches: batches.length };
    });
    this.stats.dispatched += result.shallow;
    return result;
  }

  async scheduleNextDispatch(delayMs = this.options.dispatchEveryMs): Promise<void> {
    await scheduleJob(this.deps.pool, {
      task: DISPATCH_TASK,
      payload: {},
      runAt: new Date(Date.now() + delayMs),
      jobKey: DISPATCH_KEY,
      maxAttempts: 3,
    });
  }

  /** Stops taking and finishing checks: queued ones are skipped, running ones aborted. */
  stop(): void {
    this.stopping.abort();
  }

  async close(): Promise<void> {
    this.stop();
    await this.writer.flush();
  }
}

interface CheckOutcome {
  /** When the observation started. */
  at: Date;
  observation: HealthObservationInput;
  findings: sql.DeepFindings | null;
  snapshot: { image: Buffer; width: number | null; height: number | null } | null;
  durationMs: number;
  error: string | null;
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
