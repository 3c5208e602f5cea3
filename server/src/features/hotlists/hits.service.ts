import { afterCommit, type Pool, type PoolClient, type Queryable, withTransaction } from "../../db/pool.js";
import { conflict, notFound } from "../../http/errors.js";
import type { Logger } from "../../logger.js";
import { type AnyNewEvent, enqueueEvents } from "../../realtime/outbox.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import {
  createIncident,
  getIncident,
  systemActor,
  transitionIncident,
} from "../incidents/incidents.service.js";
import type { PreparedRead, StoredRead } from "../plates/ingest-queue.js";
import type { HotlistMatcherCache } from "./hotlist-matcher-cache.js";
import * as sql from "./hotlists.sql.js";

const HOTLIST_ACTOR = "system:hotlists";

/**
 * The ingest hook: runs inside the batch transaction for the reads just stored (never for
 * duplicates, so a retried push cannot raise a second hit). Candidates from the in-memory
 * matcher are confirmed against the table, the hits inserted and `hotlist.hit` queued for
 * holders of hits:read, all in one statement each per batch, committed with the reads.
 * Each hit's incident is opened after COMMIT in its own short transaction (openHitIncidents):
 * a dozen queries per incident inside the batch held every read of the batch and the hit
 * event back. If the process dies in between, the `hotlists.hit-incidents` job opens it.
 */
export function hotlistHitHook(cache: HotlistMatcherCache, log: Logger, pool: Pool) {
  return async (db: PoolClient, stored: readonly StoredRead[]): Promise<void> => {
    await cache.refreshIfChanged(pool);
    const candidates = stored.flatMap((s) =>
      cache
        .match(s.read.row.plate_text, s.read.row.plate_colour)
        .map((entry) => ({ stored: s, entryId: entry.id })),
    );
    if (candidates.length === 0) return;
    const live = new Map(
      (await sql.selectLiveEntriesByIds(db, [...new Set(candidates.map((c) => c.entryId))])).map((e) => [
        e.id,
        e,
      ]),
    );
    const hits = candidates.flatMap(({ stored: s, entryId }) => {
      const entry = live.get(entryId);
      return entry ? [{ insert: hitInsertOf(s, entry), entry, stored: s }] : [];
    });
    const inserted = await sql.insertHits(
      db,
      hits.map((h) => h.insert),
    );
    if (inserted.length === 0) return;
    const byKey = new Map(hits.map((h) => [`${h.insert.readId}:${h.insert.entryId}`, h]));
    await enqueueEvents(
      db,
      inserted.map((row) => hitEvent(row, byKey.get(`${row.read_id}:${row.entry_id}`)!)),
    );
    const ids = inserted.map((r) => r.id);
    afterCommit(db, () => void openHitIncidents(pool, log, ids));
  };
}

/**
 * The hook's check before a batch is written (decision 0140): does any read match a live
 * entry in memory? No → the batch needs no transaction. The matcher is brought up to date
 * first, on the pool, exactly as the hook does (a change committed before the batch is
 * seen); a candidate sends the batch down the transaction path, where the hook checks again.
 */
export function hotlistMayHit(cache: HotlistMatcherCache, pool: Pool) {
  return async (reads: readonly PreparedRead[]): Promise<boolean> => {
    await cache.refreshIfChanged(pool);
    return reads.some((r) => cache.match(r.row.plate_text, r.row.plate_colour).length > 0);
  };
}

function hitInsertOf(s: StoredRead, entry: sql.LiveEntryRow): sql.HitInsert {
  const row = s.read.row;
  return {
    readId: s.id,
    readCapturedAt: row.captured_at,
    entryId: entry.id,
    hotlistId: entry.hotlist_id,
    plateText: row.plate_text,
    listedPlate: entry.plate_text,
    matchLevel: entry.match_level,
    cameraId: row.camera_id,
    checkpointId: row.checkpoint_id,
    cellCode: row.cell_code,
    cellPath: row.cell_path,
  };
}

type NewHit = { entry: sql.LiveEntryRow & { case_reference: string }; stored: StoredRead };

