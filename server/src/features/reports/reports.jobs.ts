import type { FeatureJobs, JobDeps } from "../../jobs/job-registry.js";

/** Daily report reminders and missing notices (filled in with the reports feature). */
export function reportJobs(_deps: JobDeps): FeatureJobs {
  return { tasks: {} };
}
