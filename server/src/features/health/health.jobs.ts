import type { FeatureJobs, JobDeps } from "../../jobs/job-registry.js";
import { dropCheckPartitions, ensureCheckPartitions } from "./health.sql.js";
import { escalateOfflineCameras } from "./offline-escalation.js";

export const PARTITIONS_TASK = "cameras.check_partitions";
export const OFFLINE_SWEEP_TASK = "cameras.offline_sweep";

/**
 * Health housekeeping on the shared runner: daily partitions of camera_health_checks made a
 * week ahead (and old ones dropped), and the sweep that escalates long-offline cameras.
 * The checks themselves run on the poller's own runner (poller.ts).
 */
export function cameraHealthJobs(deps: JobDeps): FeatureJobs {
  return {
    tasks: {
      [PARTITIONS_TASK]: async (_payload, ctx) => {
        const today = ctx.clock.now();
        const day = (offsetDays: number) =>
          new Date(today.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
        const created = await ensureCheckPartitions(ctx.pool, day(0), 8);
        const dropped = await dropCheckPartitions(ctx.pool, day(-deps.config.cameraCheckRetentionDays));
        ctx.log.info({ created, dropped }, "camera check partitions maintained");
      },
      [OFFLINE_SWEEP_TASK]: async (_payload, ctx) => {
        const report = await escalateOfflineCameras(ctx, {
          clock: ctx.clock,
          offlineMinutes: deps.config.cameraOfflineEscalateMinutes,
          mode: deps.config.cameraOfflineEscalation,
        });
        if (report.incidents + report.tickets + report.failed.length > 0)
          ctx.log.info(report, "offline cameras escalated");
      },
    },
    cron: [
      { task: PARTITIONS_TASK, match: "7 0 * * *", identifier: PARTITIONS_TASK },
      { task: OFFLINE_SWEEP_TASK, match: "* * * * *", identifier: OFFLINE_SWEEP_TASK },
    ],
  };
}
