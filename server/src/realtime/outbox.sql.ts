import type { Queryable } from "../db/pool.js";

/** Wakes relays when a sequencer has published new seqs; the payload is the last seq. */
export const SEQUENCED_CHANNEL = "gridops_outbox_seq";

export interface OutboxInsert {
  topic: string;
  cell_code: string | null;
  camera_id: string | null;
  roles: string[];
  audience: string[];
  payload: unknown;
}

export interface InsertedOutboxRow {
  id: number;
  cell_code: string | null;
  has_path: boolean;
}

/**
 * Inserts the events in the caller's transaction, copying each cell's path. Rows naming a cell
 * that does not exist are not inserted (the caller reports them). No NOTIFY here: a notifying
 * transaction holds a database-wide lock through its commit, which serialises every producer's
 * commit (decision 0074); producers wake their own process's relay after commit instead.
 */
export async function insertOutboxRows(
  db: Queryable,
  rows: readonly OutboxInsert[],
): Promise<InsertedOutboxRow[]> {
  const { rows: inserted } = await db.query<InsertedOutboxRow>(
    `WITH given AS (
       SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
         AS (topic text, cell_code text, camera_id text, roles text[], audience text[], payload jsonb))
         WITH ORDINALITY AS e(topic, cell_code, camera_id, roles, audience, payload, ord)
     ), ins AS (
       INSERT INTO outbox (topic, cell_code, cell_path, camera_id, roles, audience, payload)
       SELECT g.topic, g.cell_code, c.path, g.camera_id, g.roles, g.audience, g.payload
         FROM given g LEFT JOIN cells c ON c.code = g.cell_code
        WHERE g.cell_code IS NULL OR c.code IS NOT NULL
        ORDER BY g.ord
       RETURNING id, cell_code, cell_path IS NOT NULL AS has_path
     )
     SELECT * FROM ins ORDER BY id`,
    [JSON.stringify(rows)],
  );
  return inserted;
}

export interface SequenceResult {
  /** False when another process holds the sequencer lock (it will publish and notify). */
  locked: boolean;
  assigned: number;
  lastSeq: number;
}

/**
 * Gives committed, unsequenced rows the next seqs in id order and NOTIFYs the sequenced
 * channel: one call of `outbox_sequence` (migration 009), so one round trip. On the pool it is
 * its own transaction; inside a caller's transaction the lock is held until that commits.
 */
export async function sequencePending(db: Queryable, limit: number): Promise<SequenceResult> {
  const { rows } = await db.query<{ locked: boolean; assigned: number; last_seq: number }>(
    "SELECT locked, assigned, last_seq FROM outbox_sequence($1)",
    [limit],
  );
  const result = rows[0]!;
  return { locked: result.locked, assigned: result.assigned, lastSeq: result.last_seq };
}

export interface OutboxRow {
  seq: number;
  topic: string;
  cell_code: string | null;
  cell_path: string[] | null;
  camera_id: string | null;
  roles: string[];
  audience: string[];
  payload: unknown;
  created_at: Date;
}

const rowColumns = "seq, topic, cell_code, cell_path, camera_id, roles, audience, payload, created_at";

/** Published rows after a position, in seq order. Published seqs are a gapless prefix, so no upper bound is needed. */
export async function selectPublishedAfter(
  db: Queryable,
  after: number,
  limit: number,
): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(
    `SELECT ${rowColumns} FROM outbox WHERE seq > $1::bigint ORDER BY seq LIMIT $2`,
    [after, limit],
  );
  return rows;
}

export async function selectLastSeq(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ last_seq: number }>("SELECT last_seq FROM outbox_position");
  return rows[0]?.last_seq ?? 0;
}

export interface CatchUpFilter {
  after: number;
  upTo: number;
  cellCodes: string[];
  cameraIds: string[];
  roles: string[];
  permissions: string[];
  limit: number;
}

export interface CatchUpPage {
  /** The oldest seq still kept (last_seq + 1 when nothing is kept): `after` must be at least this − 1. */
  oldestKept: number;
  rows: OutboxRow[];
}

/**
 * One page of what a client missed, filtered by the same rules as live delivery. The window
 * check and the page come from one statement, so one snapshot: retention cannot slip between.
 */
export async function selectCatchUpPage(db: Queryable, f: CatchUpFilter): Promise<CatchUpPage> {
  const { rows } = await db.query<OutboxRow & { oldest_kept: number }>(
    `WITH w AS (
       SELECT COALESCE((SELECT min(seq) FROM outbox WHERE seq IS NOT NULL),
                       (SELECT last_seq + 1 FROM outbox_position)) AS oldest_kept
     )
     SELECT w.oldest_kept, o.* FROM w LEFT JOIN LATERAL (
       SELECT ${rowColumns} FROM outbox
        WHERE seq > $1::bigint AND seq <= $2::bigint
          AND audience <@ $6::text[]
          AND (cell_path && $3::text[] OR camera_id = ANY ($4::text[]) OR roles && $5::text[])
        ORDER BY seq LIMIT $7
     ) o ON true
     ORDER BY o.seq`,
    [f.after, f.upTo, f.cellCodes, f.cameraIds, f.roles, f.permissions, f.limit],
  );
  const oldestKept = rows[0]?.oldest_kept ?? f.after + 1;
  return { oldestKept, rows: rows.filter((r) => r.seq !== null) };
}

/** Deletes published rows older than the retention window; unpublished rows are never deleted. */
export async function deletePublishedBefore(db: Queryable, olderThanHours: number): Promise<number> {
  const { rowCount } = await db.query(
    "DELETE FROM outbox WHERE seq IS NOT NULL AND sequenced_at < now() - $1::double precision * interval '1 hour'",
    [olderThanHours],
  );
  return rowCount ?? 0;
}

export async function selectCameraCell(
  db: Queryable,
  cameraId: string,
): Promise<{ found: boolean; cellCode: string | null }> {
  const { rows } = await db.query<{ cell_code: string | null }>(
    "SELECT cell_code FROM cameras WHERE id = $1",
    [cameraId],
  );
  return { found: rows.length > 0, cellCode: rows[0]?.cell_code ?? null };
}
