import type { FeatureJobs, JobDeps } from "../../jobs/job-registry.js";
import { checkSilentLanes, publishFlow } from "./flow.service.js";

export const FLOW_TASK = "checkpoints.flow";
export const SILENCE_TASK = "checkpoints.silence";

/** Every 5 minutes: lane rollups + checkpoint.flow; every 10: the silent-lane check. */
export function checkpointJobs(_deps: JobDeps): FeatureJobs {
  return {
    tasks: {
      [FLOW_TASK]: async (_payload, ctx) => {
        await ctx.withTransaction((db) => publishFlow(db, ctx.clock.now()));
      },
      [SILENCE_TASK]: async (_payload, ctx) => {
        await ctx.withTransaction((db) => checkSilentLanes(db, ctx.log, ctx.clock.now()));
      },
    },
    cron: [
      { task: FLOW_TASK, match: "*/5 * * * *", identifier: FLOW_TASK },
      { task: SILENCE_TASK, match: "*/10 * * * *", identifier: SILENCE_TASK },
    ],
  };
}
