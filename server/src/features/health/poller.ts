import {
  applyHealthObservation,
  type CameraHealth,
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
import type { FeatureJobs, JobRegistrar } from "../../jobs/job-registry.js";
import { startJobRunner } from "../../jobs/job-runner.js";
import type { Logger } from "../../logger.js";
import { type CameraConnection, selectCameraConnections } from "../cameras/cameras.sql.js";
import { decryptSecret, type Keyring } from "../secrets/keyring.js";
import { type CheckTarget, runDeepCheck, runShallowCheck } from "./camera-checks.js";
import { machineOf, statusEvent, transitionEventRow } from "./health.service.js";
import * as sql from "./health.sql.js";
import { HealthResultWriter, type PollOutcome } from "./health-result-writer.js";

export const DISPATCH_TASK = "cameras.poll_dispatch";
export const CHECK_TASK = "cameras.check";
export const DEEP_TASK = "cameras.deep_check";
export const CHECK_KEY = "cameras.check:";
export const DEEP_KEY = "cameras.deep:";
const DISPATCH_KEY = "cameras.poll_dispatch";

export const pollerOptionsSchema = z.object({
  /** How often the dispatcher looks for due cameras (and how far ahead it queues them). */
  dispatchEveryMs: z.number().int().min(100).max(60_000).default(10_000),
  /** Per SOAP call / RTSP exchange. */
  requestTimeoutMs: z.number().int().min(200).max(60_000).default(3_000),
  /** Hard ceiling for one camera's shallow check, whatever its requests do. */
  checkDeadlineMs: z.number().int().min(500).max(120_000).default(10_000),
  deepDeadlineMs: z.number().int().min(1_000).max(300_000).default(45_000),
  /** Checks in flight in this process, and per camera host (an NVR serves many channels). */
  globalConcurrency: z.number().int().min(1).max(512).default(64),
  perHostConcurrency: z.number().int().min(1).max(512).default(4),
  /** graphile-worker jobs in flight for this runner (≥ globalConcurrency to use it fully). */
  workerConcurrency: z.number().int().min(1).max(1024).default(64),
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
  errors: number;
}

/**
 * The health poller's work, independent of the queue: load cameras, check them under the
 * limits, apply the state machine, write results. The queue (cameraPollerJobs) calls it
 * one camera per job; tests and the demo may call checkNow directly.
 */
export class CameraPoller {
  readonly options: Resolved;
  readonly stats: PollerStats = {
    shallow: 0,
    deep: 0,
    transitions: 0,
    discarded: 0,
    dispatched: 0,
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
    this.limiter = new StreamCheckLimiter({
      globalConcurrency: this.options.globalConcurrency,
      perKeyConcurrency: Math.min(this.options.perHostConcurrency, 16),
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

  private target(row: sql.HealthRow, connection: CameraConnection): CheckTarget {
    let credentials: CheckTarget["credentials"] = null;
    if (connection.credentials_enc) {
      try {
        credentials = z
          .object({ username: z.string(), password: z.string() })
          .parse(JSON.parse(decryptSecret(this.deps.keyring, connection.credentials_enc)));
      } catch (err) {
        // The message names the key id only, never the secret.
        this.log.error(
          { cameraId: row.camera_id, err: (err as Error).message },
          "stored camera credentials cannot be decrypted",
        );
      }
    }
    const refused =
      row.state === "auth_failed" && row.auth_failed_credentials_version === connection.credentials_version;
    return {
      cameraId: row.camera_id,
      onvifAddress: connection.onvif_address,
      credentials,
      mayAuthenticate: !refused,
      mainProfile: connection.rtsp_profiles[0] ?? null,
    };
  }

  private hostKey(connection: CameraConnection): string {
    const address = connection.onvif_address ?? connection.rtsp_profiles[0]?.url ?? connection.id;
    try {
      return new URL(address).host;
    } catch {
      return connection.id;
    }
  }

  private async checkOne(
    { row, connection }: { row: sql.HealthRow; connection: CameraConnection },
    depth: "shallow" | "deep",
  ): Promise<void> {
    const target = this.target(row, connection);
    const limiter = depth === "deep" ? this.deepLimiter : this.limiter;
    const deadlineMs = depth === "deep" ? this.options.deepDeadlineMs : this.options.checkDeadlineMs;
    const at = this.clock.now();
    const outcome = await limiter.run(this.hostKey(connection), () =>
      this.stopping.signal.aborted
        ? Promise.resolve(null)
        : this.withDeadline(deadlineMs, (signal) => this.observe(target, row, at, depth, signal)),
    );
    // A check cut short by shutdown says nothing about the camera: record nothing, and the
    // camera, still due, is checked again after the restart.
    if (!outcome || this.stopping.signal.aborted) return;
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
    fn: (signal: AbortSignal) => Promise<CheckOutcome>,
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
      return await Promise.race([fn(controller.signal), deadline]);
    } catch (err) {
      this.stats.errors += 1;
      this.log.debug({ err: (err as Error).message }, "camera check gave up");
      return {
        observation: {
          at: this.clock.now(),
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
   * Queues a check job for every camera due within the next dispatch period that has none
   * queued or running (job key per camera), plus this period's share of deep checks.
   */
  async dispatch(): Promise<{ shallow: number; deep: number }> {
    const now = this.clock.now();
    await sql.insertMissingHealthRows(this.deps.pool, machineOf(initialMachine(now)));
    const due = await sql.selectDueCameras(
      this.deps.pool,
      new Date(now.getTime() + this.options.dispatchEveryMs),
      this.options.maxDispatch,
      CHECK_KEY,
    );
    const deepBudget = Math.ceil((this.options.deepChecksPerMinute * this.options.dispatchEveryMs) / 60_000);
    const deep = deepBudget > 0 ? await sql.selectDeepCandidates(this.deps.pool, deepBudget, DEEP_KEY) : [];
    await scheduleJobs(this.deps.pool, [
      ...due.map((c) => ({
        task: CHECK_TASK,
        payload: { cameraId: c.camera_id },
        runAt: c.next_check_at > now ? c.next_check_at : now,
        jobKey: CHECK_KEY + c.camera_id,
        maxAttempts: 1,
      })),
      ...deep.map((id) => ({
        task: DEEP_TASK,
        payload: { cameraId: id },
        jobKey: DEEP_KEY + id,
        maxAttempts: 1,
      })),
    ]);
    this.stats.dispatched += due.length;
    return { shallow: due.length, deep: deep.length };
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

const initialMachine = (now: Date): CameraHealth => ({
  state: "unknown",
  since: now.toISOString(),
  reasons: [],
  counters: { checks: 0, consecutiveFailures: 0, consecutiveSuccesses: 0 },
  pending: null,
  observed: null,
  lastObservationAt: null,
  silenced: false,
});

interface CheckOutcome {
  observation: HealthObservationInput;
  findings: sql.DeepFindings | null;
  snapshot: { image: Buffer; width: number | null; height: number | null } | null;
  durationMs: number;
  error: string | null;
}

const cameraPayload = z.object({ cameraId: z.string().min(1).max(64) });

/** The poller's queue tasks: dispatcher (self-rescheduling), shallow check, deep check. */
export function cameraPollerJobs(poller: CameraPoller): JobRegistrar {
  return (): FeatureJobs => ({
    tasks: {
      [DISPATCH_TASK]: async (_payload, ctx) => {
        try {
          const queued = await poller.dispatch();
          ctx.log.debug(queued, "camera checks queued");
        } finally {
          await poller.scheduleNextDispatch();
        }
      },
      // Check handlers never throw: a failed job would keep its key and block the camera.
      [CHECK_TASK]: async (payload, ctx) => {
        const { cameraId } = cameraPayload.parse(payload);
        await poller
          .checkNow([cameraId], "shallow")
          .catch((err: unknown) => ctx.log.error({ err, cameraId }, "camera check failed"));
      },
      [DEEP_TASK]: async (payload, ctx) => {
        const { cameraId } = cameraPayload.parse(payload);
        await poller
          .checkNow([cameraId], "deep")
          .catch((err: unknown) => ctx.log.error({ err, cameraId }, "deep camera check failed"));
      },
    },
  });
}

export interface RunningPoller {
  poller: CameraPoller;
  stop(): Promise<void>;
}

/**
 * Starts a job runner dedicated to camera checks (its own concurrency, so slow cameras never
 * delay other features' jobs) and kicks off the dispatcher chain. Any number of processes
 * may run one; the queue gives each check to one of them.
 */
export async function startCameraPoller(
  deps: PollerDeps,
  options: PollerOptions = {},
): Promise<RunningPoller> {
  const poller = new CameraPoller(deps, options);
  const runner = await startJobRunner(
    {
      pool: deps.pool,
      log: deps.log,
      clock: deps.clock ?? systemClock,
      withTransaction: deps.withTransaction,
      config: deps.config,
    },
    {
      registrars: [cameraPollerJobs(poller)],
      concurrency: poller.options.workerConcurrency,
      pollIntervalMs: 1000,
    },
  );
  await poller.scheduleNextDispatch(0);
  return {
    poller,
    stop: async () => {
      // Cut checks short first, or the runner would wait for every queued deep check.
      poller.stop();
      await runner.stop();
      await poller.close();
    },
  };
}
