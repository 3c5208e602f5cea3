import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBounded } from "../bounded-process.js";
import { type BlipSpec, lavfiSource, type TestPattern, type TestVideoShape } from "./test-patterns.js";

export interface TestMediaFileOptions extends Partial<TestVideoShape> {
  pattern: TestPattern;
  seconds: number;
  blip?: BlipSpec;
  withAudio?: boolean;
  /** MPEG-TS streams over plain HTTP without range requests; MP4 is the default. */
  container?: "mp4" | "mpegts";
  /** Folder to write into; a fresh temporary one when absent. */
  directory?: string;
  ffmpegPath?: string;
}

/**
 * Encodes a small H.264 MP4 test file with ffmpeg (no -re, so it takes a fraction of its
 * duration). Returns the absolute path; remove it with removeTestMedia.
 */
export async function generateTestMediaFile(options: TestMediaFileOptions): Promise<string> {
  const shape = { width: options.width ?? 160, height: options.height ?? 120, fps: options.fps ?? 10 };
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), "gridops-media-")));
  const extension = options.container === "mpegts" ? "ts" : "mp4";
  const path = join(
    directory,
    `${options.pattern}-${shape.width}x${shape.height}-${options.seconds}s.${extension}`,
  );
  const audioInput = options.withAudio ? ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000"] : [];
  const audioCodec = options.withAudio ? ["-c:a", "aac", "-b:a", "32k"] : [];
  const args = [
    ...["-hide_banner", "-nostdin", "-loglevel", "error", "-y"],
    ...["-f", "lavfi", "-i", lavfiSource(options.pattern, shape, options.blip), ...audioInput],
    ...["-t", String(options.seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", String(shape.fps)],
    ...["-pix_fmt", "yuv420p", ...audioCodec, path],
  ];
  const run = await runBounded({ command: options.ffmpegPath ?? "ffmpeg", args, killAfterMs: 60_000 });
  if (run.exitCode !== 0) {
    throw new Error(
      `ffmpeg could not generate ${options.pattern} test media: ${run.stderrTail.slice(-500)}`,
      {
        cause: run.spawnError ?? undefined,
      },
    );
  }
  return path;
}

export async function removeTestMedia(pathOrDirectory: string): Promise<void> {
  await rm(pathOrDirectory, { recursive: true, force: true });
}
