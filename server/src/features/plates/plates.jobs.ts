import type { FeatureJobs, JobDeps } from "../../jobs/job-registry.js";
import { openMissingHitIncidents } from "../hotlists/hits.service.js";
import { ensureReadPartitions } from "./plate-reads.sql.js";
import { purgePlateData } from "./plate-retention.js";

export const PLATE_RETENTION_TASK = "plates.retention";
export const PLATE_PARTITIONS_TASK = "plates.partitions";
export const HIT_INCIDENTS_TASK = "hotlists.hit-incidents";

/** UTC days from `from` for `count` days, as YYYY-MM-DD. */
export function daysFrom(from: Date, count: number): string[] {
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Daily: purge reads past retention (03:15 UTC, after the day's partition closed) and create
 * the next days' partitions ahead (ingest also creates a missing one on demand). Every
 * minute: open the incidents of hotlist hits whose incident was not opened after their batch
 * committed (the process died in between, or opening failed; retried for an hour).
 */
export function plateJobs(deps: JobDeps): FeatureJobs {
  return {
    tasks: {
      [PLATE_RETENTION_TASK]: async (_payload, ctx) => {
        await purgePlateData(ctx.pool, ctx.log, {
          retentionDays: deps.config.plateRetentionDays,
          imageRetentionDays: deps.config.plateImageRetentionDays,
          now: ctx.clock.now(),
          actor: "system:plate-retention",
        });
      },
      [PLATE_PARTITIONS_TASK]: async (_payload, ctx) => {
        const created = await ensureReadPartitions(ctx.pool, daysFrom(ctx.clock.now(), 4));
        if (created > 0) ctx.log.info({ created }, "plate_reads partitions created ahead");
      },
      [HIT_INCIDENTS_TASK]: async (_payload, ctx) => {
        const opened = await openMissingHitIncidents(ctx.pool, ctx.log);
        if (opened > 0) ctx.log.warn({ opened }, "opened incidents of hotlist hits left without one");
      },
    },
    cron: [
      { task: PLATE_RETENTION_TASK, match: "15 3 * * *", identifier: PLATE_RETENTION_TASK },
      { task: PLATE_PARTITIONS_TASK, match: "5 * * * *", identifier: PLATE_PARTITIONS_TASK },
      { task: HIT_INCIDENTS_TASK, match: "* * * * *", identifier: HIT_INCIDENTS_TASK },
    ],
  };
}
