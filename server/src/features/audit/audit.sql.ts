import type { Queryable } from "../../db/pool.js";

export interface AuditEntry {
  actorUserId: number | null;
  actor: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  cellCode?: string | null;
  requestId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  occurred_at: Date;
  actor_user_id: number | null;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  cell_code: string | null;
  request_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  hash: string;
}

export async function insertAuditRow(db: Queryable, e: AuditEntry): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO audit_log (id, actor_user_id, actor, action, target_type, target_id, cell_code, request_id, ip, details, prev_hash, hash)
     VALUES (0, $1, $2, $3, $4, $5, $6, $7, $8::inet, $9::jsonb, '', '') RETURNING id`,
    [
      e.actorUserId,
      e.actor,
      e.action,
      e.targetType ?? null,
      e.targetId ?? null,
      e.cellCode ?? null,
      e.requestId ?? null,
      e.ip ?? null,
      JSON.stringify(e.details ?? {}),
    ],
  );
  return rows[0]!.id;
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  afterId?: number | undefined;
  limit: number;
}

export async function selectAuditRows(db: Queryable, f: AuditFilter): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT id, occurred_at, actor_user_id, actor, action, target_type, target_id, cell_code, request_id,
            host(ip) AS ip, details, hash
       FROM audit_log
      WHERE ($1::text IS NULL OR actor = $1)
        AND ($2::text IS NULL OR action = $2 OR action LIKE $2 || '.%')
        AND ($3::text IS NULL OR target_type = $3)
        AND ($4::text IS NULL OR target_id = $4)
        AND ($5::timestamptz IS NULL OR occurred_at >= $5)
        AND ($6::timestamptz IS NULL OR occurred_at < $6)
        AND ($7::bigint IS NULL OR id < $7)
      ORDER BY id DESC
      LIMIT $8`,
    [f.actor ?? null, f.action ?? null, f.targetType ?? null, f.targetId ?? null, f.from ?? null, f.to ?? null, f.afterId ?? null, f.limit],
  );
  return rows;
}

export interface ChainRow {
  id: number;
  prev_hash: string;
  hash: string;
  recomputed: string;
}

/** One batch of the chain in id order, with each row's hash recomputed from its content. */
export async function selectChainBatch(db: Queryable, afterId: number, batch: number): Promise<ChainRow[]> {
  const { rows } = await db.query<ChainRow>(
    `SELECT id, prev_hash, hash, audit_row_hash(prev_hash, a) AS recomputed
       FROM audit_log a WHERE id > $1 ORDER BY id LIMIT $2`,
    [afterId, batch],
  );
  return rows;
}
