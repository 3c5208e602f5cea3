import { z } from "zod";
import type { LocalizedText } from "./localized-text.js";
import type { StreamProbeResult } from "./probe-stream.js";

/** What the inventory says the camera's stream should be (ONVIF profile or configured). */
export const promisedProfileSchema = z.object({
  codec: z.string().min(1).optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  fps: z.number().positive().optional(),
  bitrateKbps: z.number().positive().optional(),
});
export type PromisedProfile = z.input<typeof promisedProfileSchema>;

export const deviationThresholdsSchema = z.object({
  /** low_fps when the observed rate is below promised × this. */
  minFpsRatio: z.number().min(0).max(1).default(0.8),
  /** low_bitrate when observed bitrate is below promised × this (VBR on a still scene dips far). */
  minBitrateRatio: z.number().min(0).max(1).default(0.5),
  /** Relative width/height difference tolerated, e.g. 0.01 lets 1088 pass for 1080. */
  resolutionTolerance: z.number().min(0).max(1).default(0.01),
});
export type DeviationThresholds = z.input<typeof deviationThresholdsSchema>;

export const streamDeviationKinds = [
  "low_fps",
  "low_bitrate",
  "resolution_mismatch",
  "codec_mismatch",
] as const;
export const streamDeviationKindSchema = z.enum(streamDeviationKinds);
export type StreamDeviationKind = z.infer<typeof streamDeviationKindSchema>;

export type StreamDeviation =
  | { kind: "low_fps"; expected: number; actual: number }
  | { kind: "low_bitrate"; expected: number; actual: number }
  | {
      kind: "resolution_mismatch";
      expected: { width: number; height: number };
      actual: { width: number; height: number };
    }
  | { kind: "codec_mismatch"; expected: string; actual: string };

/** The measurements compared; a probe result fits, and so does one merged with a decode sample. */
export type StreamMeasurements = Pick<StreamProbeResult, "codec" | "width" | "height" | "bitrateKbps"> & {
  fps: Partial<StreamProbeResult["fps"]>;
};

/**
 * Lists how the observed stream falls short of the promised profile. Unknown values (no
 * bitrate measured, no fps) produce no deviation: absence of evidence is not a fault.
 */
export function compareWithProfile(
  observed: StreamMeasurements,
  promised: PromisedProfile,
  thresholds: DeviationThresholds = {},
): StreamDeviation[] {
  const profile = promisedProfileSchema.parse(promised);
  const limits = deviationThresholdsSchema.parse(thresholds);
  const deviations: StreamDeviation[] = [];
  if (profile.codec && normaliseCodec(profile.codec) !== normaliseCodec(observed.codec)) {
    deviations.push({
      kind: "codec_mismatch",
      expected: normaliseCodec(profile.codec),
      actual: normaliseCodec(observed.codec),
    });
  }
  const widthOff =
    profile.width !== undefined &&
    relativeDifference(observed.width, profile.width) > limits.resolutionTolerance;
  const heightOff =
    profile.height !== undefined &&
    relativeDifference(observed.height, profile.height) > limits.resolutionTolerance;
  if (widthOff || heightOff) {
    deviations.push({
      kind: "resolution_mismatch",
      expected: { width: profile.width ?? observed.width, height: profile.height ?? observed.height },
      actual: { width: observed.width, height: observed.height },
    });
  }
  // Over RTSP the declared rates are often guesses (r_frame_rate doubles, avg is 0/0).
  const fps = observed.fps.measured ?? observed.fps.avg ?? observed.fps.r ?? null;
  if (profile.fps !== undefined && fps !== null && fps < profile.fps * limits.minFpsRatio) {
    deviations.push({ kind: "low_fps", expected: profile.fps, actual: fps });
  }
  const bitrate = observed.bitrateKbps;
  if (
    profile.bitrateKbps !== undefined &&
    bitrate !== null &&
    bitrate < profile.bitrateKbps * limits.minBitrateRatio
  ) {
    deviations.push({ kind: "low_bitrate", expected: profile.bitrateKbps, actual: bitrate });
  }
  return deviations;
}

const codecAliases: Record<string, string> = {
  h264: "h264",
  avc: "h264",
  avc1: "h264",
  h265: "hevc",
  hevc: "hevc",
  hvc1: "hevc",
  jpeg: "mjpeg",
  mjpeg: "mjpeg",
  mpeg4: "mpeg4",
  mp4ves: "mpeg4",
};

/** "H.264", "AVC", "h264" → "h264"; ONVIF's "H265" → "hevc". */
export function normaliseCodec(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return codecAliases[key] ?? key;
}

function relativeDifference(actual: number, expected: number): number {
  return Math.abs(actual - expected) / expected;
}

export const streamDeviationLabels: Record<StreamDeviationKind, LocalizedText> = {
  low_fps: { en: "Frame rate below profile", "zh-CN": "帧率低于配置" },
  low_bitrate: { en: "Bitrate below profile", "zh-CN": "码率低于配置" },
  resolution_mismatch: { en: "Resolution differs from profile", "zh-CN": "分辨率与配置不符" },
  codec_mismatch: { en: "Codec differs from profile", "zh-CN": "编码格式与配置不符" },
};
