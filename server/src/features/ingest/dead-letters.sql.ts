import type { Queryable } from "../../db/pool.js";

export interface DeadLetterInsert {
  receivedAt: Date;
  format: string;
  reasonCode: string;
  message: string;
  messageZh: string;
  field: string | null;
  sourceIp: string | null;
  deviceHint: string | null;
  authActor: string;
  contentType: string | null;
  headers: Record<string, string>;
  payload: Buffer;
  payloadSize: number;
  payloadTruncated: boolean;
  payloadSha256: string;
}

/**
 * Stores a dead letter; the same payload in the same format while still unresolved only
 * counts another occurrence (devices retry), and keeps the newest reason.
 */
export async function upsertDeadLetter(
  db: Queryable,
  d: DeadLetterInsert,
): Promise<{ id: number; occurrences: number }> {
  const { rows } = await db.query<{ id: number; occurrences: number }>(
    `INSERT INTO ingest_dead_letters (received_at, last_received_at, format, reason_code, message, message_zh, field,
        source_ip, device_hint, auth_actor, content_type, headers, payload, payload_size, payload_truncated, payload_sha256)
     VALUES ($1, $1, $2, $3, $4, $5, $6, $7::inet, $8, $9, $10, $11::jsonb, $12, $13, $14, $15)
     ON CONFLICT (format, payload_sha256) WHERE status = 'new' DO UPDATE SET
        occurrences = ingest_dead_letters.occurrences + 1, last_received_at = excluded.last_received_at,
        reason_code = excluded.reason_code, message = excluded.message, message_zh = excluded.message_zh,
        field = excluded.field
     RETURNING id, occurrences`,
    [
      d.receivedAt,
      d.format,
      d.reasonCode,
      d.message.slice(0, 2000),
      d.messageZh.slice(0, 2000),
      d.field?.slice(0, 200) ?? null,
      d.sourceIp,
      d.deviceHint?.slice(0, 200) ?? null,
      d.authActor,
      d.contentType?.slice(0, 300) ?? null,
      JSON.stringify(d.headers),
      d.payload,
      d.payloadSize,
      d.payloadTruncated,
      d.payloadSha256,
    ],
  );
  return rows[0]!;
}

export interface DeadLetterSummary {
  id: number;
  received_at: Date;
  last_received_at: Date;
  occurrences: number;
  format: string;
  reason_code: string;
  message: string;
  message_zh: string;
  field: string | null;
  source_ip: string | null;
  device_hint: string | null;
  auth_actor: string;
  content_type: string | null;
  payload_size: number;
  payload_truncated: boolean;
  status: string;
  replayed_at: Date | null;
  replayed_by: string | null;
  replay_result: unknown;
}

const SUMMARY_COLUMNS = `id, received_at, last_received_at, occurrences, format, reason_code, message, message_zh, field,
  host(source_ip) AS source_ip, device_hint, auth_actor, content_type, payload_size, payload_truncated, status,
  replayed_at, replayed_by, replay_result`;

export async function selectDeadLetters(
  db: Queryable,
  q: { status: string | null; reason: string | null; beforeId: number | null; limit: number },
): Promise<DeadLetterSummary[]> {
  const { rows } = await db.query<DeadLetterSummary>(
    `SELECT ${SUMMARY_COLUMNS} FROM ingest_dead_letters
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR reason_code = $2) AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [q.status, q.reason, q.beforeId, q.limit + 1],
  );
  return rows;
}

export interface DeadLetterFull extends DeadLetterSummary {
  headers: Record<string, string>;
  payload: Buffer;
  received_at: Date;
}

export async function selectDeadLetter(
  db: Queryable,
  id: number,
  lock = false,
): Promise<DeadLetterFull | null> {
  const { rows } = await db.query<DeadLetterFull>(
    `SELECT ${SUMMARY_COLUMNS}, headers, payload FROM ingest_dead_letters WHERE id = $1${lock ? " FOR UPDATE" : ""}`,
    [id],
  );
  return rows[0] ?? null;
}

export async function selectReplayableIds(
  db: Queryable,
  q: { id: number | null; reason: string | null },
): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM ingest_dead_letters
      WHERE status = 'new' AND ($1::bigint IS NULL OR id = $1) AND ($2::text IS NULL OR reason_code = $2)
      ORDER BY id`,
    [q.id, q.reason],
  );
  return rows.map((r) => r.id);
}

export async function markReplayed(db: Queryable, id: number, by: string, result: unknown): Promise<void> {
  await db.query(
    `UPDATE ingest_dead_letters SET status = 'replayed', replayed_at = now(), replayed_by = $2, replay_result = $3::jsonb WHERE id = $1`,
    [id, by, JSON.stringify(result)],
  );
}

/** A failed replay keeps the letter open with the new reason. */
export async function recordFailedReplay(
  db: Queryable,
  id: number,
  by: string,
  result: { code: string; message: string },
): Promise<void> {
  await db.query(
    `UPDATE ingest_dead_letters SET replayed_at = now(), replayed_by = $2, replay_result = $3::jsonb,
            reason_code = $4, message = left($5, 2000) WHERE id = $1`,
    [id, by, JSON.stringify({ ok: false, ...result }), result.code, result.message],
  );
}
