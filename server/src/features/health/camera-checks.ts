import {
  type CheckOutcome,
  type HealthObservationInput,
  observationFromChecks,
} from "@gridops/camera-adapters/health/index";
import { createOnvifDevice, isOnvifError, type OnvifDevice } from "@gridops/camera-adapters/onvif/index";
import {
  isStreamCheckError,
  probeStream,
  readJpegSize,
  rtspDescribe,
  rtspOptions,
  type SampleDecodeResult,
  type StreamCheckError,
  type StreamProbeResult,
  sampleDecode,
  takeSnapshot,
} from "@gridops/camera-adapters/stream/index";
import { z } from "zod";
import type { Logger } from "../../logger.js";
import type { RtspProfile } from "../cameras/cameras.schemas.js";
import type { CameraConnection } from "../cameras/cameras.sql.js";
import { decryptSecret, type Keyring } from "../secrets/keyring.js";
import type { DeepFindings, HealthRow } from "./health.sql.js";

/** What a check needs to reach one camera (credentials already decrypted, never logged). */
export interface CheckTarget {
  cameraId: string;
  onvifAddress: string | null;
  credentials: { username: string; password: string } | null;
  /** False while auth_failed with unchanged credentials: no authenticated call may be made. */
  mayAuthenticate: boolean;
  mainProfile: RtspProfile | null;
}

const credentialsSchema = z.object({ username: z.string(), password: z.string() });

/** What a check of this camera may use: credentials decrypted, none allowed while the current ones were refused. */
export function checkTargetOf(
  row: HealthRow,
  connection: CameraConnection,
  keyring: Keyring,
  log: Logger,
): CheckTarget {
  let credentials: CheckTarget["credentials"] = null;
  if (connection.credentials_enc) {
    try {
      credentials = credentialsSchema.parse(JSON.parse(decryptSecret(keyring, connection.credentials_enc)));
    } catch (err) {
      // The message names the key id only, never the secret.
      log.error(
        { cameraId: row.camera_id, err: (err as Error).message },
        "stored camera credentials cannot be decrypted",
      );
    }
  }
  const refused =
    row.state === "auth_failed" && row.auth_failed_credentials_version === connection.credentials_version;
  return {
    cameraId: row.camera_id,
    onvifAddress: connection.onvif_address,
    credentials,
    mayAuthenticate: !refused,
    mainProfile: connection.rtsp_profiles[0] ?? null,
  };
}

/** The limiter key: the host:port the camera is reached on (an NVR serves many channels). */
export function hostKeyOf(connection: CameraConnection): string {
  const address = connection.onvif_address ?? connection.rtsp_profiles[0]?.url ?? connection.id;
  try {
    return new URL(address).host;
  } catch {
    return connection.id;
  }
}

export interface CheckTimeouts {
  /** Per network request (SOAP call, RTSP exchange). */
  requestTimeoutMs: number;
}

export interface ShallowResult {
  observation: HealthObservationInput;
  durationMs: number;
  /** Short machine-ish summary of what failed, for the technician (never contains credentials). */
  error: string | null;
}

const errorCode = (e: unknown): string =>
  isOnvifError(e)
    ? `onvif_${e.code}`
    : isStreamCheckError(e)
      ? `rtsp_${e.code}`
      : e instanceof Error && e.name === "AbortError"
        ? "aborted"
        : "error";

/**
 * The every-cycle check: ONVIF GetSystemDateAndTime (unauthenticated: reachability and clock),
 * one authenticated ONVIF call, and RTSP OPTIONS (+ DESCRIBE when credentials may be used and
 * ONVIF did not already prove them). At most one authenticated attempt per protocol, none
 * after a refusal in the same cycle, none at all while `mayAuthenticate` is false.
 */
