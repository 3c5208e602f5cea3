/**
 * Point → grid cell: the in-process lookup (flatbush + exact point-in-polygon) against one
 * PostGIS ST_Covers query per point, over 10,000 synthetic grids (100 × 100 irregular
 * quadrilaterals with 12 vertices each). Both answer the same random points; the run also
 * counts disagreements (must be 0).
 */
import { createCellLookup } from "../server/src/features/cell-lookup/cell-lookup.js";
import { selectCoveringLeafCell } from "../server/src/features/cell-lookup/cell-lookup.sql.js";
import {
  insertSyntheticDistrict,
  syntheticDistrict,
} from "../server/src/features/cell-lookup/synthetic-district.js";
import type { BenchResult } from "./support/bench-types.js";
import { startBenchDatabase } from "./support/database.js";

const LOOKUPS = 2_000_000;
const PG_QUERIES = 3_000;

export async function run(): Promise<BenchResult[]> {
  const db = await startBenchDatabase();
  try {
    const { cells, bbox } = syntheticDistrict({ cols: 100, rows: 100, edgeSegments: 3 });
    await insertSyntheticDistrict(db.pool, cells);
    const buildStart = performance.now();
    const lookup = await createCellLookup(db.pool);
    const buildMs = performance.now() - buildStart;

    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const points = new Float64Array(LOOKUPS * 2);
    for (let i = 0; i < LOOKUPS; i++) {
      points[i * 2] = bbox[0] + rnd() * (bbox[2] - bbox[0]);
      points[i * 2 + 1] = bbox[1] + rnd() * (bbox[3] - bbox[1]);
    }
    for (let i = 0; i < 100_000; i++) lookup.lookup(points[i * 2]!, points[i * 2 + 1]!); // warm up
    let found = 0;
    const t0 = performance.now();
    for (let i = 0; i < LOOKUPS; i++) if (lookup.lookup(points[i * 2]!, points[i * 2 + 1]!) !== null) found++;
    const inProcessPerSec = LOOKUPS / ((performance.now() - t0) / 1000);

    const rtree = await createCellLookup(db.pool, { index: "rtree" });
    const t2 = performance.now();
    for (let i = 0; i < LOOKUPS / 4; i++) rtree.lookup(points[i * 2]!, points[i * 2 + 1]!);
    const rtreePerSec = LOOKUPS / 4 / ((performance.now() - t2) / 1000);

    let disagreements = 0;
    const t1 = performance.now();
    for (let i = 0; i < PG_QUERIES; i++) {
      const x = points[i * 2]!;
      const y = points[i * 2 + 1]!;
      if ((await selectCoveringLeafCell(db.pool, x, y)) !== lookup.lookup(x, y)) disagreements++;
    }
    const postgisPerSec = PG_QUERIES / ((performance.now() - t1) / 1000);
    await lookup.close();
    return [
      {
        name: "point → grid lookup, in process (10,000 grids)",
        value: inProcessPerSec,
        unit: "lookups/s",
        baseline: { name: "one PostGIS ST_Covers query per point", value: postgisPerSec },
        ratio: inProcessPerSec / postgisPerSec,
        note: `targets ≥ 500,000/s and ≥ 30×; ${lookup.size} grids, ${((found / LOOKUPS) * 100).toFixed(1)}% of points inside, ${disagreements} disagreements with PostGIS on ${PG_QUERIES} points`,
      },
      {
        name: "point → grid lookup, flatbush R-tree variant",
        value: rtreePerSec,
        unit: "lookups/s",
        baseline: { name: "bucket grid (default)", value: inProcessPerSec },
        ratio: rtreePerSec / inProcessPerSec,
        note: "the R-tree is used when cells are too uneven for buckets",
      },
      { name: "lookup index build (10,000 grids, from the database)", value: buildMs, unit: "ms" },
    ];
  } finally {
    await db.close();
  }
}
