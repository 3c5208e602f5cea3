import type { FeatureJobs, JobDeps } from "../../jobs/job-registry.js";
import { deleteOrphanAttachments } from "./attachments.js";
import { DEADLINE_TASK, deadlineJobPayload, fireDeadline } from "./deadlines.js";

export const ATTACHMENT_CLEANUP_TASK = "incidents.attachment_cleanup";
const ORPHAN_GRACE_MS = 24 * 3600_000;

/** Time-limit timers (scheduled per stage) and a nightly sweep of never-used uploads. */
export function incidentJobs(_deps: JobDeps): FeatureJobs {
  return {
    tasks: {
      [DEADLINE_TASK]: async (payload, ctx) => {
        const parsed = deadlineJobPayload.parse(payload);
        const outcome = await ctx.withTransaction((db) => fireDeadline(db, parsed, ctx.clock));
        ctx.log.info({ ...parsed, outcome }, "time limit checked");
      },
      [ATTACHMENT_CLEANUP_TASK]: async (_payload, ctx) => {
        const removed = await deleteOrphanAttachments(
          ctx.pool,
          new Date(ctx.clock.now().getTime() - ORPHAN_GRACE_MS),
        );
        ctx.log.info({ removed }, "unused attachments removed");
      },
    },
    cron: [
      { task: ATTACHMENT_CLEANUP_TASK, match: "30 3 * * *", identifier: "incidents.attachment_cleanup" },
    ],
  };
}
