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

/** The last meaningful stderr line, for the human message; never the full log. */
export function lastStderrLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return (lines.at(-1) ?? "").slice(0, 300);
}