function hitEvent(inserted: { id: number; created_at: Date }, hit: NewHit): AnyNewEvent {
  const row = hit.stored.read.row;
  const hitId = inserted.id;
  return {
    topic: "hotlist.hit",
    cellCode: row.cell_code,
    ...(row.cell_code ? {} : { cameraId: row.camera_id }),
    requires: "hits:read",
    payload: {
      hitId,
      hotlistId: hit.entry.hotlist_id,
      plate: row.plate_text,
      plateColor: row.plate_colour === "unknown" ? null : row.plate_colour,
      cameraId: row.camera_id,
      checkpointId: row.checkpoint_id,
      cellCode: row.cell_code,
      reasonCode: hit.entry.reason_code,
      readAt: row.captured_at,
      location: hit.stored.read.location,
      hit: newHitView(inserted, hit),
    },
  };
}

/**
 * The hit as GET /hotlist-hits/{id} answers it when it is new (pending, no review), so a hit
 * feed can show it without asking: a request per hit cost the command centre's browser and
 * the server more than drawing it. Its incident is opened after COMMIT (openHitIncidents),
 * so incidentId is null here; the hit read later has it.
 */
function newHitView(inserted: { id: number; created_at: Date }, hit: NewHit): HitView {
  const row = hit.stored.read.row;
  return hitView({
    id: inserted.id,
    read_id: hit.stored.id,
    read_captured_at: new Date(row.captured_at),
    entry_id: hit.entry.id,
    hotlist_id: hit.entry.hotlist_id,
    plate_text: row.plate_text,
    listed_plate: hit.entry.plate_text,
    match_level: hit.entry.match_level,
    reason_code: hit.entry.reason_code,
    priority: hit.entry.priority,
    case_reference: hit.entry.case_reference,
    camera_id: row.camera_id,
    checkpoint_id: row.checkpoint_id,
    cell_code: row.cell_code,
    incident_id: null,
    status: "pending",
    reviewed_by_actor: null,
    reviewed_at: null,
    review_note: null,
    created_at: inserted.created_at,
  });
}

/** Opens the incident of each hit that has none yet; failures are logged, the hits stay. */
export async function openHitIncidents(pool: Pool, log: Logger, hitIds: readonly number[]): Promise<number> {
  let opened = 0;
  for (const hitId of hitIds) {
    try {
      if (await openHitIncident(pool, hitId)) opened += 1;
    } catch (error) {
      log.error({ err: error, hitId }, "hotlist hit recorded but its incident could not be opened");
    }
  }
  return opened;
}

/**
 * One hit's incident in the hit's cell, at its checkpoint (else camera). The hit row is locked
 * first, so two openers (after COMMIT and the job) or an opener and a review never race: a hit
 * with an incident, or already reviewed, is left alone. No plate text in the incident: grid
 * leaders and technicians see incidents, never plates.
 */
async function openHitIncident(pool: Pool, hitId: number): Promise<boolean> {
  return withTransaction(pool, async (db) => {
    const hit = await sql.selectHitForIncident(db, hitId);
    if (!hit || hit.incident_id !== null || hit.status !== "pending") return false;
    if (hit.lon === null || hit.lat === null)
      throw new Error(`hit ${hitId}: its camera and checkpoint are gone`);
    const where = hit.checkpoint_id
      ? `卡口 ${hit.checkpoint_id} / checkpoint ${hit.checkpoint_id}`
      : `摄像机 ${hit.camera_id} / camera ${hit.camera_id}`;
    const created = await createIncident(db, {
      category: "hotlist_hit",
      source: "hotlist_hit",
      sourceRef: `hit:${hitId}`,
      priority: hit.priority,
      location: { lon: hit.lon, lat: hit.lat },
      description: `布控命中 #${hitId}（${where}，事由 ${hit.reason_code}）/ Hotlist hit #${hitId} at ${where}, reason ${hit.reason_code}`,
      cameraId: hit.camera_id,
      reporter: { userId: null, actor: HOTLIST_ACTOR },
    });
    await sql.setHitIncident(db, hitId, created.incident.id);
    return true;
  });
}

/** The job's sweep: hits whose incident was not opened after COMMIT (process died, transient error). */
export async function openMissingHitIncidents(pool: Pool, log: Logger): Promise<number> {
  const ids = await sql.selectHitsWithoutIncident(pool, {
    minAgeSeconds: 30,
    maxAgeSeconds: 3600,
    limit: 500,
  });
  return ids.length ? openHitIncidents(pool, log, ids) : 0;
}

