import { z } from "zod";
import { timeoutMsSchema } from "../check-options.js";
import { StreamCheckError } from "../stream-errors.js";
import { authorizationHeader, type Credentials, chooseChallenge, parseAuthChallenges } from "./rtsp-auth.js";
import { isClosedByPeer, RtspConnection, type RtspResponse } from "./rtsp-connection.js";
import { headerValue } from "./rtsp-message.js";
import { parseSdp, type SdpDescription } from "./sdp.js";

export const rtspCheckOptionsSchema = z.object({
  timeoutMs: timeoutMsSchema.default(5_000),
  username: z.string().max(256).optional(),
  password: z.string().max(256).optional(),
});
export type RtspCheckOptions = z.input<typeof rtspCheckOptionsSchema>;

export type RtspAuthUsed = "none" | "basic" | "digest";

export interface RtspOptionsResult {
  status: number;
  /** Methods from the Public header, upper-case. */
  methods: string[];
  server: string | null;
  /** True when the camera wants credentials even for OPTIONS and none were given. */
  authRequired: boolean;
  auth: RtspAuthUsed;
  elapsedMs: number;
}

export interface RtspDescribeResult {
  status: number;
  server: string | null;
  contentBase: string | null;
  sdp: SdpDescription;
  rawSdp: string;
  auth: RtspAuthUsed;
  elapsedMs: number;
}

const rtspUrlSchema = z
  .string()
  .max(2048)
  .transform((value, ctx) => {
    try {
      const url = new URL(value);
      if ((url.protocol === "rtsp:" || url.protocol === "rtsps:") && url.hostname) return url;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: "expected an rtsp:// or rtsps:// URL" });
    return z.NEVER;
  });

/**
 * Shallow liveness check without ffmpeg: one RTSP OPTIONS. Does not open a media session,
 * so it is cheap on cameras that allow only a few RTSP sessions.
 */
export async function rtspOptions(url: string, options: RtspCheckOptions = {}): Promise<RtspOptionsResult> {
  const target = parseTarget(url, options);
  const outcome = await exchange(target, "OPTIONS", {}, { allowUnauthenticated: true });
  const publicHeader = headerValue(outcome.response.message, "public") ?? "";
  return {
    status: outcome.response.status,
    methods: publicHeader
      .split(",")
      .map((m) => m.trim().toUpperCase())
      .filter(Boolean),
    server: headerValue(outcome.response.message, "server") ?? null,
    authRequired: outcome.response.status === 401,
    auth: outcome.auth,
    elapsedMs: outcome.elapsedMs,
  };
}

/**
 * DESCRIBE with Basic or Digest authentication on 401, returning the parsed SDP (media,
 * codecs). Credentials come from the options or from the URL's user-info.
 */
export async function rtspDescribe(url: string, options: RtspCheckOptions = {}): Promise<RtspDescribeResult> {
  const target = parseTarget(url, options);
  const outcome = await exchange(
    target,
    "DESCRIBE",
    { Accept: "application/sdp" },
    { allowUnauthenticated: false },
  );
  const { message } = outcome.response;
  const contentType = headerValue(message, "content-type") ?? "";
  const rawSdp = message.body.toString("utf8");
  if (!/application\/sdp/i.test(contentType) || !/^v=0/m.test(rawSdp)) {
    throw new StreamCheckError("bad_response", "DESCRIBE answer carries no SDP", {
      details: { contentType },
    });
  }
  return {
    status: outcome.response.status,
    server: headerValue(message, "server") ?? null,
    contentBase: headerValue(message, "content-base") ?? null,
    sdp: parseSdp(rawSdp),
    rawSdp,
    auth: outcome.auth,
    elapsedMs: outcome.elapsedMs,
  };
}

interface Target {
  url: URL;
  requestUri: string;
  credentials: Credentials | null;
  timeoutMs: number;
}

