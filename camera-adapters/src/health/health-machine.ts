import { z } from "zod";
import { type HealthMachineConfig, healthMachineConfigSchema } from "./health-config.js";
import {
  classifyObservation,
  type HealthCondition,
  type HealthObservationInput,
  healthObservationSchema,
} from "./health-observation.js";
import {
  type HealthReason,
  type HealthState,
  healthReasonSchema,
  healthStateSchema,
  severityRank,
} from "./health-states.js";

const conditionSchema = z.object({
  state: healthStateSchema.exclude(["maintenance", "unknown"]),
  reasons: z.array(healthReasonSchema),
});

/** A change the damping is holding back: `count` of `needed` observations so far. */
const pendingChangeSchema = z.object({
  direction: z.enum(["worse", "better", "lateral"]),
  to: conditionSchema,
  count: z.number().int().min(1),
  needed: z.number().int().min(1),
});
export type PendingChange = z.infer<typeof pendingChangeSchema>;

const countersSchema = z.object({
  checks: z.number().int().min(0),
  /** Consecutive observations that were not fully healthy. */
  consecutiveFailures: z.number().int().min(0),
  /** Consecutive fully healthy observations. */
  consecutiveSuccesses: z.number().int().min(0),
});
export type HealthCounters = z.infer<typeof countersSchema>;

/** The per-camera state the server persists between polls (JSON-safe). */
export const cameraHealthSchema = z.object({
  state: healthStateSchema,
  since: z.iso.datetime({ offset: true }),
  reasons: z.array(healthReasonSchema),
  counters: countersSchema,
  pending: pendingChangeSchema.nullable(),
  /** What the latest observation showed; differs from `state` while damped or in maintenance. */
  observed: conditionSchema.nullable(),
  lastObservationAt: z.iso.datetime({ offset: true }).nullable(),
  /** True in maintenance: the server raises no alerts. */
  silenced: z.boolean(),
});
export type CameraHealth = z.infer<typeof cameraHealthSchema>;

export interface HealthTransition {
  from: HealthState;
  to: HealthState;
  at: string;
  reasons: HealthReason[];
  /** Worth an alert: into a problem state, not a recovery, not maintenance bookkeeping. */
  alert: boolean;
}

/** Result of one step: the new state, plus a transition only when the state changed. */
export interface HealthStep extends CameraHealth {
  transition?: HealthTransition;
  /** Same state, different reasons (degraded by low fps, now by low bitrate). */
  reasonsChanged: boolean;
  /** Set when the observation was older than the last one and was not applied. */
  ignored?: "out_of_order";
}

export function initialHealth(at: Date | string): CameraHealth {
  return {
    state: "unknown",
    since: new Date(at).toISOString(),
    reasons: [],
    counters: { checks: 0, consecutiveFailures: 0, consecutiveSuccesses: 0 },
    pending: null,
    observed: null,
    lastObservationAt: null,
    silenced: false,
  };
}

/** Validates a persisted state (e.g. a JSON column) before feeding it back in. */
export function parseCameraHealth(value: unknown): CameraHealth {
  return cameraHealthSchema.parse(value);
}

/**
 * Applies one observation. Pure: same inputs, same output, no clock or I/O. Flap damping:
 * going to a worse (or a different down) state needs `failuresToGoDown` consecutive such
 * observations, coming back needs `successesToRecover`; a mixed run resets the count.
 * Maintenance and auth_failed only change through their explicit functions.
 */
