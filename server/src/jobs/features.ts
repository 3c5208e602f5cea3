import { cameraHealthJobs } from "../features/health/health.jobs.js";
import { incidentJobs } from "../features/incidents/incidents.jobs.js";
import { checkpointJobs } from "../features/checkpoints/checkpoints.jobs.js";
import { plateJobs } from "../features/plates/plates.jobs.js";
import { reportJobs } from "../features/reports/reports.jobs.js";
import type { JobRegistrar } from "./job-registry.js";

/** Every feature's job handlers and cron items: add yours here (one line). */
export const featureJobs: JobRegistrar[] = [cameraHealthJobs, incidentJobs, reportJobs, plateJobs, checkpointJobs];
