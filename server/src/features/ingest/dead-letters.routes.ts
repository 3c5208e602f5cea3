import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import { platesRuntimeOf } from "../plates/plates-runtime.js";
import { deadLetterResponse, deadLettersResponse, replayOutcomeResponse } from "./dead-letters.responses.js";
import { replayDeadLetter } from "./dead-letters.service.js";
import * as sql from "./dead-letters.sql.js";

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const listQuery = z.strictObject({
  status: z.enum(["new", "replayed", "discarded"]).optional(),
  reason: z
    .string()
    .regex(/^[a-z_]{1,40}$/, "a reason code such as unknown_device")
    .optional(),
  beforeId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const summaryView = (r: sql.DeadLetterSummary) => ({
  id: r.id,
  receivedAt: r.received_at.toISOString(),
  lastReceivedAt: r.last_received_at.toISOString(),
  occurrences: r.occurrences,
  format: r.format,
  reasonCode: r.reason_code,
  message: r.message,
  messageZh: r.message_zh,
  field: r.field,
  sourceIp: r.source_ip,
  deviceHint: r.device_hint,
  pushedBy: r.auth_actor,
  contentType: r.content_type,
  payloadSize: r.payload_size,
  payloadTruncated: r.payload_truncated,
  status: r.status,
  replayedAt: r.replayed_at?.toISOString() ?? null,
  replayedBy: r.replayed_by,
  replayResult: r.replay_result,
});

/** Payloads that could not be ingested: listed for admins, payload views audited, replayable. */
export function registerDeadLetterRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const read = { access: "permission", permission: "deadletters:read", scope: "global" } as const;

  routes.add({
    method: "get",
    path: "/api/v1/ingest/dead-letters",
    summary: "Dead letters (newest first), without payloads",
    tags: ["ingest"],
    policy: read,
    query: listQuery,
    response: deadLettersResponse,
    handler: async ({ query }) => {
      const rows = await sql.selectDeadLetters(deps.pool, {
        status: query.status ?? null,
        reason: query.reason ?? null,
        beforeId: query.beforeId ?? null,
        limit: query.limit,
      });
      const page = rows.slice(0, query.limit);
      return {
        deadLetters: page.map(summaryView),
        nextBeforeId: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/ingest/dead-letters/:id",
    summary:
      "One dead letter with its headers (credentials never stored); the payload itself is a separate, audited call",
    tags: ["ingest"],
    policy: read,
    params: idParams,
    response: deadLetterResponse,
    handler: async ({ params }) => {
      const row = await sql.selectDeadLetter(deps.pool, params.id);
      if (!row) throw notFound("Dead letter", String(params.id));
      return { ...summaryView(row), headers: row.headers };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/ingest/dead-letters/:id/payload",
    summary: "The stored payload bytes (may contain plates: every view is audited)",
    tags: ["ingest"],
    policy: read,
    params: idParams,
    handler: async ({ req, res, params }) => {
      const row = await sql.selectDeadLetter(deps.pool, params.id);
      if (!row) throw notFound("Dead letter", String(params.id));
      await recordAudit(deps.pool, {
        ...auditSource(req),
        action: "ingest.dead_letter_view",
        targetType: "ingest_dead_letter",
        targetId: String(params.id),
        details: { bytes: row.payload.length },
      });
      // Served as an opaque download so a browser never renders vendor content.
      res.setHeader("Content-Type", "application/octet-stream");
      res.setHeader("Content-Disposition", `attachment; filename="dead-letter-${params.id}.bin"`);
      res.setHeader("X-Original-Content-Type", (row.content_type ?? "").replace(/[^\x20-\x7e]/g, ""));
      res.status(200).end(row.payload);
      return undefined;
    },
  });

  routes.add({
    method: "post",
    path: "/api/v1/ingest/dead-letters/:id/replay",
    summary: "Replay a dead letter after fixing its cause (e.g. registering the device); audited",
    tags: ["ingest"],
    policy: { access: "permission", permission: "deadletters:replay", scope: "global" },
    params: idParams,
    response: replayOutcomeResponse,
    handler: async ({ req, params }) => {
      const runtime = platesRuntimeOf(deps);
      const source = auditSource(req);
      return replayDeadLetter(deps.pool, runtime.ingest, params.id, {
        ...source,
        userId: source.actorUserId,
      });
    },
  });
}
