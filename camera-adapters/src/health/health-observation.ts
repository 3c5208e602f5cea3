import { z } from "zod";
import { streamDeviationKindSchema } from "../stream/profile-compare.js";
import type { HealthReason, HealthState } from "./health-states.js";

const timestampSchema = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((value) => {
  const date = value instanceof Date ? value : new Date(value);
  return date.toISOString();
});

/** One poll of one camera, assembled by the server from ONVIF, RTSP and ffmpeg checks. */
export const healthObservationSchema = z.object({
  at: timestampSchema,
  /** Any of ONVIF, RTSP OPTIONS or the stream answered. */
  reachable: z.boolean(),
  /** "rejected" only on an explicit 401/403 or ONVIF NotAuthorized; "not_checked" when unknown. */
  auth: z.enum(["ok", "rejected", "not_checked"]).default("not_checked"),
  /** Camera clock minus server clock (ONVIF GetSystemDateAndTime), seconds. */
  clockSkewSeconds: z.number().finite().nullable().default(null),
  /** From compareWithProfile; only `kind` matters here. */
  streamDeviations: z.array(z.looseObject({ kind: streamDeviationKindSchema })).default([]),
  /** sampleDecode verdict; null when no sample was taken this round. */
  image: z.enum(["ok", "black", "frozen", "no_video"]).nullable().default(null),
  /** Current values of the camera's ONVIF event properties (PullPoint). */
  events: z
    .object({
      tamper: z.boolean().default(false),
      videoLoss: z.boolean().default(false),
      storageFailure: z.boolean().default(false),
    })
    .default({ tamper: false, videoLoss: false, storageFailure: false }),
});
export type HealthObservationInput = z.input<typeof healthObservationSchema>;
export type HealthObservation = z.output<typeof healthObservationSchema>;

export interface HealthCondition {
  state: Exclude<HealthState, "maintenance" | "unknown">;
  reasons: HealthReason[];
}

/**
 * What this single observation says, before damping. The state is the worst finding; the
 * reasons list every finding so a technician sees "tampered: tamper alarm, black image".
 */
export function classifyObservation(
  observation: HealthObservation,
  clockSkewLimitSeconds: number,
): HealthCondition {
  if (!observation.reachable) return { state: "offline", reasons: ["unreachable"] };
  if (observation.auth === "rejected") return { state: "auth_failed", reasons: ["auth_rejected"] };
  const down: HealthReason[] = [];
  if (observation.events.tamper) down.push("tamper_event");
  if (observation.events.videoLoss) down.push("video_loss_event");
  if (observation.image === "no_video") down.push("no_video_frames");
  if (observation.image === "black") down.push("black_image");
  if (observation.image === "frozen") down.push("frozen_image");
  const impaired: HealthReason[] = [...new Set(observation.streamDeviations.map((d) => d.kind))];
  const skew = observation.clockSkewSeconds;
  if (skew !== null && Math.abs(skew) > clockSkewLimitSeconds) impaired.push("clock_drift");
  if (observation.events.storageFailure) impaired.push("storage_failure");
  if (observation.events.tamper) return { state: "tampered", reasons: [...down, ...impaired] };
  if (down.length > 0) return { state: "no_video", reasons: [...down, ...impaired] };
  if (impaired.length > 0) return { state: "degraded", reasons: impaired };
  return { state: "online", reasons: ["checks_passed"] };
}
