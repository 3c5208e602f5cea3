import type { LocalizedText } from "./localized-text.js";

/** Machine-readable failure kinds shared by the ffmpeg checks and the raw RTSP client. */
export const streamErrorCodes = [
  "timeout",
  "unreachable",
  "auth_failed",
  "not_found",
  "bad_response",
  "no_video",
  "process_failed",
  "invalid_input",
  "busy",
] as const;
export type StreamErrorCode = (typeof streamErrorCodes)[number];

export class StreamCheckError extends Error {
  override readonly name = "StreamCheckError";
  readonly code: StreamErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: StreamErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export function isStreamCheckError(error: unknown): error is StreamCheckError {
  return error instanceof StreamCheckError;
}

export const streamErrorLabels: Record<StreamErrorCode, LocalizedText> = {
  timeout: { en: "Camera did not answer in time", "zh-CN": "摄像机响应超时" },
  unreachable: { en: "Camera unreachable", "zh-CN": "摄像机网络不可达" },
  auth_failed: { en: "Authentication failed", "zh-CN": "认证失败" },
  not_found: { en: "Stream path not found", "zh-CN": "码流地址不存在" },
  bad_response: { en: "Invalid answer from camera", "zh-CN": "摄像机响应无效" },
  no_video: { en: "No video stream", "zh-CN": "无视频" },
  process_failed: { en: "Stream check failed", "zh-CN": "码流检测失败" },
  invalid_input: { en: "Invalid check parameters", "zh-CN": "检测参数无效" },
  busy: { en: "Too many stream checks waiting", "zh-CN": "码流检测排队已满" },
};

/**
 * ffmpeg and ffprobe only report failures as text on stderr; these patterns are the
 * messages libavformat 5.x prints for RTSP, HTTP and file inputs.
 */
const stderrPatterns: ReadonlyArray<readonly [RegExp, StreamErrorCode]> = [
  [/401 Unauthorized|403 Forbidden|Authorization failed/i, "auth_failed"],
  [/404 Not Found|No such file or directory|Server returned 404/i, "not_found"],
  [/Connection refused|No route to host|Network is unreachable|Name or service not known/i, "unreachable"],
  [/Temporary failure in name resolution|Host is unreachable|Failed to resolve hostname/i, "unreachable"],
  [/timed out|Operation timed out|Connection timed out/i, "timeout"],
  [
    /Invalid data found|method \w+ failed|Server returned [45]\d\d|Unsupported|Invalid argument/i,
    "bad_response",
  ],
];

export function classifyFfmpegStderr(stderr: string): StreamErrorCode {
  for (const [pattern, code] of stderrPatterns) {
    if (pattern.test(stderr)) return code;
  }
  return "process_failed";
}

/**
 * Like classifyFfmpegStderr, but knows how long the run took: when libavformat's RTSP
 * demuxer hits its `-timeout` it reports "Invalid data found when processing input", which
 * is only distinguishable from a garbled answer by the time it took.
 */
export function classifyFfmpegFailure(
  stderr: string,
  elapsedMs: number,
  socketTimeoutMs: number,
): StreamErrorCode {
  const code = classifyFfmpegStderr(stderr);
  const ranIntoTimeout = elapsedMs >= socketTimeoutMs * 0.9;
  return ranIntoTimeout && (code === "bad_response" || code === "process_failed") ? "timeout" : code;
}

/** Builds the typed error for a failed ffmpeg/ffprobe run, with credentials scrubbed. */
export function ffmpegFailure(
  tool: "ffmpeg" | "ffprobe",
  run: { stderrTail: string; elapsedMs: number; exitCode: number | null },
  socketTimeoutMs: number,
): StreamCheckError {
  const code = classifyFfmpegFailure(run.stderrTail, run.elapsedMs, socketTimeoutMs);
  return new StreamCheckError(code, `${tool} failed: ${lastStderrLine(run.stderrTail)}`, {
    details: { exitCode: run.exitCode },
  });
}

/** ffmpeg echoes the input URL in its errors; never pass a password on to logs or users. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):[^\s/@]*@/gi, "$1$2:***@");
}

/** The last meaningful stderr line, for the human message; never the full log. */
export function lastStderrLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return redactCredentials(lines.at(-1) ?? "").slice(0, 300);
}
