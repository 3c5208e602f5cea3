import { runMigrations, Logger as WorkerLogger } from "graphile-worker";
import type { Pool, Queryable } from "../db/pool.js";
import type { Logger } from "../logger.js";

/** graphile-worker's log calls, sent to our pino logger. */
export function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if (level === "error") log.error(fields, message);
    else if (level === "warning") log.warn(fields, message);
    else if (level === "info") log.info(fields, message);
    else log.debug(fields, message);
  });
}

/** Creates or upgrades the job queue's own schema (graphile_worker); safe to run at every start. */
export async function migrateJobQueue(pool: Pool, log: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger: workerLogger(log.child({ component: "jobs" })) });
}

export interface ScheduledJob {
  /** Task name, e.g. "incidents.deadline"; a handler must be registered for it (jobs/registry.ts). */
  task: string;
  payload: Record<string, unknown>;
  /** When to run; default now. */
  runAt?: Date;
  /**
   * Identifies the job so scheduling again replaces it (one timer per key) and cancelJob finds it.
   * "replace" (default) moves run_at; "preserve_run_at" keeps an earlier one.
   */
  jobKey?: string;
  jobKeyMode?: "replace" | "preserve_run_at";
  maxAttempts?: number;
}

/**
 * Queues a job in the caller's transaction: it exists only if that transaction commits, and
 * it lives in PostgreSQL, so it survives restarts and fires on whichever worker is running.
 */
export async function scheduleJob(db: Queryable, job: ScheduledJob): Promise<void> {
  await db.query(
    `SELECT graphile_worker.add_job($1::text, $2::json, run_at => $3::timestamptz, job_key => $4::text,
            max_attempts => $5::int, job_key_mode => $6::text)`,
    [
      job.task,
      JSON.stringify(job.payload),
      job.runAt ?? null,
      job.jobKey ?? null,
      job.maxAttempts ?? 25,
      job.jobKeyMode ?? "replace",
    ],
  );
}

/** Schedules several jobs in one statement (same transaction rules as scheduleJob). */
export async function scheduleJobs(db: Queryable, jobs: readonly ScheduledJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await db.query(
    `SELECT graphile_worker.add_job(j.task, j.payload, run_at => j.run_at, job_key => j.job_key,
            max_attempts => j.max_attempts, job_key_mode => j.job_key_mode)
       FROM jsonb_to_recordset($1::jsonb)
         AS j(task text, payload json, run_at timestamptz, job_key text, max_attempts int, job_key_mode text)`,
    [
      JSON.stringify(
        jobs.map((j) => ({
          task: j.task,
          payload: j.payload,
          run_at: j.runAt ?? null,
          job_key: j.jobKey ?? null,
          max_attempts: j.maxAttempts ?? 25,
          job_key_mode: j.jobKeyMode ?? "replace",
        })),
      ),
    ],
  );
}

/** Removes pending jobs by key (a job already running finishes; handlers must re-check state). */
export async function cancelJobs(db: Queryable, jobKeys: readonly string[]): Promise<void> {
  if (jobKeys.length === 0) return;
  await db.query("SELECT graphile_worker.remove_job(k) FROM unnest($1::text[]) AS k", [jobKeys]);
}
