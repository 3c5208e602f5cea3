import { z } from "zod";
import type { HealthState } from "./health-states.js";

export const checkScheduleSchema = z.object({
  /** Normal polling interval for a camera in a settled state. */
  intervalMs: z.number().int().min(1_000).default(60_000),
  /** While a change is pending (or the state is unknown), look again sooner to settle it. */
  confirmIntervalMs: z.number().int().min(1_000).default(15_000),
  /** Ceiling of the exponential back-off for offline cameras. */
  maxDelayMs: z
    .number()
    .int()
    .min(1_000)
    .default(30 * 60_000),
  /** First retry after auth_failed; doubling to authFailedMaxDelayMs (cameras lock accounts). */
  authFailedDelayMs: z
    .number()
    .int()
    .min(1_000)
    .default(15 * 60_000),
  authFailedMaxDelayMs: z
    .number()
    .int()
    .min(1_000)
    .default(6 * 3_600_000),
  /** Maintenance keeps observing, slowly, so the technician sees the camera's condition. */
  maintenanceIntervalMs: z
    .number()
    .int()
    .min(1_000)
    .default(5 * 60_000),
  /** ±share of random spread so a district's cameras do not all poll on the same second. */
  jitterRatio: z.number().min(0).max(0.5).default(0),
});
export type CheckSchedule = z.input<typeof checkScheduleSchema>;

/**
 * Suggested delay before the next check of a camera. Offline and auth_failed back off
 * exponentially with the number of consecutive failures, up to their ceilings. `random`
 * is injected (default Math.random) so the jitter is testable.
 */
export function nextCheckDelayMs(
  state: HealthState,
  consecutiveFailures: number,
  schedule: CheckSchedule = {},
  random: () => number = Math.random,
): number {
  const s = checkScheduleSchema.parse(schedule);
  const failures = Math.max(0, Math.floor(consecutiveFailures));
  const base = baseDelay(state, failures, s);
  const spread = s.jitterRatio === 0 ? 1 : 1 + s.jitterRatio * (2 * random() - 1);
  return Math.max(1_000, Math.round(base * spread));
}

function baseDelay(state: HealthState, failures: number, s: z.output<typeof checkScheduleSchema>): number {
  const doubling = (start: number, cap: number) =>
    Math.min(cap, start * 2 ** Math.min(30, Math.max(0, failures - 1)));
  switch (state) {
    case "unknown":
      return s.confirmIntervalMs;
    case "online":
      return failures > 0 ? s.confirmIntervalMs : s.intervalMs;
    case "degraded":
    case "no_video":
    case "tampered":
      return s.intervalMs;
    case "offline":
      return doubling(s.intervalMs, s.maxDelayMs);
    case "auth_failed":
      return doubling(s.authFailedDelayMs, s.authFailedMaxDelayMs);
    case "maintenance":
      return s.maintenanceIntervalMs;
  }
}
