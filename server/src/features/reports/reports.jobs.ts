import type { FeatureJobs, JobDeps } from "../../jobs/job-registry.js";
import { sendReportNotices } from "./reports.service.js";

export const REPORT_CHECK_TASK = "reports.daily_check";

/** Every five minutes: reminders before the daily report deadline, missing notices after it. */
export function reportJobs(_deps: JobDeps): FeatureJobs {
  return {
    tasks: {
      [REPORT_CHECK_TASK]: async (_payload, ctx) => {
        const sent = await ctx.withTransaction((db) => sendReportNotices(db, ctx.clock));
        if (sent.reminded.length || sent.missing.length) {
          ctx.log.info(
            { reminded: sent.reminded.length, missing: sent.missing.length },
            "daily report notices sent",
          );
        }
      },
    },
    cron: [{ task: REPORT_CHECK_TASK, match: "*/5 * * * *", identifier: "reports.daily_check" }],
  };
}
