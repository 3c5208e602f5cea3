import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { isPlateFormat } from "@gridops/camera-adapters/plates/index";
import type { AppDeps } from "../../app-deps.js";
import { AppError, bodyOf } from "../../http/errors.js";
import { authFromBearerToken } from "../auth/auth.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import { sendIngestResult } from "./plate-ingest.routes.js";
import { platesRuntimeOf } from "./plates-runtime.js";

export const PLATE_INGEST_PREFIX = "/api/v1/ingest/plates/";
const PREFIX = PLATE_INGEST_PREFIX;
const ROUTE = "/api/v1/ingest/plates/:format";
/** Same cap as the Express route's body parser (INGEST_BODY_LIMIT, 17 MiB). */
const MAX_BODY = 17 * 1024 * 1024;

interface Target {
  format: string;
  device: string | null;
  strict: boolean;
  token: string;
  contentType: string;
  length: number;
}

/**
 * Decision 0109: the common plate push (POST with a bearer token, a known format, a sized
 * body) answered before Express. Express's per-request machinery, helmet and the request
 * log cost more than the ingest work itself; this path does what the route does for such a
 * push (token with plates:ingest, same PlateIngest, same answers and error bodies, request
 * id, HTTP metrics) and nothing else. Anything else, including every case that ends in an
 * error before the body is read (bad token, missing permission, unknown format or query,
 * no Content-Type or Content-Length), goes to Express untouched and is answered there.
 * Off when GRIDOPS_TRUST_PROXY is on (client addresses then come from Express's proxy rules).
 */
export function withPlateIngestListener(deps: AppDeps, app: RequestListener): RequestListener {
  if (deps.config.trustProxy) return app;
  return (req, res) => {
    const target = fastTarget(req);
    if (!target) {
      app(req, res);
      return;
    }
    void handle(deps, app, req, res, target);
  };
}

function fastTarget(req: IncomingMessage): Target | null {
  const url = req.url ?? "";
  if (req.method !== "POST" || !url.startsWith(PREFIX)) return null;
  const q = url.indexOf("?");
  const format = url.slice(PREFIX.length, q < 0 ? undefined : q);
  if (!isPlateFormat(format)) return null;
  const query = q < 0 ? null : simpleQuery(url.slice(q + 1));
  if (q >= 0 && !query) return null;
  const authorization = req.headers.authorization ?? "";
  const contentType = req.headers["content-type"];
  const length = Number(req.headers["content-length"] ?? Number.NaN);
  if (!/^bearer /i.test(authorization) || !contentType || req.headers["transfer-encoding"]) return null;
  if (!Number.isInteger(length) || length < 0 || length > MAX_BODY) return null;
  return {
    format,
    device: query?.device ?? null,
    strict: query?.strict === "1" || query?.strict === "true",
    token: authorization.slice(7).trim(),
    contentType,
    length,
  };
}

/** `?device=…&strict=…` as the route's query schema accepts them; null for anything else. */
function simpleQuery(text: string): { device?: string; strict?: string } | null {
  const params = new URLSearchParams(text);
  const out: { device?: string; strict?: string } = {};
  for (const [key, raw] of params) {
    if (key === "device" && out.device === undefined) {
      const device = raw.trim();
      if (device.length < 1 || device.length > 128) return null;
      out.device = device;
    } else if (key === "strict" && out.strict === undefined && ["1", "true", "0", "false"].includes(raw)) {
      out.strict = raw;
    } else return null;
  }
  return out;
}

async function handle(
  deps: AppDeps,
  app: RequestListener,
  req: IncomingMessage,
  res: ServerResponse,
  target: Target,
): Promise<void> {
  const started = process.hrtime.bigint();
  let auth: AuthContext | null;
  try {
    auth = await authFromBearerToken(deps.pool, target.token);
  } catch {
    auth = null; // Express repeats the lookup and reports the failure its own way.
  }
  // Nothing read yet: the body waits in the socket for Express, which answers 401/403 itself.
  if (!auth?.permissions.has("plates:ingest")) {
    app(req, res);
    return;
  }
  const given = req.headers["x-request-id"];
  const requestId = typeof given === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
  res.setHeader("x-request-id", requestId);
  res.setHeader("x-content-type-options", "nosniff");
  try {
    const body = bufferedBody(req, target.length) ?? (await readBody(req, target.length));
    const result = await platesRuntimeOf(deps).ingest.ingest({
      format: target.format,
      body,
      contentType: target.contentType,
      headers: req.headers,
      sourceIp: req.socket.remoteAddress ?? null,
      receivedAt: new Date(),
      deviceHint: target.device,
      principal: { kind: "token", actor: auth.actor, cellCodes: auth.cellCodes, cameraIds: auth.cameraIds },
      strict: target.strict,
    });
    sendIngestResult(res, result, target.strict);
  } catch (error) {
    sendError(deps, res, error, requestId);
  } finally {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    deps.metrics.httpDuration.observe(
      { method: "POST", route: ROUTE, status: String(res.statusCode) },
      seconds,
    );
    if (deps.log.isLevelEnabled("debug"))
      deps.log.debug(
        {
          requestId,
          method: "POST",
          path: req.url,
          status: res.statusCode,
          ms: Math.round(seconds * 1e4) / 10,
          actor: auth.actor,
        },
        "request",
      );
  }
}

/**
 * The body when all of it is already buffered, else null. A push small enough to arrive with
 * its headers has been parsed whole by the time the token is checked; taking it with one
 * read() skips switching the stream to flowing mode and the listeners and ticks that costs.
 */
function bufferedBody(req: IncomingMessage, length: number): Buffer | null {
  if (!req.complete || req.readableLength !== length) return null;
  if (length === 0) return Buffer.alloc(0);
  const body: unknown = req.read();
  return Buffer.isBuffer(body) && body.length === length ? body : null;
}

function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > length) {
        req.destroy();
        reject(new AppError(400, "bad_request", "The body is longer than its Content-Length."));
      } else chunks.push(chunk);
    });
    req.on("end", () =>
      received === length
        ? resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received))
        : reject(new AppError(400, "bad_request", "The body is shorter than its Content-Length.")),
    );
    req.on("error", reject);
  });
}

function sendError(deps: AppDeps, res: ServerResponse, error: unknown, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const known = error instanceof AppError ? error : null;
  if (!known || known.status >= 500) deps.log.error({ err: error, requestId }, "plate push failed");
  const status = known?.status ?? 500;
  const body = known
    ? bodyOf(known)
    : {
        error: {
          code: "internal_error",
          message: `Something went wrong on our side (request ${requestId}).`,
        },
      };
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
