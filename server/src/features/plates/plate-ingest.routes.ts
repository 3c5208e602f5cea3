import type { ServerResponse } from "node:http";
import { plateFormatSchema } from "@gridops/camera-adapters/plates/index";
import type { Request, Response } from "express";
import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { AppError, forbidden } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { DeviceAuthError, type DeviceAuthenticator } from "./device-auth.js";
import type { IngestPrincipal, IngestResult } from "./plate-ingest.service.js";
import { platesRuntimeOf } from "./plates-runtime.js";

/** Largest push accepted over HTTP (the parser's own cap is 16 MiB; multipart overhead on top). */
export const INGEST_BODY_LIMIT = "17mb";

const ingestQuery = z.strictObject({
  device: z.string().trim().min(1).max(128).optional(),
  strict: z.enum(["1", "true", "0", "false"]).optional(),
});

export function registerPlateIngestRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const runtime = platesRuntimeOf(deps);
  routes.add({
    method: "post",
    path: "/api/v1/ingest/plates/:format",
    summary:
      "Vendor plate push (Hikvision ISAPI, Dahua, OpenALPR, Plate Recognizer, Chinese parking, generic, Frigate JSON)",
    tags: ["ingest"],
    policy: {
      access: "public",
      why: "devices authenticate in the handler: API token with plates:ingest, or the device's Basic/Digest credentials",
    },
    params: z.strictObject({ format: plateFormatSchema }),
    query: ingestQuery,
    rawBody: { limit: INGEST_BODY_LIMIT, types: ["*/*"] },
    handler: async ({ req, res, params, query }) => {
      const principal = await principalOf(req, res, runtime.authenticator);
      const contentType = req.get("content-type");
      if (!contentType)
        throw new AppError(415, "unsupported_content_type", "Send a Content-Type header with the push.");
      const result = await runtime.ingest.ingest({
        format: params.format,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        contentType,
        headers: req.headers,
        sourceIp: req.ip ?? null,
        receivedAt: new Date(),
        deviceHint: query.device ?? null,
        principal,
        strict: query.strict === "1" || query.strict === "true",
      });
      sendIngestResult(res, result, query.strict === "1" || query.strict === "true");
      return undefined;
    },
  });
}

async function principalOf(
  req: Request,
  res: Response,
  authenticator: DeviceAuthenticator | null,
): Promise<IngestPrincipal> {
  const auth = req.auth;
  if (auth) {
    if (!auth.permissions.has("plates:ingest"))
      throw forbidden('Pushing plate reads needs the permission "plates:ingest".');
    return { kind: "token", actor: auth.actor, cellCodes: auth.cellCodes, cameraIds: auth.cameraIds };
  }
  const header = req.get("authorization");
  if (!authenticator)
    throw new AppError(
      401,
      "unauthenticated",
      "Send Authorization: Bearer gto_… (device credentials are not configured).",
    );
  try {
    if (!header)
      throw new DeviceAuthError(
        "Authenticate with a Bearer API token or the device's Digest/Basic credentials.",
        authenticator.challenge(),
      );
    const device = await authenticator.verify(header, req.method, req.originalUrl);
    return { kind: "device", actor: `device:${device.username}`, credentialId: device.credentialId };
  } catch (error) {
    if (error instanceof DeviceAuthError) res.setHeader("WWW-Authenticate", error.challenge);
    throw error;
  }
}

/**
 * 200 with one outcome per read when stored (or found to be a duplicate). A payload kept as
 * a dead letter is acknowledged with 202 so vendor retry queues stop resending a payload
 * that will never parse (decision 0103); `?strict=1` answers 422 instead, for integrators.
 */
export function sendIngestResult(res: ServerResponse, result: IngestResult, strict: boolean): void {
  if (result.kind === "stored") {
    const duplicates = result.outcomes.filter((o) => o.duplicate).length;
    sendJson(res, 200, {
      accepted: result.outcomes.length,
      stored: result.outcomes.length - duplicates,
      duplicates,
      reads: result.outcomes,
    });
    return;
  }
  res.setHeader("X-GridOps-Dead-Letter", String(result.deadLetterId));
  const { code, message, ...rest } = result.reason;
  if (strict) throw new AppError(422, code, message, { deadLetterId: result.deadLetterId, ...rest });
  sendJson(res, 202, {
    accepted: 0,
    stored: 0,
    duplicates: 0,
    deadLetter: { id: result.deadLetterId, ...result.reason },
  });
}

/**
 * The answer written straight to the socket: Express's res.json also hashes every body for
 * an ETag, which a push answer (never cached, never conditional) does not need; at thousands
 * of pushes a second that is measurable.
 */
function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}
