import { cellToBoundary, POLYGON_TO_CELLS_FLAGS, polygonToCellsExperimental } from "h3-js";
import type { Pool } from "../../db/pool.js";
import { badRequest, conflict, forbidden, notFound } from "../../http/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { cellVisible } from "../auth/auth.service.js";
import { emitCellChange } from "./cell-change-events.js";
import { childLevel, loadCodeScheme, nextFreeChildCodes } from "./cell-code-scheme.js";
import { type EditContext, inTransaction } from "./cell-edits.service.js";
import * as edits from "./cell-edits.sql.js";
import * as sql from "./cell-generation.sql.js";
import { checkTopology, loadTopologySettings, topologyViolation } from "./cell-topology.js";

export interface GenerateInput {
  shape: "square" | "hexagon" | "h3";
  size_m?: number | undefined;
  resolution?: number | undefined;
  name_prefix?: string | undefined;
  commit: boolean;
  max_cells: number;
}

/** H3 cells overlapping the parent (so clipping leaves no gap at its edge), as GeoJSON polygons. */
function h3Polygons(parent: { coordinates: number[][][][] }, resolution: number, max: number): string[] {
  const cells = new Set<string>();
  for (const polygon of parent.coordinates) {
    for (const h of polygonToCellsExperimental(
      polygon,
      resolution,
      POLYGON_TO_CELLS_FLAGS.containmentOverlapping,
      true,
    )) {
      cells.add(h);
      if (cells.size > max * 4)
        throw badRequest(
          "too_many_cells",
          `H3 resolution ${resolution} gives far more than ${max} cells here; choose a coarser one.`,
        );
    }
  }
  return [...cells]
    .sort()
    .map((h) => JSON.stringify({ type: "Polygon", coordinates: [cellToBoundary(h, true)] }));
}

/**
 * Fills a childless parent with square, hexagonal or H3 cells clipped to it. Without
 * `commit` it is a preview (everything runs, then rolls back); with it, the cells are
 * created with generated codes, checked, audited and announced.
 */
export function generateChildren(pool: Pool, ctx: EditContext, parentCode: string, input: GenerateInput) {
  return inTransaction(pool, !input.commit, async (db) => {
    const [parent] = await edits.lockCells(db, [parentCode]);
    if (!parent || parent.retired) throw notFound("Cell", parentCode);
    if (!(await cellVisible(db, ctx.auth, parentCode)))
      throw forbidden(`Cell ${parentCode} is outside your cells.`);
    const scheme = await loadCodeScheme(db);
    const level = childLevel(scheme, parent.level);
    if (!level)
      throw badRequest("cell_is_leaf", `Cell ${parentCode} is a ${parent.level}: it has no children.`);
    if (parent.has_children)
      throw conflict(
        "cell_has_children",
        `Cell ${parentCode} already has children; generate only into an empty cell.`,
      );
    const pieces =
      input.shape === "h3"
        ? await sql.selectClippedPieces(
            db,
            parentCode,
            h3Polygons(await sql.selectParentGeometry(db, parentCode), input.resolution!, input.max_cells),
          )
        : await sql.selectTiledPieces(db, parentCode, input.shape, input.size_m!);
    if (pieces.length === 0)
      throw badRequest("nothing_generated", "No cell of that size intersects the parent.");
    if (pieces.length > input.max_cells) {
      throw badRequest(
        "too_many_cells",
        `That would make ${pieces.length} cells; the limit is ${input.max_cells}.`,
        { count: pieces.length },
      );
    }
    const codes = nextFreeChildCodes(
      scheme,
      parentCode,
      await edits.selectChildCodesEverUsed(db, parentCode),
      pieces.length,
    );
    if (codes.length < pieces.length) {
      throw badRequest(
        "too_many_cells",
        `The code scheme leaves room for ${codes.length} children under ${parentCode}, not ${pieces.length}.`,
      );
    }
    const prefix = input.name_prefix ?? parent.name;
    await edits.insertCells(
      db,
      pieces.map((geometry, i) => ({
        code: codes[i]!,
        name: `${prefix} ${i + 1}`,
        name_en: null,
        level: level.level,
        parent_code: parentCode,
        geometry,
      })),
    );
    const report = await checkTopology(db, [parentCode, ...codes], await loadTopologySettings(db));
    if (!report.ok) throw topologyViolation(report);
    await recordAudit(db, {
      ...ctx.audit,
      action: "cell.generate",
      targetType: "cell",
      targetId: parentCode,
      cellCode: parentCode,
      details: {
        shape: input.shape,
        size_m: input.size_m ?? null,
        resolution: input.resolution ?? null,
        count: codes.length,
      },
    });
    await emitCellChange(db, {
      kind: "generated",
      created: codes,
      changed: codes,
      retired: [],
      actor: ctx.audit.actor,
    });
    return {
      dry_run: !input.commit,
      count: codes.length,
      report,
      cells: { type: "FeatureCollection", features: await edits.selectCellFeatures(db, codes) },
    };
  });
}
