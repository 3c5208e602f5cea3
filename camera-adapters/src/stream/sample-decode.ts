import { z } from "zod";
import { runBounded } from "./bounded-process.js";
import {
  binaryPathsSchema,
  inputArgs,
  parseCheckInput,
  timeoutMsSchema,
  transportSchema,
} from "./check-options.js";
import { type DecodeLog, emptyDecodeLog, readProgressText, readStderrLine } from "./decode-log.js";
import {
  intervalSeconds,
  longestIntervalSeconds,
  mergeIntervals,
  round3,
  subtractIntervals,
  type TimeInterval,
} from "./intervals.js";
import { ffmpegFailure, StreamCheckError } from "./stream-errors.js";

/**
 * Debounce for the black/frozen verdict. Day/night IR switching blanks the picture for a
 * second or two; only a long interval or a large share of the sample counts.
 */
export const imageVerdictConfigSchema = z.object({
  /** Share of the sample (0-1) that must be black (or frozen) in total. */
  minFraction: z.number().min(0).max(1).default(0.5),
  /** …or the length in seconds of one uninterrupted black (or frozen) interval. */
  minSeconds: z.number().min(0).max(600).default(3),
});
export type ImageVerdictConfig = z.input<typeof imageVerdictConfigSchema>;

export const sampleOptionsSchema = binaryPathsSchema.extend({
  /** Seconds of video to decode; 5-10 is the useful range on cameras, tests use less. */
  seconds: z.number().min(1).max(30).default(6),
  timeoutMs: timeoutMsSchema.default(10_000),
  transport: transportSchema.default("tcp"),
  verdict: imageVerdictConfigSchema.default({ minFraction: 0.5, minSeconds: 3 }),
  /** blackdetect pix_th: luma (0-1) under which a pixel counts as black. */
  blackPixelThreshold: z.number().min(0).max(1).default(0.1),
  /** blackdetect pic_th: share of black pixels for a picture to count as black. */
  blackPictureRatio: z.number().min(0).max(1).default(0.98),
  /** freezedetect n: difference (dB) under which two frames count as identical. */
  freezeNoiseDb: z.number().min(-120).max(0).default(-60),
  /** freezedetect d: shortest freeze it reports, seconds. */
  freezeMinSeconds: z.number().min(0.1).max(60).default(0.5),
  maxRunMs: z.number().int().positive().max(300_000).optional(),
});
export type SampleOptions = z.input<typeof sampleOptionsSchema>;

export type ImageVerdict = "ok" | "black" | "frozen" | "no_video";

export interface SampleDecodeResult {
  verdict: ImageVerdict;
  sampleSeconds: number;
  decodedFrames: number;
  measuredFps: number | null;
  measuredBitrateKbps: number | null;
  blackIntervals: TimeInterval[];
  /** Frozen time that is not black: freezedetect also fires on a black picture. */
  frozenIntervals: TimeInterval[];
  blackSeconds: number;
  frozenSeconds: number;
  blackFraction: number;
  frozenFraction: number;
  elapsedMs: number;
}

const killGraceMs = 3_000;

/**
 * Decodes a short sample through ffmpeg's blackdetect and freezedetect filters and judges
 * it: black, frozen (not black), no video at all, or ok.
 */