export interface HitView {
  id: number;
  readId: number;
  readCapturedAt: string;
  entryId: number;
  hotlistId: number;
  plate: string;
  listedPlate: string;
  matchLevel: string;
  reasonCode: string;
  priority: string;
  caseReference: string;
  cameraId: string | null;
  checkpointId: string | null;
  cellCode: string | null;
  incidentId: number | null;
  status: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  createdAt: string;
}

export const hitView = (r: sql.HitRow): HitView => ({
  id: r.id,
  readId: r.read_id,
  readCapturedAt: r.read_captured_at.toISOString(),
  entryId: r.entry_id,
  hotlistId: r.hotlist_id,
  plate: r.plate_text,
  listedPlate: r.listed_plate,
  matchLevel: r.match_level,
  reasonCode: r.reason_code,
  priority: r.priority,
  caseReference: r.case_reference,
  cameraId: r.camera_id,
  checkpointId: r.checkpoint_id,
  cellCode: r.cell_code,
  incidentId: r.incident_id,
  status: r.status,
  reviewedBy: r.reviewed_by_actor,
  reviewedAt: r.reviewed_at?.toISOString() ?? null,
  reviewNote: r.review_note,
  createdAt: r.created_at.toISOString(),
});

export async function listHits(
  db: Queryable,
  auth: AuthContext,
  q: { status: string | null; beforeId: number | null; limit: number },
) {
  const rows = await sql.selectHits(db, { ...q, scope: auth.cellCodes });
  const page = rows.slice(0, q.limit);
  return { hits: page.map(hitView), nextBeforeId: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getHit(db: Queryable, auth: AuthContext, id: number): Promise<HitView> {
  const [row] = await sql.selectHits(db, { scope: auth.cellCodes, status: null, beforeId: id + 1, limit: 1 });
  if (!row || row.id !== id) throw notFound("Hotlist hit", String(id));
  return hitView(row);
}

export interface ReviewInput {
  decision: "confirmed" | "dismissed";
  note: string | null;
  origin: { requestId: string | null; ip: string | null };
}

/**
 * Confirms or dismisses a pending hit, audited. Dismissing (a false match) also voids the
 * incident it opened when that is still possible, so the read is not kept for it.
 */
export async function reviewHit(
  pool: Pool,
  auth: AuthContext,
  id: number,
  input: ReviewInput,
): Promise<HitView> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await getHit(client, auth, id); // 404 outside the caller's cells
    const hit = await sql.selectHit(client, id, true);
    if (!hit) throw notFound("Hotlist hit", String(id));
    if (hit.status !== "pending")
      throw conflict(
        "hit_already_reviewed",
        `Hit ${id} was already ${hit.status} by ${hit.reviewed_by_actor}.`,
      );
    await sql.setHitReview(client, id, {
      status: input.decision,
      userId: auth.userId,
      actor: auth.actor,
      note: input.note,
    });
    const voided =
      input.decision === "dismissed" && hit.incident_id !== null
        ? await voidIncident(client, hit.incident_id, input.note)
        : false;
    await recordAudit(client, {
      actorUserId: auth.userId,
      actor: auth.actor,
      action: input.decision === "confirmed" ? "hotlist.hit_confirm" : "hotlist.hit_dismiss",
      targetType: "hotlist_hit",
      targetId: String(id),
      cellCode: hit.cell_code,
      requestId: input.origin.requestId,
      ip: input.origin.ip,
      details: {
        entryId: hit.entry_id,
        hotlistId: hit.hotlist_id,
        incidentId: hit.incident_id,
        incidentVoided: voided,
        note: input.note,
      },
    });
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return getHit(pool, auth, id);
}

async function voidIncident(db: PoolClient, incidentId: number, note: string | null): Promise<boolean> {
  const actor = systemActor("hotlists", ["incidents:read", "incidents:register"]);
  await db.query("SAVEPOINT void_incident");
  try {
    const incident = await getIncident(db, incidentId, actor);
    if (!incident.allowedActions.includes("void")) {
      await db.query("RELEASE SAVEPOINT void_incident");
      return false;
    }
    await transitionIncident(
      db,
      {
        id: incidentId,
        action: "void",
        version: incident.version,
        note: note ?? "布控命中误报 / hotlist hit dismissed",
      },
      actor,
    );
    await db.query("RELEASE SAVEPOINT void_incident");
    return true;
  } catch {
    await db.query("ROLLBACK TO SAVEPOINT void_incident");
    return false;
  }
}
