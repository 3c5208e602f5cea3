import type { Queryable } from "../db/pool.js";

export interface PendingJob {
  task: string;
  jobKey: string | null;
  runAt: Date;
  payload: unknown;
  attempts: number;
  lastError: string | null;
}

/** Pending jobs whose key starts with a prefix: tests look at what was queued. */
export async function selectPendingJobs(db: Queryable, jobKeyPrefix: string): Promise<PendingJob[]> {
  const { rows } = await db.query<PendingJob>(
    // The public view has no payload; only tests read the private table (product code must not).
    `SELECT t.identifier AS task, j.key AS "jobKey", j.run_at AS "runAt", j.payload, j.attempts, j.last_error AS "lastError"
       FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE j.key LIKE $1 || '%'
      ORDER BY j.run_at, j.id`,
    [jobKeyPrefix],
  );
  return rows;
}
