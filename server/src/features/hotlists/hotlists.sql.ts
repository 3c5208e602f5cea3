import type { Queryable } from "../../db/pool.js";

export interface LiveEntryRow {
  id: number;
  hotlist_id: number;
  plate_text: string;
  plate_colour: string | null;
  match_level: "exact" | "confusable" | "confusable_plus_one";
  reason_code: string;
  priority: "low" | "normal" | "high" | "urgent";
  expires_at: Date;
}

const LIVE = "e.removed_at IS NULL AND e.expires_at > now() AND h.archived_at IS NULL";

/** Entries that can match now: not removed, not expired, list not archived. */
export async function selectLiveEntries(db: Queryable): Promise<(LiveEntryRow & { updated_at: Date })[]> {
  const { rows } = await db.query<LiveEntryRow & { updated_at: Date }>(
    `SELECT e.id, e.hotlist_id, e.plate_text, e.plate_colour, e.match_level, e.reason_code, e.priority, e.expires_at, e.updated_at
       FROM hotlist_entries e JOIN hotlists h ON h.id = e.hotlist_id WHERE ${LIVE}`,
  );
  return rows;
}

/** Entries changed since `since` (added, edited, removed), each with whether it can match now. */
export async function selectEntriesChangedSince(
  db: Queryable,
  since: Date,
): Promise<(LiveEntryRow & { live: boolean; updated_at: Date })[]> {
  const { rows } = await db.query<LiveEntryRow & { live: boolean; updated_at: Date }>(
    `SELECT e.id, e.hotlist_id, e.plate_text, e.plate_colour, e.match_level, e.reason_code, e.priority, e.expires_at,
            e.updated_at, (${LIVE}) AS live
       FROM hotlist_entries e JOIN hotlists h ON h.id = e.hotlist_id WHERE e.updated_at > $1`,
    [since],
  );
  return rows;
}

/** The subset of `ids` still live at this moment (the in-memory matcher may lag a change). */
/** Live entries by id, with what a hit shows of its entry (the case reference). */
export async function selectLiveEntriesByIds(
  db: Queryable,
  ids: readonly number[],
): Promise<(LiveEntryRow & { case_reference: string })[]> {
  const { rows } = await db.query<LiveEntryRow & { case_reference: string }>(
    `SELECT e.id, e.hotlist_id, e.plate_text, e.plate_colour, e.match_level, e.reason_code, e.priority, e.expires_at,
            e.case_reference
       FROM hotlist_entries e JOIN hotlists h ON h.id = e.hotlist_id WHERE e.id = ANY($1::bigint[]) AND ${LIVE}`,
    [ids],
  );
  return rows;
}

export interface HitInsert {
  readId: number;
  readCapturedAt: string;
  entryId: number;
  hotlistId: number;
  plateText: string;
  listedPlate: string;
  matchLevel: string;
  cameraId: string;
  checkpointId: string | null;
  cellCode: string | null;
  cellPath: string[] | null;
}

export async function insertHits(
  db: Queryable,
  hits: readonly HitInsert[],
): Promise<{ id: number; read_id: number; entry_id: number; created_at: Date }[]> {
  if (hits.length === 0) return [];
  const { rows } = await db.query<{ id: number; read_id: number; entry_id: number; created_at: Date }>(
    `INSERT INTO hotlist_hits (read_id, read_captured_at, entry_id, hotlist_id, plate_text, listed_plate, match_level,
                               camera_id, checkpoint_id, cell_code, cell_path)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("readId" bigint, "readCapturedAt" timestamptz, "entryId" bigint,
       "hotlistId" bigint, "plateText" text, "listedPlate" text, "matchLevel" text, "cameraId" text, "checkpointId" text,
       "cellCode" text, "cellPath" text[])
     ON CONFLICT (read_id, entry_id) DO NOTHING
     RETURNING id, read_id, entry_id, created_at`,
    [JSON.stringify(hits)],
  );
  return rows;
}

/** What opening a hit's incident needs, the hit row locked (a review or a second opener waits). */
export interface HitForIncident {
  id: number;
  incident_id: number | null;
  status: string;
  camera_id: string | null;
  checkpoint_id: string | null;
  priority: "low" | "normal" | "high" | "urgent";
  reason_code: string;
  /** The checkpoint's place, else the camera's; null when neither exists any more. */
  lon: number | null;
  lat: number | null;
}

