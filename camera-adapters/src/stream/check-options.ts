import { z } from "zod";
import { StreamCheckError } from "./stream-errors.js";
import type { StreamLocation } from "./stream-url.js";
import { requireStreamLocation } from "./stream-url.js";

export const transportSchema = z.enum(["tcp", "udp"]);
export type RtspTransport = z.infer<typeof transportSchema>;

/** Socket wait handed to ffmpeg; the kill timer adds the expected work time on top. */
export const timeoutMsSchema = z.number().int().min(200).max(120_000);

export const binaryPathsSchema = z.object({
  ffmpegPath: z.string().min(1).default("ffmpeg"),
  ffprobePath: z.string().min(1).default("ffprobe"),
  /**
   * How long libavformat may read before settling on the streams (-analyzeduration). Its 5 s
   * default makes every RTSP check ~3 s slower; 2 s still finds a camera's audio track.
   */
  analyzeSeconds: z.number().min(0.1).max(10).default(2),
});

/**
 * Input options for any ffmpeg/ffprobe run. `-timeout` is in microseconds for both the
 * RTSP and HTTP demuxers (ffmpeg 5 removed `-stimeout`). TCP interleaving is the default
 * because UDP through NAT and firewalls often yields a session with no packets.
 */
export function inputArgs(
  location: StreamLocation,
  options: { timeoutMs: number; transport: RtspTransport; analyzeSeconds: number },
): string[] {
  const timeoutUs = String(options.timeoutMs * 1000);
  const analyze = ["-analyzeduration", String(Math.round(options.analyzeSeconds * 1_000_000))];
  if (location.kind === "rtsp")
    return ["-rtsp_transport", options.transport, "-timeout", timeoutUs, ...analyze];
  if (location.kind === "http") return ["-timeout", timeoutUs, ...analyze];
  return analyze;
}

/** Validates options and URL together, turning zod's error into the typed error callers expect. */
export function parseCheckInput<T extends z.ZodType>(
  schema: T,
  url: string,
  options: unknown,
): { location: StreamLocation; options: z.infer<T> } {
  try {
    return { location: requireStreamLocation(url), options: schema.parse(options ?? {}) };
  } catch (error) {
    if (error instanceof z.ZodError) {
      const issues = error.issues.map((issue) => `${issue.path.join(".") || "url"}: ${issue.message}`);
      throw new StreamCheckError("invalid_input", `invalid stream check input: ${issues.join("; ")}`, {
        cause: error,
        details: { issues },
      });
    }
    throw error;
  }
}
