import type { Queryable } from "../../db/pool.js";

/** One read ready to store: every column of plate_reads, id pre-assigned. */
export interface ReadRow {
  id: number;
  captured_at: string;
  received_at: string;
  plate_text: string;
  plate_raw: string;
  plate_colour: string;
  plate_valid: boolean;
  plate_kind: string;
  confidence: number | null;
  format: string;
  device_id: number;
  camera_id: string;
  checkpoint_id: string | null;
  lane: number | null;
  direction: string | null;
  vehicle_type: string | null;
  vehicle_colour: string | null;
  cell_code: string | null;
  cell_path: string[] | null;
  vendor_event_id: string | null;
  images: unknown[];
  details: Record<string, unknown>;
  flags: string[];
}

export interface ImageRow {
  sha256: string;
  mime: string;
  content: Buffer;
  lastCapturedAt: Date;
}

export async function allocateReadIds(db: Queryable, count: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    "SELECT nextval('plate_reads_id_seq') AS id FROM generate_series(1, $1::int)",
    [count],
  );
  return rows.map((r) => r.id);
}

/** Creates the UTC-day partitions (YYYY-MM-DD) that are missing; returns how many were made. */
export async function ensureReadPartitions(db: Queryable, days: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ created: number }>(
    "SELECT count(*) FILTER (WHERE plate_reads_ensure_partition(d))::int AS created FROM unnest($1::date[]) AS d",
    [days],
  );
  return rows[0]?.created ?? 0;
}

/** Stores pictures once by hash; a picture seen again only moves its last_captured_at. */
export async function upsertImages(db: Queryable, images: readonly ImageRow[]): Promise<void> {
  if (images.length === 0) return;
  const sorted = [...images].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  await db.query(
    `INSERT INTO plate_images (sha256, mime, size_bytes, content, last_captured_at)
     SELECT sha, mime, octet_length(content), content, last_at
       FROM unnest($1::text[], $2::text[], $3::bytea[], $4::timestamptz[]) AS u(sha, mime, content, last_at)
     ON CONFLICT (sha256) DO UPDATE SET last_captured_at = greatest(plate_images.last_captured_at, excluded.last_captured_at)`,
    [
      sorted.map((i) => i.sha256),
      sorted.map((i) => i.mime),
      sorted.map((i) => i.content),
      sorted.map((i) => i.lastCapturedAt),
    ],
  );
}

/**
 * Stores the reads that are not duplicates of a stored read (same device and plate within
 * the window, or same device and vendor event id) and says, for each input row, which stored
 * read it duplicates (null: it was inserted). One statement (plate_reads_store, migrations
 * 010 and 013): transaction-scoped advisory locks on the batch's duplicate keys (`keys`,
 * sorted, so two batches never deadlock; whoever holds a key sees every read committed under
 * it), then the checks and the insert. On the pool it is its own transaction, committed when
 * it returns (decision 0140); on a client inside BEGIN it is part of that transaction.
 */
export async function storeReads(
  db: Queryable,
  rows: readonly ReadRow[],
  windowMs: number,
  keys: readonly [number, number][],
): Promise<{ id: number; existing_id: number | null }[]> {
  if (rows.length === 0) return [];
  const [first, last] = capturedRange(rows);
  const { rows: out } = await db.query<{ id: number; existing_id: number | null }>({
    // Named: this call is parsed once per connection. The function's own statements are planned
    // afresh on every call (force_custom_plan), with the batch's day ranges (decision 0142).
    name: "plate_reads_store",
    text: `SELECT id, existing_id FROM plate_reads_store($1::json, $2::bigint, $3::int[], $4::int[],
             $5::timestamptz, $6::timestamptz, $7::timestamptz, $8::timestamptz)`,
    values: [
      JSON.stringify(rows),
      windowMs,
      keys.map((k) => k[0]),
      keys.map((k) => k[1]),
      // Where an event-id duplicate can be: a day (or the window, if wider) either side.
      ...around(first, last, Math.max(DAY_MS, windowMs)),
      // Where a plate-window duplicate can be: usually one day partition, not three.
      ...around(first, last, windowMs),
    ],
  });
  return out;
}

const DAY_MS = 86_400_000;

/** The earliest and latest captured_at of the batch (ms). */
function capturedRange(rows: readonly ReadRow[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const t = Date.parse(row.captured_at);
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return [min, max];
}

function around(first: number, last: number, reach: number): [string, string] {
  return [new Date(first - reach).toISOString(), new Date(last + reach).toISOString()];
}