export async function selectHitForIncident(db: Queryable, id: number): Promise<HitForIncident | null> {
  const { rows } = await db.query<HitForIncident>(
    `SELECT x.id, x.incident_id, x.status, x.camera_id, x.checkpoint_id, e.priority, e.reason_code,
            ST_X(coalesce(k.geom, c.geom)) AS lon, ST_Y(coalesce(k.geom, c.geom)) AS lat
       FROM hotlist_hits x JOIN hotlist_entries e ON e.id = x.entry_id
       LEFT JOIN cameras c ON c.id = x.camera_id LEFT JOIN checkpoints k ON k.id = x.checkpoint_id
      WHERE x.id = $1 FOR UPDATE OF x`,
    [id],
  );
  return rows[0] ?? null;
}

/** Pending hits still without an incident, recorded between `maxAgeSeconds` and `minAgeSeconds` ago. */
export async function selectHitsWithoutIncident(
  db: Queryable,
  q: { minAgeSeconds: number; maxAgeSeconds: number; limit: number },
): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM hotlist_hits
      WHERE incident_id IS NULL AND status = 'pending'
        AND created_at < now() - $1 * interval '1 second' AND created_at > now() - $2 * interval '1 second'
      ORDER BY id LIMIT $3`,
    [q.minAgeSeconds, q.maxAgeSeconds, q.limit],
  );
  return rows.map((r) => r.id);
}

export async function setHitIncident(db: Queryable, hitId: number, incidentId: number): Promise<void> {
  await db.query("UPDATE hotlist_hits SET incident_id = $2 WHERE id = $1", [hitId, incidentId]);
}

// ---------------------------------------------------------------- lists and entries

export interface HotlistRow {
  id: number;
  name: string;
  description: string | null;
  created_by_actor: string;
  created_at: Date;
  archived_at: Date | null;
  live_entries: number;
}

export async function selectHotlists(db: Queryable): Promise<HotlistRow[]> {
  const { rows } = await db.query<HotlistRow>(
    `SELECT h.id, h.name, h.description, h.created_by_actor, h.created_at, h.archived_at,
            (SELECT count(*)::int FROM hotlist_entries e WHERE e.hotlist_id = h.id AND e.removed_at IS NULL AND e.expires_at > now()) AS live_entries
       FROM hotlists h ORDER BY h.id`,
  );
  return rows;
}

export async function insertHotlist(
  db: Queryable,
  h: { name: string; description: string | null; createdBy: number | null; actor: string },
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO hotlists (name, description, created_by, created_by_actor) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO NOTHING RETURNING id`,
    [h.name, h.description, h.createdBy, h.actor],
  );
  return rows[0]?.id ?? null;
}

export async function hotlistExists(db: Queryable, id: number): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM hotlists WHERE id = $1 AND archived_at IS NULL", [id]);
  return rows.length > 0;
}

export async function reasonCodeActive(db: Queryable, code: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM hotlist_reason_codes WHERE code = $1 AND active", [code]);
  return rows.length > 0;
}

export async function selectReasonCodes(db: Queryable) {
  const { rows } = await db.query<{ code: string; name: string; name_en: string }>(
    "SELECT code, name, name_en FROM hotlist_reason_codes WHERE active ORDER BY code",
  );
  return rows;
}

export interface EntryRow {
  id: number;
  hotlist_id: number;
  plate_text: string;
  plate_colour: string | null;
  match_level: string;
  reason_code: string;
  case_reference: string;
  priority: string;
  expires_at: Date;
  note: string | null;
  created_by_actor: string;
  created_at: Date;
  updated_at: Date;
  removed_at: Date | null;
  removed_by_actor: string | null;
}

export interface EntryInsert {
  hotlistId: number;
  plateText: string;
  plateColour: string | null;
  matchLevel: string;
  reasonCode: string;
  caseReference: string;
  priority: string;
  expiresAt: Date;
  note: string | null;
  createdBy: number | null;
  actor: string;
}

export async function insertEntry(db: Queryable, e: EntryInsert): Promise<EntryRow> {
  const { rows } = await db.query<EntryRow>(
    `INSERT INTO hotlist_entries (hotlist_id, plate_text, plate_colour, match_level, reason_code, case_reference, priority,
                                  expires_at, note, created_by, created_by_actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [
      e.hotlistId,
      e.plateText,
      e.plateColour,
      e.matchLevel,
      e.reasonCode,
      e.caseReference,
      e.priority,
      e.expiresAt,
      e.note,
      e.createdBy,
      e.actor,
    ],
  );
  return rows[0]!;
}

export async function selectEntries(
  db: Queryable,
  hotlistId: number,
  includeInactive: boolean,
): Promise<EntryRow[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT * FROM hotlist_entries WHERE hotlist_id = $1 AND ($2 OR (removed_at IS NULL AND expires_at > now())) ORDER BY id`,
    [hotlistId, includeInactive],
  );
  return rows;
}

