import { isAbsolute } from "node:path";
import { z } from "zod";

const networkProtocols = new Set(["rtsp:", "rtsps:", "http:", "https:"]);

/**
 * A stream location as ffmpeg will receive it. Only RTSP(S), HTTP(S) and absolute file
 * paths (test media, the demo) are accepted: a free-form string would let a caller pick
 * any libavformat protocol ("concat:", "subfile,") or smuggle an option ("-i").
 */
export const streamUrlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .refine((value) => describeStreamUrl(value) !== null, {
    message: "expected an rtsp://, rtsps://, http(s):// URL or an absolute file path",
  });

export type StreamUrlKind = "rtsp" | "http" | "file";

export interface StreamLocation {
  kind: StreamUrlKind;
  /** What to hand to ffmpeg after `-i`. */
  input: string;
  /** host:port, used to key the per-camera limiter; the path for files. */
  endpoint: string;
}

export function describeStreamUrl(value: string): StreamLocation | null {
  if (value.startsWith("/") && isAbsolute(value) && !value.includes("\0")) {
    return { kind: "file", input: `file:${value}`, endpoint: value };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (!networkProtocols.has(url.protocol) || url.hostname === "") return null;
  const kind: StreamUrlKind = url.protocol.startsWith("rtsp") ? "rtsp" : "http";
  const defaultPort = { "rtsp:": "554", "rtsps:": "322", "http:": "80", "https:": "443" }[url.protocol];
  return { kind, input: url.href, endpoint: `${url.hostname}:${url.port || defaultPort}` };
}

/** Parses or throws the zod error; callers convert it to a StreamCheckError. */
export function requireStreamLocation(value: string): StreamLocation {
  const parsed = streamUrlSchema.parse(value);
  return describeStreamUrl(parsed)!;
}

/** For logs and error messages: never echo a password from the URL. */
export function redactStreamUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.href;
  } catch {
    return value.slice(0, 200);
  }
}

/** Key for StreamCheckLimiter when no camera id is at hand: one RTSP server per host:port. */
export function streamCheckKey(value: string): string {
  return describeStreamUrl(value)?.endpoint ?? value;
}
