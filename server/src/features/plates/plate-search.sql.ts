import type { Queryable } from "../../db/pool.js";

export interface ReadFilter {
  scope: readonly string[];
  from: Date;
  to: Date;
  /** Exact normalised plate. */
  plate: string | null;
  /** LIKE pattern (already escaped) for partial and wildcard searches. */
  pattern: string | null;
  checkpointId: string | null;
  cellCode: string | null;
}

export interface FoundRead {
  id: number;
  captured_at: Date;
  plate_text: string;
  plate_raw: string;
  plate_colour: string;
  plate_valid: boolean;
  plate_kind: string;
  confidence: number | null;
  format: string;
  camera_id: string;
  checkpoint_id: string | null;
  lane: number | null;
  direction: string | null;
  vehicle_type: string | null;
  vehicle_colour: string | null;
  cell_code: string | null;
  images: { role: string; sha256?: string; mime?: string; url?: string }[];
  flags: string[];
}

const COLUMNS = `id, captured_at, plate_text, plate_raw, plate_colour, plate_valid, plate_kind, confidence, format, camera_id,
  checkpoint_id, lane, direction, vehicle_type, vehicle_colour, cell_code, images, flags`;

// $1 scope, $2 from, $3 to, $4 plate, $5 pattern, $6 checkpoint, $7 cell, $8/$9 cursor (time, id)
const WHERE = `cell_path && $1::text[] AND captured_at >= $2 AND captured_at < $3
  AND ($4::text IS NULL OR plate_text = $4) AND ($5::text IS NULL OR plate_text LIKE $5 ESCAPE '\\')
  AND ($6::text IS NULL OR checkpoint_id = $6) AND ($7::text IS NULL OR $7 = ANY(cell_path))
  AND ($8::timestamptz IS NULL OR (captured_at, id) < ($8, $9::bigint))`;

/** Reads matching the filter, newest first, live and retained, keyset-paged by (captured_at, id). */
export async function selectReads(
  db: Queryable,
  f: ReadFilter,
  page: { after: { capturedAt: Date; id: number } | null; limit: number },
): Promise<FoundRead[]> {
  const { rows } = await db.query<FoundRead>(
    `(SELECT ${COLUMNS} FROM plate_reads WHERE ${WHERE} ORDER BY captured_at DESC, id DESC LIMIT $10)
     UNION ALL
     (SELECT ${COLUMNS} FROM plate_reads_retained WHERE ${WHERE} ORDER BY captured_at DESC, id DESC LIMIT $10)
     ORDER BY captured_at DESC, id DESC LIMIT $10`,
    [
      f.scope,
      f.from,
      f.to,
      f.plate,
      f.pattern,
      f.checkpointId,
      f.cellCode,
      page.after?.capturedAt ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
  return rows;
}

export interface CountRow {
  checkpoint_id: string | null;
  lane: number | null;
  cell_code: string | null;
  vehicles: number;
}

/** Vehicles per checkpoint and lane in the caller's cells: counts only, never plates. */
export async function selectCounts(
  db: Queryable,
  f: Omit<ReadFilter, "plate" | "pattern">,
): Promise<CountRow[]> {
  const { rows } = await db.query<CountRow>(
    `SELECT checkpoint_id, lane, min(cell_code) AS cell_code, count(*)::int AS vehicles
       FROM plate_reads
      WHERE cell_path && $1::text[] AND captured_at >= $2 AND captured_at < $3
        AND ($4::text IS NULL OR checkpoint_id = $4) AND ($5::text IS NULL OR $5 = ANY(cell_path))
      GROUP BY checkpoint_id, lane ORDER BY checkpoint_id NULLS LAST, lane NULLS LAST`,
    [f.scope, f.from, f.to, f.checkpointId, f.cellCode],
  );
  return rows;
}

export async function selectSearchPurposes(
  db: Queryable,
): Promise<{ code: string; name: string; name_en: string }[]> {
  const { rows } = await db.query<{ value: { code: string; name: string; name_en: string }[] }>(
    "SELECT value FROM settings WHERE key = 'plates.search_purposes'",
  );
  return rows[0]?.value ?? [];
}

/** An image, if a read the caller may see (by cell) refers to it. */
export async function selectVisibleImage(
  db: Queryable,
  readId: number,
  sha256: string,
  scope: readonly string[],
) {
  const { rows } = await db.query<{ mime: string; content: Buffer }>(
    `SELECT i.mime, i.content FROM plate_images i
      WHERE i.sha256 = $2 AND EXISTS (
        SELECT 1 FROM (SELECT id, images, cell_path FROM plate_reads WHERE id = $1
                       UNION ALL SELECT id, images, cell_path FROM plate_reads_retained WHERE id = $1) r
         WHERE r.cell_path && $3::text[] AND r.images @> jsonb_build_array(jsonb_build_object('sha256', $2::text)))`,
    [readId, sha256, scope],
  );
  return rows[0] ?? null;
}