function parseTarget(url: string, options: RtspCheckOptions): Target {
  const parsedUrl = rtspUrlSchema.safeParse(url);
  const parsedOptions = rtspCheckOptionsSchema.safeParse(options);
  if (!parsedUrl.success || !parsedOptions.success) {
    const issues = [...(parsedUrl.error?.issues ?? []), ...(parsedOptions.error?.issues ?? [])].map(
      (issue) => `${issue.path.join(".") || "url"}: ${issue.message}`,
    );
    throw new StreamCheckError("invalid_input", `invalid RTSP check input: ${issues.join("; ")}`, {
      details: { issues },
    });
  }
  const target = parsedUrl.data;
  const opts = parsedOptions.data;
  const username = opts.username ?? (target.username ? decodeURIComponent(target.username) : undefined);
  const password = opts.password ?? (target.password ? decodeURIComponent(target.password) : "");
  const withoutUserInfo = new URL(target.href);
  withoutUserInfo.username = "";
  withoutUserInfo.password = "";
  return {
    url: target,
    requestUri: withoutUserInfo.href,
    credentials: username !== undefined ? { username, password } : null,
    timeoutMs: opts.timeoutMs,
  };
}

interface ExchangeOutcome {
  response: RtspResponse;
  auth: RtspAuthUsed;
  elapsedMs: number;
}

/** Sends one request, answering at most two 401 challenges (the second only for a stale nonce). */
async function exchange(
  target: Target,
  method: string,
  headers: Record<string, string>,
  policy: { allowUnauthenticated: boolean },
): Promise<ExchangeOutcome> {
  const started = performance.now();
  const deadline = AbortSignal.timeout(target.timeoutMs);
  let connection = await RtspConnection.open(target.url, deadline);
  // Some cameras hang up after a 401; the challenge is still valid on a new connection.
  const send = async (extra: Record<string, string>): Promise<RtspResponse> => {
    if (!connection.isOpen) {
      connection.close();
      connection = await RtspConnection.open(target.url, deadline);
    }
    try {
      return await connection.request(method, target.requestUri, { ...headers, ...extra });
    } catch (error) {
      if (!isClosedByPeer(error)) throw error;
      connection = await RtspConnection.open(target.url, deadline);
      return connection.request(method, target.requestUri, { ...headers, ...extra });
    }
  };
  try {
    let response = await connection.request(method, target.requestUri, headers);
    let auth: RtspAuthUsed = "none";
    for (let attempt = 0; response.status === 401 && target.credentials && attempt < 2; attempt += 1) {
      const challenge = chooseChallenge(
        parseAuthChallenges(response.message.headers.get("www-authenticate") ?? []),
      );
      if (!challenge) {
        throw new StreamCheckError(
          "auth_failed",
          "the camera asks for an authentication scheme we do not support",
        );
      }
      if (attempt === 1 && !(challenge.scheme === "digest" && challenge.stale)) break;
      auth = challenge.scheme;
      response = await send({
        Authorization: authorizationHeader(challenge, target.credentials, method, target.requestUri),
      });
    }
    assertSuccess(response, target, policy);
    return { response, auth, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    connection.close();
  }
}

function assertSuccess(
  response: RtspResponse,
  target: Target,
  policy: { allowUnauthenticated: boolean },
): void {
  const { status } = response;
  if (status >= 200 && status < 300) return;
  if (status === 401 && policy.allowUnauthenticated && !target.credentials) return;
  const details = { status, reason: response.reason };
  if (status === 401 || status === 403) {
    const why = target.credentials
      ? "the camera rejected the credentials"
      : "the camera requires credentials";
    throw new StreamCheckError("auth_failed", `${why} (${status} ${response.reason})`, { details });
  }
  if (status === 404)
    throw new StreamCheckError("not_found", `no stream at this path (404 ${response.reason})`, { details });
  throw new StreamCheckError("bad_response", `the camera answered ${status} ${response.reason}`, { details });
}
