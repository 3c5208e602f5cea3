import { decodeWkb } from "@gridops/gis-data/io/wkb";
import Flatbush from "flatbush";
import type { Pool, PoolClient } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { selectLeafCells } from "./cell-lookup.sql.js";
import { type PackedPolygon, packPolygon, polygonCovers } from "./point-in-polygon.js";

/** The channel emitCellChange notifies (inside the change's transaction, so only on commit). */
export const CELLS_CHANGED_CHANNEL = "gridops_cells_changed";

export interface CellLookup {
  /** The current grid cell covering the point (lowest code on shared edges), or null. */
  lookup(lon: number, lat: number): string | null;
  /** Reloads the cells from the database; lookups keep answering from the old index meanwhile. */
  refresh(): Promise<void>;
  /** Number of grid cells indexed. */
  readonly size: number;
  /** Stops listening for cell changes (only needed with `autoRefresh`). */
  close(): Promise<void>;
}

export interface CellLookupOptions {
  /** Rebuild when a cell change is committed (LISTEN on a dedicated connection). */
  autoRefresh?: boolean;
  log?: Logger;
}

interface Snapshot {
  index: Flatbush | null;
  /** One entry per polygon part; parts are in code order. */
  parts: PackedPolygon[];
  partCell: Uint32Array;
  codes: string[];
}

const EMPTY: Snapshot = { index: null, parts: [], partCell: new Uint32Array(0), codes: [] };

/**
 * Point → grid cell, in process: a packed R-tree (flatbush) over every polygon part's
 * bounding box, then an exact point-in-polygon test on the few candidates. Agrees with
 * PostGIS ST_Covers, including points on shared edges, which go to the lowest code.
 */
export async function createCellLookup(pool: Pool, options: CellLookupOptions = {}): Promise<CellLookup> {
  let snapshot = EMPTY;
  let listener: PoolClient | null = null;
  let pending: Promise<void> | null = null;
  let again = false;

  const refresh = async (): Promise<void> => {
    snapshot = buildSnapshot(await selectLeafCells(pool));
  };
  // Coalesce bursts of change notifications into at most one rebuild after the running one.
  const scheduleRefresh = (): void => {
    if (pending) {
      again = true;
      return;
    }
    pending = refresh()
      .catch((err: unknown) => options.log?.error({ err }, "cell lookup refresh failed"))
      .finally(() => {
        pending = null;
        if (again) {
          again = false;
          scheduleRefresh();
        }
      });
  };

  await refresh();
  if (options.autoRefresh) {
    listener = await pool.connect();
    listener.on("notification", (msg) => {
      if (msg.channel === CELLS_CHANGED_CHANNEL) scheduleRefresh();
    });
    await listener.query(`LISTEN ${CELLS_CHANGED_CHANNEL}`);
  }

  return {
    lookup: (lon, lat) => lookupIn(snapshot, lon, lat),
    refresh,
    get size() {
      return snapshot.codes.length;
    },
    close: async () => {
      if (!listener) return;
      await listener.query(`UNLISTEN ${CELLS_CHANGED_CHANNEL}`).catch(() => {});
      listener.release();
      listener = null;
      await pending;
    },
  };
}

function buildSnapshot(rows: { code: string; wkb: Buffer }[]): Snapshot {
  const parts: PackedPolygon[] = [];
  const owners: number[] = [];
  rows.forEach((row, cellIndex) => {
    for (const polygon of decodeWkb(row.wkb, { row: cellIndex + 1, code: row.code }).coordinates) {
      parts.push(packPolygon(polygon));
      owners.push(cellIndex);
    }
  });
  if (parts.length === 0) return EMPTY;
  const index = new Flatbush(parts.length);
  for (const p of parts) index.add(p.minX, p.minY, p.maxX, p.maxY);
  index.finish();
  return { index, parts, partCell: Uint32Array.from(owners), codes: rows.map((r) => r.code) };
}

function lookupIn(s: Snapshot, lon: number, lat: number): string | null {
  if (!s.index || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  let best = -1;
  // Parts are in code order, so the lowest covering part index is the lowest covering code.
  s.index.search(lon, lat, lon, lat, (i) => {
    if ((best === -1 || i < best) && polygonCovers(s.parts[i]!, lon, lat)) best = i;
    return false;
  });
  return best === -1 ? null : s.codes[s.partCell[best]!]!;
}
