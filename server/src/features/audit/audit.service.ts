import type { Request } from "express";
import type { Queryable } from "../../db/pool.js";
import type { AuthContext } from "../auth/auth-context.js";
import { type AuditEntry, insertAuditRow, selectChainBatch } from "./audit.sql.js";

export type { AuditEntry };

/** Writes one audit row; call it with the transaction client of the change it records. */
export function recordAudit(db: Queryable, entry: AuditEntry): Promise<number> {
  return insertAuditRow(db, entry);
}

/** The actor, request id and IP of an HTTP request, for an audit entry. */
export function auditSource(req: Request, auth?: AuthContext | null) {
  const who = auth ?? req.auth ?? null;
  return {
    actorUserId: who?.userId ?? null,
    actor: who?.actor ?? "anonymous",
    requestId: req.id,
    ip: req.ip ?? null,
  };
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  firstBroken: { id: number; reason: string } | null;
}

const GENESIS = "0".repeat(64);

/** Walks the whole chain in id order and reports the first row that was edited or unlinked. */
export async function verifyAuditChain(
  db: Queryable,
  onProgress?: (checked: number) => void,
): Promise<ChainVerification> {
  let previousHash = GENESIS;
  let afterId = 0;
  let checked = 0;
  for (;;) {
    const rows = await selectChainBatch(db, afterId, 5000);
    if (rows.length === 0) return { ok: true, checked, firstBroken: null };
    for (const row of rows) {
      if (row.prev_hash !== previousHash) {
        return { ok: false, checked, firstBroken: { id: row.id, reason: "previous-hash link broken (a row was removed or reordered before it)" } };
      }
      if (row.hash !== row.recomputed) {
        return { ok: false, checked, firstBroken: { id: row.id, reason: "row content does not match its hash (edited)" } };
      }
      previousHash = row.hash;
      afterId = row.id;
      checked += 1;
    }
    onProgress?.(checked);
  }
}
