import type { Pool, Queryable } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { recordAudit } from "../audit/audit.service.js";

/**
 * Plate retention (保存期限): reads older than the period are deleted unless a pending or
 * confirmed hit, or a hit's incident that was not voided, needs them. Whole UTC-day
 * partitions are dropped (cheap, no vacuum debt) after their few linked reads are copied to
 * plate_reads_retained; the day at the boundary is trimmed row by row. Pictures, dismissed
 * hits and dead letters (they hold plates too) follow. One audit row reports what went.
 */
export interface RetentionSettings {
  retentionDays: number;
  imageRetentionDays: number;
  now: Date;
  actor: string;
}

export interface RetentionReport {
  cutoff: string;
  partitionsDropped: string[];
  readsDeleted: number;
  readsRetained: number;
  imagesDeleted: number;
  hitsDeleted: number;
  deadLettersDeleted: number;
}

// A read is linked when a hit on it is pending or confirmed, or opened an incident still standing.
const LINKED = `EXISTS (SELECT 1 FROM hotlist_hits h LEFT JOIN incidents i ON i.id = h.incident_id
   WHERE h.read_id = r.id AND h.read_captured_at = r.captured_at
     AND (h.status IN ('pending', 'confirmed') OR (i.id IS NOT NULL AND i.state <> 'voided')))`;

const REASON = `(SELECT CASE WHEN bool_or(h.status = 'confirmed') THEN 'confirmed_hit'
                             WHEN bool_or(h.status = 'pending') THEN 'pending_hit' ELSE 'incident' END
                   FROM hotlist_hits h WHERE h.read_id = r.id AND h.read_captured_at = r.captured_at)`;

export async function purgePlateData(
  pool: Pool,
  log: Logger,
  s: RetentionSettings,
): Promise<RetentionReport> {
  const cutoff = new Date(s.now.getTime() - s.retentionDays * 86_400_000);
  const cutoffDay = cutoff.toISOString().slice(0, 10);
  const report: RetentionReport = {
    cutoff: cutoff.toISOString(),
    partitionsDropped: [],
    readsDeleted: 0,
    readsRetained: 0,
    imagesDeleted: 0,
    hitsDeleted: 0,
    deadLettersDeleted: 0,
  };
  for (const partition of await partitionsBefore(pool, cutoffDay)) {
    const { deleted, retained } = await withTx(pool, async (db) => {
      const kept = await retainLinked(db, partition);
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${partition}`);
      await db.query(`DROP TABLE ${partition}`);
      return { deleted: rows[0]!.n - kept, retained: kept };
    });
    report.partitionsDropped.push(partition);
    report.readsDeleted += deleted;
    report.readsRetained += retained;
  }
  await withTx(pool, async (db) => {
    report.readsDeleted += await trimBoundaryDay(db, cutoff);
    report.imagesDeleted = await deleteImages(
      db,
      new Date(s.now.getTime() - s.imageRetentionDays * 86_400_000),
    );
    report.hitsDeleted =
      (
        await db.query("DELETE FROM hotlist_hits WHERE status = 'dismissed' AND read_captured_at < $1", [
          cutoff,
        ])
      ).rowCount ?? 0;
    report.deadLettersDeleted =
      (await db.query("DELETE FROM ingest_dead_letters WHERE last_received_at < $1", [cutoff])).rowCount ?? 0;
    await recordAudit(db, {
      actorUserId: null,
      actor: s.actor,
      action: "plates.retention_purge",
      targetType: "plate_reads",
      details: { ...report, retentionDays: s.retentionDays, imageRetentionDays: s.imageRetentionDays },
    });
  });
  log.info({ ...report, partitionsDropped: report.partitionsDropped.length }, "plate retention purge done");
  return report;
}

/** Day partitions wholly before the cutoff day (names validated: they go into DDL). */
async function partitionsBefore(db: Queryable, cutoffDay: string): Promise<string[]> {
  const { rows } = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'plate_reads'::regclass AND c.relname ~ '^plate_reads_[0-9]{8}$'
        AND to_date(right(c.relname, 8), 'YYYYMMDD') < $1::date
      ORDER BY c.relname`,
    [cutoffDay],
  );
  return rows.map((r) => r.relname).filter((name) => /^plate_reads_\d{8}$/.test(name));
}

async function retainLinked(db: Queryable, partition: string): Promise<number> {
  await db.query(
    `WITH moved AS (
       INSERT INTO plate_reads_retained
       SELECT r.*, now(), ${REASON} FROM ${partition} r WHERE ${LINKED}
       ON CONFLICT (id) DO NOTHING
       RETURNING images
     )
     UPDATE plate_images SET retained = true
      WHERE sha256 IN (SELECT jsonb_array_elements(images) ->> 'sha256' FROM moved)`,
  );
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${partition} r WHERE ${LINKED}`,
  );
  return rows[0]!.n;
}

/** Reads older than the cutoff in the partition that straddles it: copied if linked, deleted. */
async function trimBoundaryDay(db: Queryable, cutoff: Date): Promise<number> {
  await db.query(
    `WITH moved AS (
       INSERT INTO plate_reads_retained
       SELECT r.*, now(), ${REASON} FROM plate_reads r WHERE r.captured_at < $1 AND ${LINKED}
       ON CONFLICT (id) DO NOTHING RETURNING images
     )
     UPDATE plate_images SET retained = true WHERE sha256 IN (SELECT jsonb_array_elements(images) ->> 'sha256' FROM moved)`,
    [cutoff],
  );
  const { rowCount } = await db.query(
    `DELETE FROM plate_reads r WHERE r.captured_at < $1 AND NOT EXISTS (SELECT 1 FROM plate_reads_retained k WHERE k.id = r.id)`,
    [cutoff],
  );
  // Linked reads just copied leave the live table too: they are found in plate_reads_retained.
  await db.query(`DELETE FROM plate_reads r WHERE r.captured_at < $1`, [cutoff]);
  return rowCount ?? 0;
}

async function deleteImages(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(
    "DELETE FROM plate_images WHERE NOT retained AND last_captured_at < $1",
    [before],
  );
  return rowCount ?? 0;
}

async function withTx<T>(pool: Pool, fn: (db: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
