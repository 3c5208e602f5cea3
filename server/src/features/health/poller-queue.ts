import { z } from "zod";
import { systemClock } from "../../jobs/clock.js";
import type { FeatureJobs, JobRegistrar } from "../../jobs/job-registry.js";
import { startJobRunner } from "../../jobs/job-runner.js";
import {
  BATCH_TASK,
  CameraPoller,
  DEEP_TASK,
  DISPATCH_TASK,
  LEGACY_CHECK_TASK,
  type PollerDeps,
  type PollerOptions,
} from "./poller.js";

const batchPayload = z.object({ cameraIds: z.array(z.string().min(1).max(64)).max(5_000) });

/** The poller's queue tasks: dispatcher (self-rescheduling), shallow batch, deep batch. */
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
      // Batch handlers never throw (checkBatch catches per camera): a failed job is not retried.
      [BATCH_TASK]: async (payload) => {
        await poller.checkBatch(batchPayload.parse(payload).cameraIds, "shallow");
      },
      [DEEP_TASK]: async (payload) => {
        await poller.checkBatch(batchPayload.parse(payload).cameraIds, "deep");
      },
      // Jobs of the per-camera design left in the queue by an upgrade: dropped, the batches cover them.
      [LEGACY_CHECK_TASK]: async () => {},
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
 * may run one; the queue gives each batch to one of them.
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
