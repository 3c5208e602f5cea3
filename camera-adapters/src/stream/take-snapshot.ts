import { z } from "zod";
import { runBounded } from "./bounded-process.js";
import {
  binaryPathsSchema,
  inputArgs,
  parseCheckInput,
  timeoutMsSchema,
  transportSchema,
} from "./check-options.js";
import { readJpegSize } from "./jpeg-info.js";
import { ffmpegFailure, StreamCheckError } from "./stream-errors.js";

export const snapshotOptionsSchema = binaryPathsSchema.extend({
  timeoutMs: timeoutMsSchema.default(10_000),
  transport: transportSchema.default("tcp"),
  /** Thumbnail width in pixels; height follows the aspect ratio (rounded to even). */
  width: z.number().int().min(16).max(3840).default(320),
  /** mjpeg qscale, 2 (best) to 31 (smallest). */
  quality: z.number().int().min(2).max(31).default(5),
  maxRunMs: z.number().int().positive().max(300_000).optional(),
});
export type SnapshotOptions = z.input<typeof snapshotOptionsSchema>;

const killGraceMs = 3_000;
const maxSnapshotBytes = 8 * 1024 * 1024;

/** Decodes the first frame and returns it as a JPEG thumbnail of the requested width. */
export async function takeSnapshot(url: string, options: SnapshotOptions = {}): Promise<Buffer> {
  const { location, options: opts } = parseCheckInput(snapshotOptionsSchema, url, options);
  const args = [
    ...["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"],
    ...inputArgs(location, opts),
    ...["-i", location.input, "-map", "0:v:0", "-an", "-frames:v", "1"],
    ...[
      "-vf",
      `scale=${opts.width}:-2`,
      "-c:v",
      "mjpeg",
      "-q:v",
      String(opts.quality),
      "-f",
      "image2pipe",
      "pipe:1",
    ],
  ];
  const killAfterMs = opts.maxRunMs ?? opts.timeoutMs + opts.analyzeSeconds * 1000 + killGraceMs;
  const run = await runBounded({
    command: opts.ffmpegPath,
    args,
    killAfterMs,
    maxStdoutBytes: maxSnapshotBytes,
  });
  if (run.spawnError) {
    throw new StreamCheckError("process_failed", `cannot start ffmpeg: ${run.spawnError.message}`, {
      cause: run.spawnError,
    });
  }
  if (run.killedForTimeout) {
    throw new StreamCheckError("timeout", `no snapshot within ${killAfterMs} ms`, {
      details: { killAfterMs },
    });
  }
  if (run.killedForOutputSize) {
    throw new StreamCheckError("bad_response", `snapshot larger than ${maxSnapshotBytes} bytes`);
  }
  if (run.exitCode !== 0) throw ffmpegFailure("ffmpeg", run, opts.timeoutMs);
  if (run.stdout.length === 0)
    throw new StreamCheckError("no_video", "the stream produced no decodable frame");
  if (!readJpegSize(run.stdout))
    throw new StreamCheckError("bad_response", "ffmpeg produced an invalid JPEG");
  return run.stdout;
}
