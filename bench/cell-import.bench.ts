/**
 * Cell import at district scale: a 10,000-grid GeoPackage read, dry-run (every row and
 * topology check, rolled back) and applied. Then the sibling-overlap check over 2,000 cells
 * through the GiST index against a naive pairwise loop (nested loop over every pair, index
 * and hash joins off) in the same database.
 */
import { type CellRecord, readCellFile, writeCellFile } from "../gis-data/src/io/index.js";
import {
  insertSyntheticDistrict,
  syntheticDistrict,
} from "../server/src/features/cell-lookup/synthetic-district.js";
import { inTransaction } from "../server/src/features/cells/cell-edits.service.js";
import { applyInTransaction } from "../server/src/features/cells/cell-import.service.js";
import {
  selectSiblingOverlaps,
  selectSiblingOverlapsNaive,
} from "../server/src/features/cells/cell-topology.sql.js";
import type { BenchResult } from "./support/bench-types.js";
import { startBenchDatabase } from "./support/database.js";

const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const result = await fn();
  return [result, performance.now() - t];
};

export async function run(): Promise<BenchResult[]> {
  const db = await startBenchDatabase();
  try {
    const { cells } = syntheticDistrict({ cols: 100, rows: 100, edgeSegments: 3 });
    await insertSyntheticDistrict(db.pool, cells, false);
    const records: CellRecord[] = cells
      .filter((c) => c.level === "grid")
      .map((c, i) => ({
        code: c.code,
        name: `网格 ${c.code.slice(-6)}`,
        name_en: null,
        level: "grid",
        parent_code: c.parent_code,
        geometry: { type: "MultiPolygon", coordinates: [c.geometry!.coordinates] },
        row: i + 1,
      }));
    const file = await writeCellFile(records, "geopackage");
    const root = cells[0]!.code;
    const [parsed, readMs] = await time(() => readCellFile(file.bytes));
    const [dry, dryMs] = await time(() =>
      inTransaction(db.pool, true, (tx) => applyInTransaction(tx, root, parsed.cells)),
    );
    const [applied, applyMs] = await time(() =>
      inTransaction(db.pool, false, (tx) => applyInTransaction(tx, root, parsed.cells)),
    );
    const [again, againMs] = await time(() =>
      inTransaction(db.pool, true, (tx) => applyInTransaction(tx, root, parsed.cells)),
    );

    const focus = records.slice(0, 2000).map((r) => r.code);
    const [overlaps, indexedMs] = await time(() => selectSiblingOverlaps(db.pool, focus, 0.01, 0.01));
    const [naiveCount, naiveMs] = await time(() =>
      inTransaction(db.pool, true, async (tx) => {
        await tx.query(
          "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off",
        );
        return selectSiblingOverlapsNaive(tx, focus);
      }),
    );
    return [
      {
        name: "import 10,000-grid GeoPackage: read + dry run with all checks",
        value: readMs + dryMs,
        unit: "ms",
        note: `read ${readMs.toFixed(0)} ms (${(file.bytes.byteLength / 1e6).toFixed(1)} MB), dry run ${dryMs.toFixed(0)} ms: ${dry.report.add.length} to add, ok=${dry.report.ok}, ${dry.report.topology?.problems.length ?? "?"} problems; apply ${applyMs.toFixed(0)} ms (ok=${applied.report.ok}); re-import dry run ${againMs.toFixed(0)} ms with ${again.report.add.length + again.report.change.length + again.report.retire.length} changes`,
      },
      {
        name: "sibling-overlap check, 2,000 cells, GiST-indexed",
        value: indexedMs,
        unit: "ms",
        baseline: { name: "naive pairwise loop (all pairs, no index)", value: naiveMs },
        ratio: naiveMs / indexedMs,
        note: `ratio is the speed-up; both found the same overlaps (${overlaps.length} vs ${naiveCount})`,
      },
    ];
  } finally {
    await db.close();
  }
}
