import { z } from "zod";
import { runBounded } from "./bounded-process.js";
import {
  binaryPathsSchema,
  inputArgs,
  parseCheckInput,
  timeoutMsSchema,
  transportSchema,
} from "./check-options.js";
import { parseFrameRate, summarisePackets } from "./probe-measure.js";
import { ffmpegFailure, StreamCheckError } from "./stream-errors.js";

export const probeOptionsSchema = binaryPathsSchema.extend({
  timeoutMs: timeoutMsSchema.default(10_000),
  transport: transportSchema.default("tcp"),
  /** Seconds of packets read to measure fps and bitrate; RTSP carries neither in its headers. */
  measureSeconds: z.number().min(0).max(10).default(2),
  /** Overrides the computed kill deadline (socket timeout + measuring + analysis). */
  maxRunMs: z.number().int().positive().max(300_000).optional(),
});
export type ProbeOptions = z.input<typeof probeOptionsSchema>;

export interface StreamProbeResult {
  codec: string;
  profile: string | null;
  width: number;
  height: number;
  pixelFormat: string | null;
  fps: {
    /** avg_frame_rate as the demuxer declares it (often 0/0 or wrong over RTSP). */
    avg: number | null;
    /** r_frame_rate, the lowest rate that represents all timestamps (often 2x over RTSP). */
    r: number | null;
    /** Counted from packet timestamps over the measuring window. */
    measured: number | null;
  };
  bitrateKbps: number | null;
  bitrateSource: "stream" | "container" | "measured" | null;
  audio: { present: boolean; codec: string | null };
  formatName: string | null;
  measuredSeconds: number | null;
  elapsedMs: number;
}

/** Slack for process start-up, the RTSP handshake round trips and exit, on top of the expected work. */
const killGraceMs = 3_000;

const ffprobeStreamSchema = z.looseObject({
  index: z.number().int(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  profile: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  pix_fmt: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  bit_rate: z.string().optional(),
});
const ffprobePacketSchema = z.looseObject({
  stream_index: z.number().int(),
  pts_time: z.string().optional(),
  dts_time: z.string().optional(),
  size: z.string(),
});
export const ffprobeOutputSchema = z.looseObject({
  streams: z.array(ffprobeStreamSchema).default([]),
  packets: z.array(ffprobePacketSchema).default([]),
  format: z.looseObject({ format_name: z.string().optional(), bit_rate: z.string().optional() }).optional(),
});
export type FfprobeOutput = z.infer<typeof ffprobeOutputSchema>;

/**
 * Probes a stream with ffprobe: codec, profile, size, declared and measured fps and
 * bitrate, audio presence. Throws StreamCheckError (timeout, unreachable, auth_failed,
 * not_found, bad_response, no_video, process_failed, invalid_input).
 */
export async function probeStream(url: string, options: ProbeOptions = {}): Promise<StreamProbeResult> {
  const { location, options: opts } = parseCheckInput(probeOptionsSchema, url, options);
  const packetArgs =
    opts.measureSeconds > 0
      ? [
          "-show_entries",
          "packet=stream_index,pts_time,dts_time,size",
          "-read_intervals",
          `%+${opts.measureSeconds}`,
        ]
      : [];
  const args = [
    "-hide_banner",
    "-v",
    "error",
    ...inputArgs(location, opts),
    "-of",
    "json",
    "-show_format",
    "-show_streams",
    ...packetArgs,
    "-i",
    location.input,
  ];
  const killAfterMs =
    opts.maxRunMs ?? opts.timeoutMs + opts.measureSeconds * 1000 + opts.analyzeSeconds * 1000 + killGraceMs;
  const run = await runBounded({
    command: opts.ffprobePath,
    args,
    killAfterMs,
    maxStdoutBytes: 16 * 1024 * 1024,
  });
  if (run.spawnError) {
    throw new StreamCheckError("process_failed", `cannot start ffprobe: ${run.spawnError.message}`, {
      cause: run.spawnError,
    });
  }
  if (run.killedForTimeout) {
    throw new StreamCheckError("timeout", `ffprobe gave no result within ${killAfterMs} ms`, {
      details: { killAfterMs },
    });
  }
  if (run.exitCode !== 0) throw ffmpegFailure("ffprobe", run, opts.timeoutMs);
  return { ...interpretFfprobeOutput(parseFfprobeJson(run.stdout)), elapsedMs: Math.round(run.elapsedMs) };
}

function parseFfprobeJson(stdout: Buffer): FfprobeOutput {
  let json: unknown;
  try {
    json = JSON.parse(stdout.toString("utf8"));
  } catch (error) {
    throw new StreamCheckError("bad_response", "ffprobe printed something that is not JSON", {
      cause: error,
    });
  }
  const parsed = ffprobeOutputSchema.safeParse(json);
  if (!parsed.success) {
    throw new StreamCheckError("bad_response", "ffprobe JSON has an unexpected shape", {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Pure: turns ffprobe's JSON into a probe result. Exported for tests on recorded output. */
export function interpretFfprobeOutput(output: FfprobeOutput): Omit<StreamProbeResult, "elapsedMs"> {
  const video = output.streams.find((s) => s.codec_type === "video" && s.width && s.height);
  if (!video?.codec_name || !video.width || !video.height) {
    throw new StreamCheckError("no_video", "the stream has no decodable video track");
  }
  const audio = output.streams.find((s) => s.codec_type === "audio");
  const measured = summarisePackets(output.packets.filter((p) => p.stream_index === video.index));
  const declaredStream = kbps(video.bit_rate);
  const declaredContainer = kbps(output.format?.bit_rate);
  const [bitrateKbps, bitrateSource] =
    declaredStream !== null
      ? [declaredStream, "stream" as const]
      : declaredContainer !== null
        ? [declaredContainer, "container" as const]
        : measured.bitrateKbps !== null
          ? [measured.bitrateKbps, "measured" as const]
          : [null, null];
  return {
    codec: video.codec_name,
    profile: video.profile ?? null,
    width: video.width,
    height: video.height,
    pixelFormat: video.pix_fmt ?? null,
    fps: {
      avg: parseFrameRate(video.avg_frame_rate),
      r: parseFrameRate(video.r_frame_rate),
      measured: measured.fps,
    },
    bitrateKbps,
    bitrateSource,
    audio: { present: audio !== undefined, codec: audio?.codec_name ?? null },
    formatName: output.format?.format_name ?? null,
    measuredSeconds: measured.seconds,
  };
}

function kbps(bitsPerSecond: string | undefined): number | null {
  const value = Number(bitsPerSecond);
  return bitsPerSecond && Number.isFinite(value) && value > 0 ? Math.round(value / 100) / 10 : null;
}
