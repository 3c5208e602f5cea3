import type { AppDeps } from "../app-deps.js";
import type { Logger } from "../logger.js";
import type { Clock } from "./clock.js";

/** What a job handler gets: the pool, a logger scoped to the job, and the clock. */
export interface JobContext {
  pool: AppDeps["pool"];
  log: Logger;
  clock: Clock;
  withTransaction: AppDeps["withTransaction"];
  jobId: string;
  /** 1 on the first try; graphile-worker retries failed jobs with exponential back-off. */
  attempt: number;
}

/** Validate `payload` with zod before trusting it: it is JSON from the database. */
export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

export interface CronJob {
  task: string;
  /** Five-field cron pattern in UTC, e.g. "* /5 * * * *" without the space. */
  match: string;
  /** Stable name so a restarted worker does not schedule the same tick twice. */
  identifier: string;
  payload?: Record<string, unknown>;
}

/** What one feature contributes to the job runner. */
export interface FeatureJobs {
  tasks: Record<string, JobHandler>;
  cron?: CronJob[];
}

export interface JobDeps {
  pool: AppDeps["pool"];
  log: Logger;
  clock: Clock;
  withTransaction: AppDeps["withTransaction"];
  config: AppDeps["config"];
}

export type JobRegistrar = (deps: JobDeps) => FeatureJobs;

export class JobRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JobRegistryError";
  }
}

/** Merges features' jobs, refusing two handlers for one task name. */
export function collectJobs(deps: JobDeps, registrars: readonly JobRegistrar[]): Required<FeatureJobs> {
  const tasks: Record<string, JobHandler> = {};
  const cron: CronJob[] = [];
  for (const register of registrars) {
    const jobs = register(deps);
    for (const [name, handler] of Object.entries(jobs.tasks)) {
      if (tasks[name]) throw new JobRegistryError(`Two features register a handler for job "${name}".`);
      tasks[name] = handler;
    }
    cron.push(...(jobs.cron ?? []));
  }
  for (const item of cron) {
    if (!tasks[item.task])
      throw new JobRegistryError(`Cron item "${item.identifier}" runs "${item.task}", which has no handler.`);
  }
  return { tasks, cron };
}
