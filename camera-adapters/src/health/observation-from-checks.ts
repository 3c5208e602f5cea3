import type { StreamProbeResult } from "../stream/probe-stream.js";
import {
  compareWithProfile,
  type DeviationThresholds,
  type PromisedProfile,
} from "../stream/profile-compare.js";
import type { SampleDecodeResult } from "../stream/sample-decode.js";
import { StreamCheckError, type StreamErrorCode } from "../stream/stream-errors.js";
import type { HealthObservationInput } from "./health-observation.js";

/** Each check's outcome: its result, a StreamCheckError, or undefined when not run this round. */
export type CheckOutcome<T> = T | StreamCheckError | undefined;

export interface CameraCheckOutcomes {
  at: Date | string;
  /** From the ONVIF poll, when the camera has ONVIF. */
  onvif?: {
    reachable: boolean;
    auth: "ok" | "rejected" | "not_checked";
    clockSkewSeconds?: number | null;
    events?: { tamper?: boolean; videoLoss?: boolean; storageFailure?: boolean };
  };
  /** rtspOptions/rtspDescribe: only success or failure matters here. */
  rtsp?: CheckOutcome<unknown>;
  probe?: CheckOutcome<StreamProbeResult>;
  sample?: CheckOutcome<SampleDecodeResult>;
  promised?: PromisedProfile;
  thresholds?: DeviationThresholds;
}

/** Codes that say the camera (not our side) failed to deliver a stream. */
const streamMissingCodes = new Set<StreamErrorCode>(["not_found", "no_video", "bad_response"]);
const silentCodes = new Set<StreamErrorCode>(["unreachable", "timeout"]);
/** Failures that still prove the camera answered on the network. */
const answeredCodes = new Set<StreamErrorCode>(["auth_failed", ...streamMissingCodes]);
/** Failures that say something about the camera, as opposed to our side. */
const cameraCodes = new Set<StreamErrorCode>([...answeredCodes, ...silentCodes]);

/**
 * Pure glue for the poller: folds one round of ONVIF, RTSP and ffmpeg results into the
 * observation the health machine takes. Errors of our own (process_failed, invalid_input,
 * busy) are not held against the camera; when nothing else is known it returns null and the
 * round should not be applied.
 */
export function observationFromChecks(outcomes: CameraCheckOutcomes): HealthObservationInput | null {
  const streamChecks = [outcomes.rtsp, outcomes.probe, outcomes.sample].filter((c) => c !== undefined);
  const evidence = streamChecks.filter((c) => !(c instanceof StreamCheckError) || cameraCodes.has(c.code));
  const errors = evidence.filter((c): c is StreamCheckError => c instanceof StreamCheckError);
  // Only our own failures (ffmpeg missing, queue full) and no ONVIF poll: nothing to judge.
  if (evidence.length === 0 && outcomes.onvif === undefined) return null;
  const streamAnswered = evidence.some((c) => !(c instanceof StreamCheckError) || answeredCodes.has(c.code));
  const reachable = (outcomes.onvif?.reachable ?? false) || streamAnswered;
  const authRejected = outcomes.onvif?.auth === "rejected" || errors.some((e) => e.code === "auth_failed");
  const authOk = outcomes.onvif?.auth === "ok" || streamChecks.some((c) => !(c instanceof StreamCheckError));
  return {
    at: outcomes.at,
    reachable,
    auth: authRejected ? "rejected" : authOk ? "ok" : "not_checked",
    clockSkewSeconds: outcomes.onvif?.clockSkewSeconds ?? null,
    streamDeviations: deviationsOf(outcomes),
    image: imageOf(outcomes, errors, reachable),
    events: {
      tamper: outcomes.onvif?.events?.tamper ?? false,
      videoLoss: outcomes.onvif?.events?.videoLoss ?? false,
      storageFailure: outcomes.onvif?.events?.storageFailure ?? false,
    },
  };
}

function imageOf(
  outcomes: CameraCheckOutcomes,
  errors: readonly StreamCheckError[],
  reachable: boolean,
): HealthObservationInput["image"] {
  const { sample } = outcomes;
  if (sample !== undefined && !(sample instanceof StreamCheckError)) return sample.verdict;
  if (errors.some((e) => streamMissingCodes.has(e.code))) return "no_video";
  // ONVIF answers but the stream port is silent: the encoder or RTSP service is down.
  if (reachable && errors.length > 0 && errors.every((e) => silentCodes.has(e.code))) return "no_video";
  return null;
}

function deviationsOf(outcomes: CameraCheckOutcomes) {
  const { probe, sample, promised } = outcomes;
  if (!promised || probe === undefined || probe instanceof StreamCheckError) return [];
  const measuredSample = sample !== undefined && !(sample instanceof StreamCheckError) ? sample : null;
  return compareWithProfile(
    {
      ...probe,
      fps: { ...probe.fps, measured: probe.fps.measured ?? measuredSample?.measuredFps ?? null },
      bitrateKbps: probe.bitrateKbps ?? measuredSample?.measuredBitrateKbps ?? null,
    },
    promised,
    outcomes.thresholds,
  );
}
