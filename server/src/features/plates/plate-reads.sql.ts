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

/**
 * Takes transaction-scoped advisory locks on the duplicate keys of a batch, in ascending
 * order so two batches never deadlock. Whoever holds a key sees every read committed
 * under it before deciding whether its own read is a duplicate.
 */
export async function lockDedupeKeys(db: Queryable, keys: readonly [number, number][]): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    // unnest yields the arrays in order, so the locks are taken in the caller's (sorted) order.
    "SELECT count(pg_advisory_xact_lock(a, b)) FROM unnest($1::int[], $2::int[]) AS u(a, b)",
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
}

/**
 * Inserts the reads that are not duplicates of a stored read (same device and plate within
 * the window, or same device and vendor event id) and says, for each input row, which
 * stored read it duplicates (null: it was inserted).
 */
export async function insertReadsSkippingDuplicates(
  db: Queryable,
  rows: readonly ReadRow[],
  windowMs: number,
): Promise<{ id: number; existing_id: number | null }[]> {
  if (rows.length === 0) return [];
  const { rows: out } = await db.query<{ id: number; existing_id: number | null }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, captured_at timestamptz, received_at timestamptz,
         plate_text text, plate_raw text, plate_colour text, plate_valid boolean, plate_kind text, confidence real,
         format text, device_id bigint, camera_id text, checkpoint_id text, lane smallint, direction text,
         vehicle_type text, vehicle_colour text, cell_code text, cell_path text[], vendor_event_id text,
         images jsonb, details jsonb, flags text[])
     ), matched AS (
       SELECT i.*, coalesce(
           (SELECT p.id FROM plate_reads p
             WHERE p.device_id = i.device_id AND p.plate_text = i.plate_text
               AND p.captured_at > i.captured_at - $2::bigint * interval '1 millisecond'
               AND p.captured_at < i.captured_at + $2::bigint * interval '1 millisecond'
             ORDER BY p.captured_at LIMIT 1),
           (SELECT p.id FROM plate_reads p
             WHERE i.vendor_event_id IS NOT NULL AND p.device_id = i.device_id AND p.vendor_event_id = i.vendor_event_id
               AND p.captured_at > i.captured_at - interval '1 day' AND p.captured_at < i.captured_at + interval '1 day'
             LIMIT 1)) AS existing_id
         FROM input i
     ), ins AS (
       INSERT INTO plate_reads (id, captured_at, received_at, plate_text, plate_raw, plate_colour, plate_valid, plate_kind,
                                confidence, format, device_id, camera_id, checkpoint_id, lane, direction, vehicle_type,
                                vehicle_colour, cell_code, cell_path, vendor_event_id, images, details, flags)
       SELECT id, captured_at, received_at, plate_text, plate_raw, plate_colour, plate_valid, plate_kind,
              confidence, format, device_id, camera_id, checkpoint_id, lane, direction, vehicle_type,
              vehicle_colour, cell_code, cell_path, vendor_event_id, images, details, flags
         FROM matched WHERE existing_id IS NULL
       RETURNING id
     )
     SELECT m.id, m.existing_id FROM matched m`,
    [JSON.stringify(rows), windowMs],
  );
  return out;
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
