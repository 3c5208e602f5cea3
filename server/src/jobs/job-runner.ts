import { parseCronItems, run, type Task, type TaskList } from "graphile-worker";
import type { AppDeps } from "../app-deps.js";
import { type Clock, systemClock } from "./clock.js";
import { featureJobs } from "./features.js";
import { workerLogger } from "./job-queue.js";
import { collectJobs, type JobDeps, type JobRegistrar } from "./job-registry.js";

export interface JobRunner {
  /** Task names this runner executes. */
  readonly tasks: string[];
  /** Stops taking jobs and waits for running ones to finish. */
  stop(): Promise<void>;
}

export interface JobRunnerOptions {
  registrars?: readonly JobRegistrar[];
  /** Jobs run at once (each holds a pool connection while it runs). */
  concurrency?: number;
  /** Fallback polling; new jobs normally wake the worker through LISTEN/NOTIFY at once. */
  pollIntervalMs?: number;
}

export const jobDepsOf = (deps: AppDeps, clock: Clock = systemClock): JobDeps => ({
  pool: deps.pool,
  log: deps.log,
  clock,
  withTransaction: deps.withTransaction,
  config: deps.config,
});

/**
 * Runs the queued and cron jobs of every feature (jobs/features.ts) on the PostgreSQL-backed
 * queue. Any number of processes may run one; each job runs once.
 */
export async function startJobRunner(deps: JobDeps, opts: JobRunnerOptions = {}): Promise<JobRunner> {
  const { tasks, cron } = collectJobs(deps, opts.registrars ?? featureJobs);
  const log = deps.log.child({ component: "jobs" });
  const taskList: TaskList = {};
  for (const [name, handler] of Object.entries(tasks)) {
    const task: Task = (payload, helpers) =>
      handler(payload, {
        pool: deps.pool,
        clock: deps.clock,
        withTransaction: deps.withTransaction,
        log: log.child({ job: name, jobId: helpers.job.id }),
        jobId: helpers.job.id,
        attempt: helpers.job.attempts,
      });
    taskList[name] = task;
  }
  const runner = await run({
    pgPool: deps.pool,
    taskList,
    parsedCronItems: parseCronItems(
      cron.map((c) => ({
        task: c.task,
        match: c.match,
        identifier: c.identifier,
        payload: c.payload ?? {},
        options: { backfillPeriod: 0 },
      })),
    ),
    concurrency: opts.concurrency ?? 4,
    pollInterval: opts.pollIntervalMs ?? 2000,
    noHandleSignals: true,
    logger: workerLogger(log),
  });
  log.info({ tasks: Object.keys(tasks), cron: cron.map((c) => c.identifier) }, "job runner started");
  return { tasks: Object.keys(tasks), stop: () => runner.stop() };
}
