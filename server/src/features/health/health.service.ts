import {
  type CameraHealth,
  enterMaintenance,
  type HealthState,
  type HealthStep,
  initialHealth,
  leaveMaintenance,
  parseCameraHealth,
  resetAuthFailure,
} from "@gridops/camera-adapters/health/index";
import type { Queryable } from "../../db/pool.js";
import { conflict, notFound } from "../../http/errors.js";
import { type AnyNewEvent, enqueueEvents } from "../../realtime/outbox.js";
import * as sql from "./health.sql.js";

export const initialCameraHealth = (at: Date): CameraHealth => initialHealth(at);

export const insertCameraEvents = sql.insertCameraEventRows;

/** The live event for one transition (topic camera.status, routed to the cell and the camera's room). */
export function statusEvent(cameraId: string, cellCode: string | null, step: HealthStep): AnyNewEvent | null {
  if (!step.transition) return null;
  return {
    topic: "camera.status",
    cellCode,
    cameraId,
    payload: {
      cameraId,
      cellCode,
      status: step.transition.to,
      previousStatus: step.transition.from,
      since: step.transition.at,
      reason: step.transition.reasons[0] ?? null,
    },
  };
}

/** The camera_events row of a transition (or of a technician action that did not move the state). */
export function transitionEventRow(
  cameraId: string,
  step: HealthStep,
  actor: string,
  kind = "state_changed",
): sql.CameraEventRow | null {
  if (!step.transition) return null;
  return {
    camera_id: cameraId,
    at: step.transition.at,
    kind,
    from_state: step.transition.from,
    to_state: step.transition.to,
    reasons: step.transition.reasons,
    actor,
    details: { alert: step.transition.alert },
  };
}

export const machineOf = (step: HealthStep | CameraHealth): CameraHealth => {
  const { state, since, reasons, counters, pending, observed, lastObservationAt, silenced } = step;
  return { state, since, reasons, counters, pending, observed, lastObservationAt, silenced };
};

type Action = "maintenance_on" | "maintenance_off" | "auth_reset" | "credentials_changed";

/**
 * A technician's change to one camera's health (maintenance, auth reset) or the effect of new
 * credentials, in the caller's transaction: state, camera_events row and live event together.
 */
export async function applyHealthAction(
  db: Queryable,
  cameraId: string,
  action: Action,
  actor: string,
  at: Date,
  note?: string | null,
): Promise<{ state: HealthState; changed: boolean }> {
  await sql.insertMissingHealthRows(db, initialHealth(at));
  const [row] = await sql.selectHealthRows(db, [cameraId], true);
  if (!row) throw notFound("Camera", cameraId);
  const current = parseCameraHealth(row.machine);
  const step =
    action === "maintenance_on"
      ? enterMaintenance(current, at)
      : action === "maintenance_off"
        ? leaveMaintenance(current, at)
        : resetAuthFailure(current, at, action === "auth_reset" ? "manual_reset" : "credentials_changed");
  if (action === "auth_reset" && current.state !== "auth_failed") {
    throw conflict(
      "not_auth_failed",
      `Camera ${cameraId} is ${current.state}, not auth_failed; there is nothing to reset.`,
    );
  }
  if (!step.transition) return { state: step.state, changed: false };
  const kind = {
    maintenance_on: "maintenance_started",
    maintenance_off: "maintenance_ended",
    auth_reset: "auth_reset",
    credentials_changed: "credentials_changed",
  }[action];
  await sql.updateHealthRows(db, [
    {
      camera_id: cameraId,
      expected_version: row.version,
      machine: machineOf(step),
      state: step.state,
      since: step.since,
      reasons: step.reasons,
      // Look again soon: after maintenance or new credentials the next check decides afresh.
      next_check_at: action === "maintenance_on" ? null : at.toISOString(),
      checked_at: null,
      deep: false,
      deep_findings: null,
      last_error: null,
      auth_failed_credentials_version:
        step.state === "auth_failed" ? row.auth_failed_credentials_version : null,
      state_changed: true,
    },
  ]);
  const event = transitionEventRow(cameraId, step, actor, kind);
  if (event && note) event.details = { ...event.details, note };
  await sql.insertCameraEventRows(db, event ? [event] : []);
  const live = statusEvent(cameraId, row.cell_code, step);
  if (live) await enqueueEvents(db, [live]);
  return { state: step.state, changed: true };
}

/** New credentials end auth_failed (the poller may try them once); a no-op in other states. */
export async function onCredentialsChanged(
  db: Queryable,
  cameraId: string,
  actor: string,
  at: Date,
): Promise<void> {
  await applyHealthAction(db, cameraId, "credentials_changed", actor, at);
  await db.query("UPDATE camera_health SET next_check_at = least(next_check_at, $2) WHERE camera_id = $1", [
    cameraId,
    at,
  ]);
}
