import type { Pool } from "../../db/pool.js";
import { AppError, badRequest, notFound } from "../../http/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { emitCellChange } from "./cell-change-events.js";
import { type EditContext, inTransaction, requireStructuralScope } from "./cell-edits.service.js";
import * as edits from "./cell-edits.sql.js";
import { selectRepaired } from "./cell-repair.sql.js";
import { checkTopology, loadTopologySettings, topologyViolation } from "./cell-topology.js";
import type { AreaGeometry } from "./cells.schemas.js";

export interface RepairInput {
  make_valid: boolean;
  snap_tolerance_m?: number | undefined;
  trim_overlaps: boolean;
  geometry?: AreaGeometry | undefined;
  apply: boolean;
}

// Degrees of latitude per metre; a longitude degree is shorter, so the snap reach in x is
// a little larger than asked (by 1/cos(latitude)).
const METRES_PER_DEGREE = 111_320;

/**
 * Repairs only when asked: a preview (default) shows the repaired geometry, how much area
 * moved and the topology afterwards; `apply` writes it as a new version of the cell.
 */
export function repairCell(pool: Pool, ctx: EditContext, code: string, input: RepairInput) {
  if (!input.make_valid && input.snap_tolerance_m === undefined && !input.trim_overlaps) {
    throw badRequest(
      "nothing_to_repair",
      "Ask for at least one of make_valid, snap_tolerance_m, trim_overlaps.",
    );
  }
  return inTransaction(pool, !input.apply, async (db) => {
    const [cell] = await edits.lockCells(db, [code]);
    if (!cell || cell.retired) throw notFound("Cell", code);
    await requireStructuralScope(db, ctx.auth, cell);
    const repaired = await selectRepaired(db, code, input.geometry ? JSON.stringify(input.geometry) : null, {
      makeValid: input.make_valid,
      snapDegrees: input.snap_tolerance_m === undefined ? null : input.snap_tolerance_m / METRES_PER_DEGREE,
      trimOverlaps: input.trim_overlaps,
    });
    if (!repaired?.geometry || !repaired.valid_after) {
      throw new AppError(
        422,
        "repair_failed",
        `The repairs asked for do not give cell ${code} a valid, non-empty area; try make_valid.`,
        {
          reason_before: repaired?.reason_before ?? null,
        },
      );
    }
    await edits.updateCells(db, [{ code, geometry: repaired.geometry }]);
    const report = await checkTopology(db, [code], await loadTopologySettings(db));
    if (input.apply) {
      if (!report.ok) throw topologyViolation(report);
      await recordAudit(db, {
        ...ctx.audit,
        action: "cell.repair",
        targetType: "cell",
        targetId: code,
        cellCode: code,
        details: {
          make_valid: input.make_valid,
          snap_tolerance_m: input.snap_tolerance_m ?? null,
          trim_overlaps: input.trim_overlaps,
          moved_area_m2: repaired.moved_area_m2,
        },
      });
      await emitCellChange(db, { kind: "updated", changed: [code], retired: [], actor: ctx.audit.actor });
    }
    return {
      dry_run: !input.apply,
      before: {
        valid: repaired.valid_before,
        reason: repaired.reason_before,
        area_m2: repaired.area_before_m2,
      },
      after: { geometry: JSON.parse(repaired.geometry) as unknown, area_m2: repaired.area_after_m2 },
      moved_area_m2: repaired.moved_area_m2,
      report,
    };
  });
}
