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
  /** "auto" (default) uses buckets when the cells suit them; "rtree" always uses flatbush. */
  index?: "auto" | "rtree";
  log?: Logger;
}

interface Snapshot {
  /** One entry per polygon part; parts are in code order. */
  parts: PackedPolygon[];
  partCell: Uint32Array;
  codes: string[];
  buckets: BucketGrid | null;
  /** For extents a bucket grid would cover badly (a few huge cells), the R-tree. */
  index: Flatbush | null;
}

/**
 * A uniform grid over the parts' extent; each bucket lists, in ascending order, the parts
 * whose bounding box touches it (CSR layout). A point reads one bucket, and the first part
 * covering it is the lowest code, so the search stops there.
 */
interface BucketGrid {
  minX: number;
  minY: number;
  width: number;
  height: number;
  nx: number;
  ny: number;
  start: Uint32Array;
  items: Uint32Array;
}

const EMPTY: Snapshot = { parts: [], partCell: new Uint32Array(0), codes: [], buckets: null, index: null };

/**
 * Point → grid cell, in process: a bucket grid over every polygon part's bounding box
 * (flatbush's packed R-tree when the cells are too uneven for buckets), then an exact
 * point-in-polygon test on the few candidates. Agrees with
 * PostGIS ST_Covers, including points on shared edges, which go to the lowest code.
 */
export async function createCellLookup(pool: Pool, options: CellLookupOptions = {}): Promise<CellLookup> {
  let snapshot = EMPTY;
  let listener: PoolClient | null = null;
  let pending: Promise<void> | null = null;
  let again = false;

  const refresh = async (): Promise<void> => {
    snapshot = buildSnapshot(await selectLeafCells(pool), options.index ?? "auto");
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

function buildSnapshot(rows: { code: string; wkb: Buffer }[], kind: "auto" | "rtree"): Snapshot {
  const parts: PackedPolygon[] = [];
  const owners: number[] = [];
  rows.forEach((row, cellIndex) => {
    for (const polygon of decodeWkb(row.wkb, { row: cellIndex + 1, code: row.code }).coordinates) {
      parts.push(packPolygon(polygon));
      owners.push(cellIndex);
    }
  });
  if (parts.length === 0) return EMPTY;
  const base = { parts, partCell: Uint32Array.from(owners), codes: rows.map((r) => r.code) };
  const buckets = kind === "auto" ? buildBuckets(parts) : null;
  if (buckets) return { ...base, buckets, index: null };
  const index = new Flatbush(parts.length);
  for (const p of parts) index.add(p.minX, p.minY, p.maxX, p.maxY);
  index.finish();
  return { ...base, buckets: null, index };
}

const bucketOf = (v: number, min: number, size: number, n: number) =>
  Math.min(n - 1, Math.floor((v - min) / size));

/** About four buckets per part; null when parts would repeat in too many buckets. */
function buildBuckets(parts: PackedPolygon[]): BucketGrid | null {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of parts) {
    minX = Math.min(minX, p.minX);
    minY = Math.min(minY, p.minY);
    maxX = Math.max(maxX, p.maxX);
    maxY = Math.max(maxY, p.maxY);
  }
  const spanX = Math.max(maxX - minX, 1e-9);
  const spanY = Math.max(maxY - minY, 1e-9);
  const target = Math.min(4 * parts.length, 4_000_000);
  const nx = Math.max(1, Math.round(Math.sqrt((target * spanX) / spanY)));
  const ny = Math.max(1, Math.round(target / nx));
  const width = spanX / nx;
  const height = spanY / ny;
  const counts = new Uint32Array(nx * ny + 1);
  let total = 0;
  const ranges = parts.map((p) => {
    const r = [
      bucketOf(p.minX, minX, width, nx),
      bucketOf(p.maxX, minX, width, nx),
      bucketOf(p.minY, minY, height, ny),
      bucketOf(p.maxY, minY, height, ny),
    ] as const;
    total += (r[1] - r[0] + 1) * (r[3] - r[2] + 1);
    return r;
  });
  if (total > 32 * parts.length) return null;
  for (const [x0, x1, y0, y1] of ranges) {
    for (let by = y0; by <= y1; by++) for (let bx = x0; bx <= x1; bx++) counts[by * nx + bx + 1]! += 1;
  }
  for (let i = 1; i < counts.length; i++) counts[i]! += counts[i - 1]!;
  const start = counts.slice();
  const fill = counts.slice(0, nx * ny);
  const items = new Uint32Array(total);
  ranges.forEach(([x0, x1, y0, y1], part) => {
    for (let by = y0; by <= y1; by++) for (let bx = x0; bx <= x1; bx++) items[fill[by * nx + bx]!++] = part;
  });
  return { minX, minY, width, height, nx, ny, start, items };
}

function lookupIn(s: Snapshot, lon: number, lat: number): string | null {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  const g = s.buckets;
  if (g) {
    if (lon < g.minX || lat < g.minY) return null;
    const bx = Math.floor((lon - g.minX) / g.width);
    const by = Math.floor((lat - g.minY) / g.height);
    // Past the last bucket only points on the extent's max edge belong to it.
    const b = Math.min(by, g.ny - 1) * g.nx + Math.min(bx, g.nx - 1);
    if (bx > g.nx || by > g.ny) return null;
    for (let i = g.start[b]!, end = g.start[b + 1]!; i < end; i++) {
      const part = g.items[i]!;
      if (polygonCovers(s.parts[part]!, lon, lat)) return s.codes[s.partCell[part]!]!;
    }
    return null;
  }
  if (!s.index) return null;
  let best = -1;
  // Parts are in code order, so the lowest covering part index is the lowest covering code.
  s.index.search(lon, lat, lon, lat, (i) => {
    if ((best === -1 || i < best) && polygonCovers(s.parts[i]!, lon, lat)) best = i;
    return false;
  });
  return best === -1 ? null : s.codes[s.partCell[best]!]!;
}

const shared = new WeakMap<Pool, Promise<CellLookup>>();

/**
 * One auto-refreshing lookup per pool for the whole process (cameras, plates and incidents
 * share it instead of each holding a LISTEN connection and a copy of the index).
 */
export function sharedCellLookup(pool: Pool, log?: Logger): Promise<CellLookup> {
  let lookup = shared.get(pool);
  if (!lookup) {
    lookup = createCellLookup(pool, { autoRefresh: true, ...(log ? { log } : {}) });
    shared.set(pool, lookup);
    lookup.catch(() => shared.delete(pool));
  }
  return lookup;
}