export async function selectEntry(
  db: Queryable,
  hotlistId: number,
  id: number,
  lock = false,
): Promise<EntryRow | null> {
  const { rows } = await db.query<EntryRow>(
    `SELECT * FROM hotlist_entries WHERE hotlist_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`,
    [hotlistId, id],
  );
  return rows[0] ?? null;
}

export async function updateEntry(
  db: Queryable,
  id: number,
  c: {
    expiresAt?: Date | undefined;
    priority?: string | undefined;
    matchLevel?: string | undefined;
    note?: string | null | undefined;
  },
): Promise<EntryRow> {
  const { rows } = await db.query<EntryRow>(
    `UPDATE hotlist_entries SET expires_at = coalesce($2, expires_at), priority = coalesce($3, priority),
            match_level = coalesce($4, match_level), note = CASE WHEN $5::boolean THEN $6 ELSE note END, updated_at = now()
      WHERE id = $1 RETURNING *`,
    [id, c.expiresAt ?? null, c.priority ?? null, c.matchLevel ?? null, c.note !== undefined, c.note ?? null],
  );
  return rows[0]!;
}

export async function markEntryRemoved(db: Queryable, id: number, actor: string): Promise<void> {
  await db.query(
    "UPDATE hotlist_entries SET removed_at = now(), removed_by_actor = $2, updated_at = now() WHERE id = $1",
    [id, actor],
  );
}

// ---------------------------------------------------------------- hits

export interface HitRow {
  id: number;
  read_id: number;
  read_captured_at: Date;
  entry_id: number;
  hotlist_id: number;
  plate_text: string;
  listed_plate: string;
  match_level: string;
  reason_code: string;
  priority: string;
  case_reference: string;
  camera_id: string | null;
  checkpoint_id: string | null;
  cell_code: string | null;
  incident_id: number | null;
  status: string;
  reviewed_by_actor: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  created_at: Date;
}

const HIT_COLUMNS = `x.id, x.read_id, x.read_captured_at, x.entry_id, x.hotlist_id, x.plate_text, x.listed_plate, x.match_level,
  e.reason_code, e.priority, e.case_reference, x.camera_id, x.checkpoint_id, x.cell_code, x.incident_id, x.status,
  x.reviewed_by_actor, x.reviewed_at, x.review_note, x.created_at`;

export async function selectHits(
  db: Queryable,
  q: { scope: readonly string[]; status: string | null; beforeId: number | null; limit: number },
): Promise<HitRow[]> {
  const { rows } = await db.query<HitRow>(
    `SELECT ${HIT_COLUMNS} FROM hotlist_hits x JOIN hotlist_entries e ON e.id = x.entry_id
      WHERE x.cell_path && $1::text[] AND ($2::text IS NULL OR x.status = $2) AND ($3::bigint IS NULL OR x.id < $3)
      ORDER BY x.id DESC LIMIT $4`,
    [q.scope, q.status, q.beforeId, q.limit + 1],
  );
  return rows;
}

export async function selectHit(db: Queryable, id: number, lock = false): Promise<HitRow | null> {
  const { rows } = await db.query<HitRow>(
    `SELECT ${HIT_COLUMNS} FROM hotlist_hits x JOIN hotlist_entries e ON e.id = x.entry_id WHERE x.id = $1${lock ? " FOR UPDATE OF x" : ""}`,
    [id],
  );
  return rows[0] ?? null;
}

export async function selectHitCell(db: Queryable, id: number): Promise<string | null> {
  const { rows } = await db.query<{ cell_code: string | null }>(
    "SELECT cell_code FROM hotlist_hits WHERE id = $1",
    [id],
  );
  return rows[0]?.cell_code ?? null;
}

export async function setHitReview(
  db: Queryable,
  id: number,
  r: { status: "confirmed" | "dismissed"; userId: number | null; actor: string; note: string | null },
): Promise<void> {
  await db.query(
    `UPDATE hotlist_hits SET status = $2, reviewed_by = $3, reviewed_by_actor = $4, reviewed_at = now(), review_note = $5 WHERE id = $1`,
    [id, r.status, r.userId, r.actor, r.note],
  );
}
