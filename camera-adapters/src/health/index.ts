export { type CheckSchedule, checkScheduleSchema, nextCheckDelayMs } from "./check-backoff.js";
export {
  type HealthMachineConfig,
  healthMachineConfigSchema,
  type ResolvedHealthMachineConfig,
} from "./health-config.js";
export {
  applyHealthObservation,
  type CameraHealth,
  cameraHealthSchema,
  enterMaintenance,
  type HealthCounters,
  type HealthStep,
  type HealthTransition,
  initialHealth,
  leaveMaintenance,
  type PendingChange,
  parseCameraHealth,
  resetAuthFailure,
} from "./health-machine.js";
export {
  classifyObservation,
  type HealthCondition,
  type HealthObservation,
  type HealthObservationInput,
  healthObservationSchema,
} from "./health-observation.js";
export {
  type HealthReason,
  type HealthState,
  healthReasonLabels,
  healthReasonSchema,
  healthReasons,
  healthStateLabels,
  healthStateSchema,
  healthStates,
  severityRank,
} from "./health-states.js";
export {
  type CameraCheckOutcomes,
  type CheckOutcome,
  observationFromChecks,
} from "./observation-from-checks.js";