export function applyHealthObservation(
  previous: CameraHealth,
  input: HealthObservationInput,
  config: HealthMachineConfig = {},
): HealthStep {
  const current = stripStep(previous);
  const settings = healthMachineConfigSchema.parse(config);
  const observation = healthObservationSchema.parse(input);
  if (current.lastObservationAt !== null && observation.at < current.lastObservationAt) {
    return { ...current, reasonsChanged: false, ignored: "out_of_order" };
  }
  const observed = classifyObservation(observation, settings.clockSkewLimitSeconds);
  const healthy = observed.state === "online";
  const base: CameraHealth = {
    ...current,
    observed,
    lastObservationAt: observation.at,
    counters: {
      checks: current.counters.checks + 1,
      consecutiveFailures: healthy ? 0 : current.counters.consecutiveFailures + 1,
      consecutiveSuccesses: healthy ? current.counters.consecutiveSuccesses + 1 : 0,
    },
  };
  if (current.state === "maintenance" || current.state === "auth_failed") {
    return { ...base, pending: null, reasonsChanged: false };
  }
  if (observed.state === current.state) {
    return {
      ...base,
      pending: null,
      reasons: observed.reasons,
      reasonsChanged: !sameReasons(current.reasons, observed.reasons),
    };
  }
  const pending = nextPending(current, observed, settings);
  if (pending.count < pending.needed) return { ...base, pending, reasonsChanged: false };
  return moveTo(base, observed.state, observed.reasons, observation.at);
}

function nextPending(
  current: CameraHealth,
  observed: HealthCondition,
  settings: z.output<typeof healthMachineConfigSchema>,
): PendingChange {
  const direction = directionOf(current.state, observed.state);
  const needed =
    direction === "better"
      ? current.state === "unknown"
        ? 1 // nothing to protect yet: a healthy first answer is enough
        : settings.successesToRecover
      : settings.failuresToGoDown;
  const count = current.pending?.direction === direction ? current.pending.count + 1 : 1;
  return { direction, to: observed, count, needed };
}

function directionOf(from: HealthState, to: HealthState): PendingChange["direction"] {
  if (from === "unknown") return to === "online" ? "better" : "worse";
  const delta = severityRank(to) - severityRank(from);
  return delta > 0 ? "worse" : delta < 0 ? "better" : "lateral";
}

/** Puts a camera into maintenance (technician on site): alerts stop until leaveMaintenance. */
export function enterMaintenance(previous: CameraHealth, at: Date | string): HealthStep {
  const current = stripStep(previous);
  if (current.state === "maintenance") return { ...current, reasonsChanged: false };
  return moveTo(
    { ...current, silenced: true },
    "maintenance",
    ["maintenance_started"],
    new Date(at).toISOString(),
  );
}

/** Ends maintenance explicitly. The camera restarts from unknown so the next checks decide afresh. */
export function leaveMaintenance(previous: CameraHealth, at: Date | string): HealthStep {
  const current = stripStep(previous);
  if (current.state !== "maintenance") return { ...current, reasonsChanged: false };
  return moveTo(current, "unknown", ["maintenance_ended"], new Date(at).toISOString());
}

/**
 * Leaves auth_failed after the stored credentials changed or a technician reset it. Until
 * then the poller must not retry with credentials the camera refused (lock-out risk).
 */
export function resetAuthFailure(
  previous: CameraHealth,
  at: Date | string,
  cause: "credentials_changed" | "manual_reset",
): HealthStep {
  const current = stripStep(previous);
  if (current.state !== "auth_failed") return { ...current, reasonsChanged: false };
  return moveTo(current, "unknown", [cause], new Date(at).toISOString());
}

function moveTo(base: CameraHealth, to: HealthState, reasons: HealthReason[], at: string): HealthStep {
  const from = base.state;
  return {
    ...base,
    state: to,
    since: at,
    reasons,
    pending: null,
    silenced: to === "maintenance",
    counters:
      to === "unknown"
        ? { ...base.counters, consecutiveFailures: 0, consecutiveSuccesses: 0 }
        : base.counters,
    reasonsChanged: true,
    transition: { from, to, at, reasons, alert: isAlert(from, to) },
  };
}

function isAlert(from: HealthState, to: HealthState): boolean {
  if (to === "maintenance" || to === "unknown" || to === "online" || from === "maintenance") return false;
  return severityRank(to) >= severityRank(from);
}

function stripStep(step: CameraHealth | HealthStep): CameraHealth {
  const { state, since, reasons, counters, pending, observed, lastObservationAt, silenced } = step;
  return { state, since, reasons, counters, pending, observed, lastObservationAt, silenced };
}

function sameReasons(a: readonly HealthReason[], b: readonly HealthReason[]): boolean {
  return a.length === b.length && a.every((reason, i) => reason === b[i]);
}