export async function sampleDecode(url: string, options: SampleOptions = {}): Promise<SampleDecodeResult> {
  const { location, options: opts } = parseCheckInput(sampleOptionsSchema, url, options);
  // Restart the clock at the first decoded frame: over RTSP the first keyframe comes a
  // little after the session start, which would otherwise count as part of the sample.
  const filters = [
    "setpts=PTS-STARTPTS",
    `blackdetect=d=0.1:pix_th=${opts.blackPixelThreshold}:pic_th=${opts.blackPictureRatio}`,
    `freezedetect=n=${opts.freezeNoiseDb}dB:d=${opts.freezeMinSeconds}`,
  ].join(",");
  const args = [
    ...["-hide_banner", "-nostdin", "-nostats", "-loglevel", "verbose", "-progress", "pipe:1"],
    ...inputArgs(location, opts),
    ...["-t", String(opts.seconds), "-i", location.input],
    ...["-map", "0:v:0", "-an", "-sn", "-dn", "-vf", filters, "-f", "null", "-"],
  ];
  const log = emptyDecodeLog();
  const killAfterMs =
    opts.maxRunMs ?? opts.timeoutMs + opts.seconds * 1000 + opts.analyzeSeconds * 1000 + killGraceMs;
  const run = await runBounded({
    command: opts.ffmpegPath,
    args,
    killAfterMs,
    maxStdoutBytes: 4 * 1024 * 1024,
    onStderrLine: (line) => readStderrLine(log, line),
  });
  readProgressText(log, run.stdout.toString("utf8"));
  if (run.spawnError) {
    throw new StreamCheckError("process_failed", `cannot start ffmpeg: ${run.spawnError.message}`, {
      cause: run.spawnError,
    });
  }
  if (run.killedForTimeout) {
    throw new StreamCheckError("timeout", `ffmpeg did not finish the sample within ${killAfterMs} ms`, {
      details: { killAfterMs },
    });
  }
  if (run.exitCode !== 0) throw ffmpegFailure("ffmpeg", run, opts.timeoutMs);
  const judged = judgeSample(log, opts.seconds, { ...opts.verdict, freezeMinSeconds: opts.freezeMinSeconds });
  return { ...judged, elapsedMs: Math.round(run.elapsedMs) };
}

/** Pure: interval arithmetic and the debounced verdict. Exported for tests on recorded logs. */
export function judgeSample(
  log: DecodeLog,
  requestedSeconds: number,
  verdictConfig: ImageVerdictConfig & { freezeMinSeconds?: number } = {},
): Omit<SampleDecodeResult, "elapsedMs"> {
  const config = imageVerdictConfigSchema.parse(verdictConfig);
  const freezeMinSeconds = verdictConfig.freezeMinSeconds ?? 0.5;
  const frames = log.outputFrames ?? log.decodedFrames ?? 0;
  const lastEventEnd = Math.max(
    0,
    ...log.black.map((b) => b.end),
    ...log.freeze.map((f) => f.end ?? f.start),
  );
  const sampleSeconds = round3(
    Math.max(log.outputSeconds ?? 0, lastEventEnd) || (frames > 0 ? requestedSeconds : 0),
  );
  const black = mergeIntervals(log.black);
  const freeze = log.freeze.map((f) => ({ start: f.start, end: f.end ?? sampleSeconds }));
  // blackdetect ends an interval at the last black frame's start, freezedetect at the next
  // frame; the sliver between them is not a freeze of its own.
  const frozen = subtractIntervals(freeze, black).filter((i) => i.end - i.start >= freezeMinSeconds);
  const fraction = (seconds: number) =>
    sampleSeconds > 0 ? round3(Math.min(1, seconds / sampleSeconds)) : 0;
  const blackSeconds = intervalSeconds(black);
  const frozenSeconds = intervalSeconds(frozen);
  const exceeds = (intervals: TimeInterval[], seconds: number) =>
    seconds > 0 &&
    (fraction(seconds) >= config.minFraction || longestIntervalSeconds(intervals) >= config.minSeconds);
  const verdict: ImageVerdict =
    frames === 0
      ? "no_video"
      : exceeds(black, blackSeconds)
        ? "black"
        : exceeds(frozen, frozenSeconds)
          ? "frozen"
          : "ok";
  return {
    verdict,
    sampleSeconds,
    decodedFrames: frames,
    measuredFps: sampleSeconds > 0 && frames > 0 ? round3(frames / sampleSeconds) : null,
    measuredBitrateKbps:
      sampleSeconds > 0 && log.inputVideoBytes !== null
        ? round3((log.inputVideoBytes * 8) / sampleSeconds / 1000)
        : null,
    blackIntervals: black,
    frozenIntervals: frozen,
    blackSeconds,
    frozenSeconds,
    blackFraction: fraction(blackSeconds),
    frozenFraction: fraction(frozenSeconds),
  };
}
