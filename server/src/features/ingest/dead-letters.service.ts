import { createHash } from "node:crypto";
import type { Pool, Queryable } from "../../db/pool.js";
import { conflict, notFound } from "../../http/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import type { IngestRequest, IngestResult } from "../plates/plate-ingest.service.js";
import * as sql from "./dead-letters.sql.js";

/** Reasons the server adds to the plate library's parse error codes. */
export const serverDeadLetterReasons = {
  unknown_device: {
    en: "No plate device is registered for this device id and channel.",
    "zh-CN": "未登记该设备编号和通道的识别设备。",
  },
  device_disabled: { en: "The plate device is disabled.", "zh-CN": "该识别设备已停用。" },
  parser_failed: {
    en: "The parser failed unexpectedly; the payload is kept for replay after a fix.",
    "zh-CN": "解析程序意外出错；原始数据已保存，修复后可重放。",
  },
  store_failed: {
    en: "The read could not be stored (server error); it is kept here for replay.",
    "zh-CN": "识别记录未能保存（服务器错误）；已保存在此，可重放。",
  },
} as const;
export type ServerDeadLetterReason = keyof typeof serverDeadLetterReasons;

export interface DeadLetterReason {
  code: string;
  message: string;
  messageZh: string;
  field?: string | undefined;
}

// Never stored: whatever authenticates a caller.
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-csrf-token",
  "x-api-key",
]);

/** Request headers worth keeping for diagnosis: no credentials, bounded size. */
export function headersWithoutSecrets(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers).slice(0, 60)) {
    if (value === undefined || SECRET_HEADERS.has(name.toLowerCase())) continue;
    kept[name.toLowerCase()] = (Array.isArray(value) ? value.join(", ") : value).slice(0, 500);
  }
  return kept;
}

export interface NewDeadLetter {
  request: Omit<IngestRequest, "principal" | "strict" | "replayOf"> & { actor: string };
  reason: DeadLetterReason;
  maxPayloadBytes: number;
}

/** Stores a payload that could not be ingested (size-capped); returns its id. */
export async function recordDeadLetter(db: Queryable, letter: NewDeadLetter): Promise<number> {
  const { request, reason } = letter;
  const truncated = request.body.length > letter.maxPayloadBytes;
  const stored = await sql.upsertDeadLetter(db, {
    receivedAt: request.receivedAt,
    format: request.format.slice(0, 40),
    reasonCode: reason.code,
    message: reason.message,
    messageZh: reason.messageZh,
    field: reason.field ?? null,
    sourceIp: request.sourceIp,
    deviceHint: request.deviceHint,
    authActor: request.actor,
    contentType: request.contentType || null,
    headers: headersWithoutSecrets(request.headers),
    payload: truncated ? request.body.subarray(0, letter.maxPayloadBytes) : request.body,
    payloadSize: request.body.length,
    payloadTruncated: truncated,
    payloadSha256: createHash("sha256").update(request.body).digest("hex"),
  });
  return stored.id;
}

/** The seam to the plate pipeline: replays go through exactly the path live pushes take. */
export interface PayloadIngester {
  ingest(request: IngestRequest): Promise<IngestResult>;
}

export interface ReplayOutcome {
  id: number;
  ok: boolean;
  stored: number;
  duplicates: number;
  /** When it failed again: why (the letter stays open with this reason). */
  error: { code: string; message: string } | null;
}

export interface ReplayActor {
  userId: number | null;
  actor: string;
  requestId?: string | null;
  ip?: string | null;
}

/**
 * Runs a dead letter through ingest again, with its original receive time (so capture-time
 * plausibility is judged as it was) and with the replaying administrator's authority. A
 * success marks it replayed; a failure updates the reason and leaves it open. Audited.
 */
export async function replayDeadLetter(
  pool: Pool,
  ingester: PayloadIngester,
  id: number,
  by: ReplayActor,
): Promise<ReplayOutcome> {
  const letter = await sql.selectDeadLetter(pool, id);
  if (!letter) throw notFound("Dead letter", String(id));
  if (letter.status !== "new")
    throw conflict("already_replayed", `Dead letter ${id} was already ${letter.status}.`);
  if (letter.payload_truncated) {
    throw conflict(
      "payload_truncated",
      `Dead letter ${id} was larger than the stored cap (${letter.payload_size} bytes) and cannot be replayed; ask the sender to resend.`,
    );
  }
  const result = await ingester.ingest({
    format: letter.format,
    body: letter.payload,
    contentType: letter.content_type ?? "",
    headers: letter.headers,
    sourceIp: letter.source_ip,
    receivedAt: letter.received_at,
    deviceHint: letter.device_hint,
    principal: { kind: "replay", actor: by.actor },
    strict: false,
    replayOf: id,
  });
  const outcome: ReplayOutcome =
    result.kind === "stored"
      ? {
          id,
          ok: true,
          stored: result.outcomes.filter((o) => !o.duplicate).length,
          duplicates: result.outcomes.filter((o) => o.duplicate).length,
          error: null,
        }
      : {
          id,
          ok: false,
          stored: 0,
          duplicates: 0,
          error: { code: result.reason.code, message: result.reason.message },
        };
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    if (outcome.ok) await sql.markReplayed(client, id, by.actor, outcome);
    else await sql.recordFailedReplay(client, id, by.actor, outcome.error!);
    await recordAudit(client, {
      actorUserId: by.userId,
      actor: by.actor,
      action: "ingest.dead_letter_replay",
      targetType: "ingest_dead_letter",
      targetId: String(id),
      requestId: by.requestId ?? null,
      ip: by.ip ?? null,
      details: {
        ok: outcome.ok,
        stored: outcome.stored,
        duplicates: outcome.duplicates,
        error: outcome.error,
        format: letter.format,
      },
    });
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return outcome;
}

/** Replays every open dead letter with this id and/or reason, oldest first (CLI). */
export async function replayDeadLetters(
  pool: Pool,
  ingester: PayloadIngester,
  filter: { id: number | null; reason: string | null },
  by: ReplayActor,
  onEach?: (outcome: ReplayOutcome) => void,
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  for (const id of await sql.selectReplayableIds(pool, filter)) {
    const outcome = await replayDeadLetter(pool, ingester, id, by).catch(
      (error: { code?: string; message?: string }): ReplayOutcome => ({
        id,
        ok: false,
        stored: 0,
        duplicates: 0,
        error: { code: error.code ?? "replay_failed", message: error.message ?? String(error) },
      }),
    );
    onEach?.(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}