export async function runShallowCheck(
  target: CheckTarget,
  at: Date,
  timeouts: CheckTimeouts,
  signal: AbortSignal,
): Promise<ShallowResult> {
  const started = performance.now();
  const errors: string[] = [];
  let reachable = false;
  let auth: "ok" | "rejected" | "not_checked" = "not_checked";
  let clockSkewSeconds: number | null = null;
  const creds = target.mayAuthenticate ? target.credentials : null;

  if (target.onvifAddress) {
    const device: OnvifDevice = createOnvifDevice({
      address: target.onvifAddress,
      timeoutMs: timeouts.requestTimeoutMs,
      ...(creds ? { username: creds.username, password: creds.password } : {}),
    });
    try {
      const clock = await device.getSystemDateAndTime({ signal });
      reachable = true;
      clockSkewSeconds = Math.round(clock.offsetMs / 100) / 10;
    } catch (e) {
      errors.push(errorCode(e));
      // A SOAP fault or odd XML still means something answered.
      if (
        isOnvifError(e) &&
        ["soap_fault", "malformed_xml", "unexpected_response", "too_large"].includes(e.code)
      )
        reachable = true;
    }
    if (reachable && creds) {
      try {
        await device.getDeviceInformation({ signal });
        auth = "ok";
      } catch (e) {
        errors.push(errorCode(e));
        if (isOnvifError(e, "auth_failed")) auth = "rejected";
      }
    }
  }
  if (target.mainProfile && !signal.aborted) {
    const rtsp = await rtspShallow(
      target.mainProfile.url,
      auth === "rejected" || auth === "ok" ? null : creds,
      timeouts,
      errors,
    );
    reachable ||= rtsp.reachable;
    if (rtsp.auth !== "not_checked") auth = rtsp.auth;
  }
  return {
    observation: { at, reachable, auth, clockSkewSeconds },
    durationMs: Math.round(performance.now() - started),
    error: errors.length ? [...new Set(errors)].join(",") : null,
  };
}

async function rtspShallow(
  url: string,
  creds: { username: string; password: string } | null,
  timeouts: CheckTimeouts,
  errors: string[],
): Promise<{ reachable: boolean; auth: "ok" | "rejected" | "not_checked" }> {
  try {
    await rtspOptions(url, { timeoutMs: timeouts.requestTimeoutMs });
  } catch (e) {
    errors.push(errorCode(e));
    return { reachable: isStreamCheckError(e) && e.code === "auth_failed", auth: "not_checked" };
  }
  if (!creds) return { reachable: true, auth: "not_checked" };
  try {
    await rtspDescribe(url, {
      timeoutMs: timeouts.requestTimeoutMs,
      username: creds.username,
      password: creds.password,
    });
    return { reachable: true, auth: "ok" };
  } catch (e) {
    errors.push(errorCode(e));
    return {
      reachable: true,
      auth: isStreamCheckError(e) && e.code === "auth_failed" ? "rejected" : "not_checked",
    };
  }
}

export interface DeepResult {
  findings: DeepFindings;
  snapshot: { image: Buffer; width: number | null; height: number | null } | null;
  durationMs: number;
  error: string | null;
}

export interface DeepCheckOptions extends CheckTimeouts {
  sampleSeconds: number;
  /** Read ONVIF event properties (tamper, video loss, storage) through a short PullPoint subscription. */
  readEvents: boolean;
}

/** ffmpeg's RTSP input takes credentials only in the URL; this string is never logged. */
function withCredentials(url: string, creds: { username: string; password: string } | null): string {
  if (!creds) return url;
  const u = new URL(url);
  u.username = encodeURIComponent(creds.username);
  u.password = encodeURIComponent(creds.password);
  return u.href;
}

