import type { Queryable } from "../../db/pool.js";
import type { CellChangedPayload } from "../../realtime/events.js";
import { enqueueEvents } from "../../realtime/outbox.js";
import { CELLS_CHANGED_CHANNEL } from "../cell-lookup/cell-lookup.js";

/** What maps and the point lookup need to hear after a committed cell change. */
export interface CellChangeEvent {
  kind: "created" | "updated" | "moved" | "split" | "merged" | "retired" | "imported" | "generated";
  /** Cells that exist after the change and were created by it. */
  created?: string[];
  /** Cells created or changed (current after the change). */
  changed: string[];
  /** Cells retired by the change. */
  retired: string[];
  /** For moves, merges and splits: old code → the codes that now cover its area. */
  successors?: Record<string, string[]>;
  actor: string;
}

/**
 * Writes the change in the caller's transaction, so nobody hears of a change that rolled
 * back: a NOTIFY for in-process caches (the point lookup) and one realtime `cell.changed`
 * outbox event per affected cell (rooms of the cell and its ancestors).
 */
export async function emitCellChange(db: Queryable, event: CellChangeEvent): Promise<void> {
  await db.query("SELECT pg_notify($1, $2)", [
    CELLS_CHANGED_CHANNEL,
    JSON.stringify({ kind: event.kind, changed: event.changed.length, retired: event.retired.length }),
  ]);
  const codes = [...new Set([...event.changed, ...event.retired])];
  if (codes.length === 0) return;
  const { rows } = await db.query<{ code: string; version: number }>(
    "SELECT code, version FROM cells WHERE code = ANY($1::text[])",
    [codes],
  );
  const versions = new Map(rows.map((r) => [r.code, r.version]));
  const created = new Set(event.created ?? []);
  const retired = new Set(event.retired);
  await enqueueEvents(
    db,
    codes.map((code) => {
      const change: CellChangedPayload["change"] = retired.has(code)
        ? "retired"
        : created.has(code)
          ? "created"
          : "updated";
      return {
        topic: "cell.changed" as const,
        cellCode: code,
        payload: {
          cellCode: code,
          change,
          version: versions.get(code) ?? 1,
          successors: event.successors?.[code] ?? [],
        },
      };
    }),
  );
}