/** The rotating expensive check: ffprobe against the promised profile, a black/freeze sample, a snapshot, event states. */
export async function runDeepCheck(
  target: CheckTarget,
  at: Date,
  opts: DeepCheckOptions,
  signal: AbortSignal,
): Promise<DeepResult> {
  const started = performance.now();
  const errors: string[] = [];
  const creds = target.mayAuthenticate ? target.credentials : null;
  const findings: DeepFindings = {
    at: at.toISOString(),
    image: null,
    deviations: [],
    events: { tamper: false, videoLoss: false, storageFailure: false },
  };
  let snapshot: DeepResult["snapshot"] = null;
  const profile = target.mainProfile;
  if (profile && !signal.aborted) {
    const url = withCredentials(profile.url, creds);
    const probe = await outcomeOf(
      () => probeStream(url, { timeoutMs: opts.requestTimeoutMs, measureSeconds: 1 }),
      errors,
    );
    const sample = signal.aborted
      ? undefined
      : await outcomeOf(
          () => sampleDecode(url, { timeoutMs: opts.requestTimeoutMs, seconds: opts.sampleSeconds }),
          errors,
        );
    // The same judgement as every other stream check (observation-from-checks): black/frozen from
    // the sample, no_video when the stream is missing or its port is silent, deviations from the
    // promised profile. "Reachable" is assumed: findings count only when the shallow check says so.
    const judged = observationFromChecks({
      at,
      onvif: { reachable: true, auth: "not_checked" },
      probe,
      sample,
      promised: {
        ...(profile.codec ? { codec: profile.codec } : {}),
        ...(profile.width ? { width: profile.width } : {}),
        ...(profile.height ? { height: profile.height } : {}),
        ...(profile.fps ? { fps: profile.fps } : {}),
        ...(profile.bitrate_kbps ? { bitrateKbps: profile.bitrate_kbps } : {}),
      },
    });
    findings.image = judged?.image ?? null;
    findings.deviations = (judged?.streamDeviations ?? []).map((d) => ({ kind: d.kind }));
    if (!signal.aborted && findings.image !== "no_video") {
      try {
        const image = await takeSnapshot(url, { timeoutMs: opts.requestTimeoutMs, width: 480 });
        const size = readJpegSize(image);
        snapshot = { image, width: size?.width ?? null, height: size?.height ?? null };
      } catch (e) {
        errors.push(errorCode(e));
      }
    }
  }
  if (opts.readEvents && target.onvifAddress && creds && !signal.aborted) {
    try {
      findings.events = await readEventStates(target.onvifAddress, creds, opts.requestTimeoutMs, signal);
    } catch (e) {
      errors.push(errorCode(e));
    }
  }
  return {
    findings,
    snapshot,
    durationMs: Math.round(performance.now() - started),
    error: errors.length ? [...new Set(errors)].join(",") : null,
  };
}

/** A stream check's result, or its StreamCheckError (noted in `errors`); undefined for any other failure. */
async function outcomeOf<T extends StreamProbeResult | SampleDecodeResult>(
  check: () => Promise<T>,
  errors: string[],
): Promise<CheckOutcome<T>> {
  try {
    return await check();
  } catch (e) {
    errors.push(errorCode(e));
    return isStreamCheckError(e) ? (e as StreamCheckError) : undefined;
  }
}

/** Subscribes, reads the Initialized property messages (current alarm states), unsubscribes. */
async function readEventStates(
  address: string,
  creds: { username: string; password: string },
  timeoutMs: number,
  signal: AbortSignal,
) {
  const device = createOnvifDevice({
    address,
    timeoutMs,
    username: creds.username,
    password: creds.password,
  });
  const subscription = await device.createPullPointSubscription(60, { signal });
  const states = { tamper: false, videoLoss: false, storageFailure: false };
  try {
    const pulled = await device.pullMessages(subscription, { signal, timeoutSec: 1, limit: 100 });
    for (const event of pulled.events) {
      if (event.active === null) continue;
      if (event.kind === "tamper") states.tamper = event.active;
      if (event.kind === "video_loss") states.videoLoss = event.active;
      if (event.kind === "storage_failure") states.storageFailure = event.active;
    }
  } finally {
    await device.unsubscribe(subscription, { signal }).catch(() => {});
  }
  return states;
}
