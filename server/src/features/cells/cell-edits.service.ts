import {
  commitTransaction,
  type Pool,
  type PoolClient,
  type Queryable,
  rollbackTransaction,
} from "../../db/pool.js";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../http/errors.js";
import type { auditSource } from "../audit/audit.service.js";
import { recordAudit } from "../audit/audit.service.js";
import { cellVisible } from "../auth/auth.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import { type CellChangeEvent, emitCellChange } from "./cell-change-events.js";
import {
  checkCellCode,
  childLevel,
  loadCodeScheme,
  nextFreeChildCodes,
  prefixOf,
} from "./cell-code-scheme.js";
import * as sql from "./cell-edits.sql.js";
import {
  checkCandidateValidity,
  checkTopology,
  loadTopologySettings,
  type TopologyReport,
  topologyViolation,
} from "./cell-topology.js";
import type { AreaGeometry } from "./cells.schemas.js";

export interface EditContext {
  auth: AuthContext;
  audit: ReturnType<typeof auditSource>;
}

export interface EditResult {
  /** The cells created or changed, as GeoJSON Features (current state). */
  cells: unknown[];
  retired: string[];
  report: TopologyReport;
  dry_run: boolean;
}

/** Runs an edit in one transaction; a dry run does everything, reports, and rolls back. */
export async function inTransaction<T>(
  pool: Pool,
  dryRun: boolean,
  fn: (db: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await (dryRun ? rollbackTransaction(client) : commitTransaction(client));
    return result;
  } catch (error) {
    await rollbackTransaction(client);
    throw error;
  } finally {
    client.release();
  }
}

async function lockOne(db: Queryable, code: string): Promise<sql.LockedCell> {
  const [cell] = await sql.lockCells(db, [code]);
  if (!cell || cell.retired) throw notFound("Cell", code);
  return cell;
}

/**
 * Changing a cell's shape or place in the hierarchy is work for whoever holds the level
 * above: the parent (for a district, the cell itself) must be within the editor's cells.
 * A grid leader may rename their own grid but not redraw it.
 */
export async function requireStructuralScope(
  db: Queryable,
  auth: AuthContext,
  cell: sql.LockedCell,
): Promise<void> {
  const owner = cell.parent_code ?? cell.code;
  if (!(await cellVisible(db, auth, owner))) {
    throw forbidden(
      `Changing the shape or place of cell ${cell.code} needs its parent ${owner} within your cells.`,
    );
  }
}

async function requireValid(db: Queryable, geometry: AreaGeometry, code: string | null): Promise<void> {
  const report = await checkCandidateValidity(db, [{ geometry, code, row: null }]);
  if (!report.ok) throw topologyViolation(report);
}

async function finish(
  db: Queryable,
  ctx: EditContext,
  focus: string[],
  event: Omit<CellChangeEvent, "actor">,
  audit: { action: string; targetId: string; cellCode: string | null; details: Record<string, unknown> },
  dryRun: boolean,
): Promise<EditResult> {
  const report = await checkTopology(db, focus, await loadTopologySettings(db));
  if (!report.ok) throw topologyViolation(report);
  await sql.reResolvePlacedCells(db, [...event.changed, ...event.retired]);
  await recordAudit(db, {
    ...ctx.audit,
    targetType: "cell",
    ...audit,
    details: { ...audit.details, warnings: report.warnings },
  });
  await emitCellChange(db, { ...event, actor: ctx.audit.actor });
  return {
    cells: await sql.selectCellFeatures(db, event.changed),
    retired: event.retired,
    report,
    dry_run: dryRun,
  };
}

async function proposeCodes(db: Queryable, parentCode: string, count: number): Promise<string[]> {
  const scheme = await loadCodeScheme(db);
  const codes = nextFreeChildCodes(
    scheme,
    parentCode,
    await sql.selectChildCodesEverUsed(db, parentCode),
    count,
  );
  if (codes.length < count)
    throw conflict("cell_codes_exhausted", `No free child codes left under ${parentCode}.`);
  return codes;
}

export async function nextChildCode(
  db: Queryable,
  parentCode: string,
): Promise<{ code: string; level: string }> {
  const [parent] = await sql.lockCells(db, [parentCode]);
  if (!parent || parent.retired) throw notFound("Cell", parentCode);
  const scheme = await loadCodeScheme(db);
  const level = childLevel(scheme, parent.level);
  if (!level)
    throw badRequest(
      "cell_is_leaf",
      `Cell ${parentCode} is a ${parent.level}, the deepest level: it has no children.`,
    );
  const [code] = await proposeCodes(db, parentCode, 1);
  return { code: code!, level: level.level };
}

export interface CreateChildInput {
  code?: string | undefined;
  name: string;
  name_en?: string | null | undefined;
  geometry: AreaGeometry;
  dry_run?: boolean | undefined;
}

export function createChild(
  pool: Pool,
  ctx: EditContext,
  parentCode: string,
  input: CreateChildInput,
): Promise<EditResult> {
  return inTransaction(pool, input.dry_run ?? false, async (db) => {
    const parent = await lockOne(db, parentCode);
    const scheme = await loadCodeScheme(db);
    const level = childLevel(scheme, parent.level);
    if (!level)
      throw badRequest(
        "cell_is_leaf",
        `Cell ${parentCode} is a ${parent.level}, the deepest level: it has no children.`,
      );
    const code = input.code ?? (await proposeCodes(db, parentCode, 1))[0]!;
    const problem = checkCellCode(scheme, code, level.level, parentCode);
    if (problem) throw badRequest(problem.code, problem.message, { code });
    if ((await sql.selectExistingCodes(db, [code])).length > 0) {
      throw conflict(
        "cell_code_taken",
        `Cell code ${code} is already used (codes of retired cells are not reused).`,
        { code },
      );
    }
    await requireValid(db, input.geometry, code);
    await sql.insertCells(db, [
      {
        code,
        name: input.name,
        name_en: input.name_en ?? null,
        level: level.level,
        parent_code: parentCode,
        geometry: JSON.stringify(input.geometry),
      },
    ]);
    return finish(
      db,
      ctx,
      [code],
      { kind: "created", created: [code], changed: [code], retired: [] },
      {
        action: "cell.create",
        targetId: code,
        cellCode: code,
        details: { parent_code: parentCode, level: level.level, name: input.name },
      },
      input.dry_run ?? false,
    );
  });
}

export interface UpdateCellInput {
  name?: string | undefined;
  name_en?: string | null | undefined;
  geometry?: AreaGeometry | undefined;
  expected_version?: number | undefined;
  dry_run?: boolean | undefined;
}

export function updateCell(
  pool: Pool,
  ctx: EditContext,
  code: string,
  input: UpdateCellInput,
): Promise<EditResult> {
  return inTransaction(pool, input.dry_run ?? false, async (db) => {
    const cell = await lockOne(db, code);
    if (input.expected_version !== undefined && input.expected_version !== cell.version) {
      throw conflict(
        "cell_version_conflict",
        `Cell ${code} is at version ${cell.version}, not ${input.expected_version}: reload and retry.`,
        {
          version: cell.version,
        },
      );
    }
    if (input.geometry) {
      await requireStructuralScope(db, ctx.auth, cell);
      await requireValid(db, input.geometry, code);
    }
    await sql.updateCells(db, [
      {
        code,
        name: input.name,
        name_en: input.name_en,
        geometry: input.geometry ? JSON.stringify(input.geometry) : undefined,
      },
    ]);
    const fields = Object.keys(input).filter((k) => k !== "expected_version" && k !== "dry_run");
    // Attribute-only changes cannot break the topology; don't let old problems block a rename.
    const focus = input.geometry ? [code] : [];
    return finish(
      db,
      ctx,
      focus,
      { kind: "updated", changed: [code], retired: [] },
      {
        action: "cell.update",
        targetId: code,
        cellCode: code,
        details: { fields, from_version: cell.version },
      },
      input.dry_run ?? false,
    );
  });
}

export function moveCell(
  pool: Pool,
  ctx: EditContext,
  code: string,
  input: { parent_code: string; code?: string | undefined; dry_run?: boolean },
): Promise<EditResult> {
  return inTransaction(pool, input.dry_run ?? false, async (db) => {
    const cell = await lockOne(db, code);
    const target = await lockOne(db, input.parent_code);
    if (!cell.parent_code)
      throw badRequest("cell_is_root", `Cell ${code} is a root (district): it has no parent to move from.`);
    await requireStructuralScope(db, ctx.auth, cell);
    if (!(await cellVisible(db, ctx.auth, target.code)))
      throw forbidden(`Cell ${target.code} is outside the cells assigned to you.`);
    const [oldParent] = await sql.lockCells(db, [cell.parent_code]);
    if (target.level !== oldParent?.level) {
      throw badRequest(
        "move_level_mismatch",
        `A ${cell.level} must sit under a ${oldParent?.level}; ${target.code} is a ${target.level}.`,
      );
    }
    if (target.code === cell.parent_code)
      throw badRequest("move_same_parent", `Cell ${code} is already under ${target.code}.`);
    if (target.path.includes(code))
      throw badRequest("move_into_itself", `Cell ${code} cannot move under its own descendant.`);
    const scheme = await loadCodeScheme(db);
    const newCode = input.code ?? (await proposeCodes(db, target.code, 1))[0]!;
    const problem = checkCellCode(scheme, newCode, cell.level, target.code);
    if (problem) throw badRequest(problem.code, problem.message, { code: newCode });
    if ((await sql.selectExistingCodes(db, [newCode])).length > 0) {
      throw conflict("cell_code_taken", `Cell code ${newCode} is already used.`, { code: newCode });
    }
    const oldPrefix = prefixOf(scheme, code);
    const newPrefix = prefixOf(scheme, newCode);
    const pairs = await sql.copySubtreeRecoded(db, code, oldPrefix, newPrefix, target.code);
    const oldCodes = pairs.map((p) => p.old_code);
    await sql.retireCells(
      db,
      oldCodes,
      pairs.map((p) => [p.new_code]),
    );
    await sql.remapAssignments(db, pairs);
    const newCodes = pairs.map((p) => p.new_code);
    return finish(
      db,
      ctx,
      [newCode, ...oldCodes],
      {
        kind: "moved",
        changed: newCodes,
        retired: oldCodes,
        successors: Object.fromEntries(pairs.map((p) => [p.old_code, [p.new_code]])),
      },
      {
        action: "cell.move",
        targetId: code,
        cellCode: newCode,
        details: {
          from_parent: cell.parent_code,
          to_parent: target.code,
          new_code: newCode,
          recoded: pairs.length,
        },
      },
      input.dry_run ?? false,
    );
  });
}

async function requireLeafSiblings(
  db: Queryable,
  auth: AuthContext,
  codes: string[],
): Promise<sql.LockedCell[]> {
  const cells = await sql.lockCells(db, codes);
  for (const code of codes) {
    const cell = cells.find((c) => c.code === code);
    if (!cell || cell.retired) throw notFound("Cell", code);
    if (cell.has_children) {
      throw conflict(
        "cell_has_children",
        `Cell ${code} has current children; split, merge or retire them first.`,
        { code },
      );
    }
    if (!cell.parent_code) throw badRequest("cell_is_root", `Cell ${code} is a root (district).`, { code });
  }
  const parents = new Set(cells.map((c) => c.parent_code));
  if (parents.size > 1) {
    throw badRequest("merge_not_siblings", `Cells ${codes.join(", ")} do not share one parent.`, {
      parents: [...parents],
    });
  }
  await requireStructuralScope(db, auth, cells[0]!);
  return cells;
}

export function splitCell(
  pool: Pool,
  ctx: EditContext,
  code: string,
  input: { line: { type: "LineString"; coordinates: [number, number][] }; dry_run: boolean },
): Promise<EditResult & { area_before_m2: number; area_after_m2: number }> {
  return inTransaction(pool, input.dry_run, async (db) => {
    const [cell] = await requireLeafSiblings(db, ctx.auth, [code]);
    const pieces = await sql.selectSplitPieces(db, code, JSON.stringify(input.line));
    if (pieces.length < 2) {
      throw new AppError(
        422,
        "split_line_does_not_split",
        `The line does not cut cell ${code} into two or more parts; it must cross the cell from edge to edge.`,
      );
    }
    const before = (await sql.selectAreas(db, [code])).get(code) ?? 0;
    const newCodes = await proposeCodes(db, cell!.parent_code!, pieces.length - 1);
    await sql.updateCells(db, [{ code, geometry: pieces[0]!.geometry }]);
    await sql.insertCells(
      db,
      newCodes.map((c, i) => ({
        code: c,
        name: `${cell!.name} (${i + 2})`,
        name_en: null,
        level: cell!.level,
        parent_code: cell!.parent_code!,
        geometry: pieces[i + 1]!.geometry,
      })),
    );
    const changed = [code, ...newCodes];
    const areas = await sql.selectAreas(db, changed);
    const after = [...areas.values()].reduce((a, b) => a + b, 0);
    const result = await finish(
      db,
      ctx,
      changed,
      { kind: "split", created: newCodes, changed, retired: [], successors: { [code]: changed } },
      {
        action: "cell.split",
        targetId: code,
        cellCode: code,
        details: { new_codes: newCodes, area_before_m2: before, area_after_m2: after },
      },
      input.dry_run,
    );
    return { ...result, area_before_m2: before, area_after_m2: after };
  });
}

export function mergeCells(
  pool: Pool,
  ctx: EditContext,
  keep: string,
  input: { with: string[]; dry_run: boolean },
): Promise<EditResult & { area_before_m2: number; area_after_m2: number }> {
  return inTransaction(pool, input.dry_run, async (db) => {
    const others = [...new Set(input.with)].filter((c) => c !== keep);
    if (others.length === 0)
      throw badRequest("merge_needs_two", "Name at least one other cell to merge with.");
    await requireLeafSiblings(db, ctx.auth, [keep, ...others]);
    const union = await sql.selectUnion(db, [keep, ...others]);
    if (union.parts >= union.input_parts) {
      throw new AppError(
        422,
        "merge_not_adjacent",
        `Cells ${[keep, ...others].join(", ")} do not share a boundary; only touching siblings merge.`,
      );
    }
    const areasBefore = await sql.selectAreas(db, [keep, ...others]);
    const before = [...areasBefore.values()].reduce((a, b) => a + b, 0);
    await sql.updateCells(db, [{ code: keep, geometry: union.geometry }]);
    await sql.retireCells(
      db,
      others,
      others.map(() => [keep]),
    );
    await sql.endAssignments(db, others);
    const after = (await sql.selectAreas(db, [keep])).get(keep) ?? 0;
    const result = await finish(
      db,
      ctx,
      [keep, ...others],
      {
        kind: "merged",
        changed: [keep],
        retired: others,
        successors: Object.fromEntries(others.map((o) => [o, [keep]])),
      },
      {
        action: "cell.merge",
        targetId: keep,
        cellCode: keep,
        details: { merged: others, area_before_m2: before, area_after_m2: after },
      },
      input.dry_run,
    );
    return { ...result, area_before_m2: before, area_after_m2: after };
  });
}

export function retireCell(
  pool: Pool,
  ctx: EditContext,
  code: string,
  input: { reason: string; dry_run?: boolean },
): Promise<EditResult> {
  return inTransaction(pool, input.dry_run ?? false, async (db) => {
    const [cell] = await sql.lockCells(db, [code]);
    if (!cell || cell.retired) throw notFound("Cell", code);
    if (cell.has_children)
      throw conflict("cell_has_children", `Cell ${code} has current children; retire or move them first.`, {
        code,
      });
    await requireStructuralScope(db, ctx.auth, cell);
    await sql.retireCells(db, [code]);
    await sql.endAssignments(db, [code]);
    return finish(
      db,
      ctx,
      [code],
      { kind: "retired", changed: [], retired: [code] },
      {
        action: "cell.retire",
        targetId: code,
        cellCode: code,
        details: { reason: input.reason, version: cell.version },
      },
      input.dry_run ?? false,
    );
  });
}

/** Locks the cell whose accepted gaps change; it must be within the editor's cells. */
async function lockGapParent(db: Queryable, auth: AuthContext, parentCode: string): Promise<void> {
  const parent = await lockOne(db, parentCode);
  if (!(await cellVisible(db, auth, parent.code)))
    throw forbidden(`Cell ${parentCode} is outside your cells.`);
}

export function acceptGap(
  pool: Pool,
  ctx: EditContext,
  parentCode: string,
  input: { geometry: AreaGeometry; reason: string },
): Promise<{ id: number; report: TopologyReport }> {
  return inTransaction(pool, false, async (db) => {
    await lockGapParent(db, ctx.auth, parentCode);
    await requireValid(db, input.geometry, null);
    const id = await sql.insertAcceptedGap(
      db,
      parentCode,
      JSON.stringify(input.geometry),
      input.reason,
      ctx.auth.userId,
    );
    await recordAudit(db, {
      ...ctx.audit,
      action: "cell.accept_gap",
      targetType: "cell",
      targetId: parentCode,
      cellCode: parentCode,
      details: { gap_id: id, reason: input.reason },
    });
    const report = await checkTopology(db, [parentCode], await loadTopologySettings(db));
    return { id, report };
  });
}

/** The parts of a cell accepted as needing no child, as GeoJSON features. */
export async function listAcceptedGaps(db: Queryable, parentCode: string) {
  const gaps = await sql.selectAcceptedGaps(db, parentCode);
  return {
    type: "FeatureCollection" as const,
    features: gaps.map((g) => ({
      type: "Feature" as const,
      id: g.id,
      geometry: g.geometry,
      properties: {
        id: g.id,
        reason: g.reason,
        accepted_by: g.accepted_by,
        accepted_at: g.accepted_at.toISOString(),
      },
    })),
  };
}

/** Takes back an accepted gap: the topology check reports the uncovered part again. */
export function removeAcceptedGap(
  pool: Pool,
  ctx: EditContext,
  parentCode: string,
  gapId: number,
): Promise<{ report: TopologyReport }> {
  return inTransaction(pool, false, async (db) => {
    await lockGapParent(db, ctx.auth, parentCode);
    const reason = await sql.deleteAcceptedGap(db, parentCode, gapId);
    if (reason === null) throw notFound("Accepted gap", `${parentCode}/${gapId}`);
    await recordAudit(db, {
      ...ctx.audit,
      action: "cell.remove_accepted_gap",
      targetType: "cell",
      targetId: parentCode,
      cellCode: parentCode,
      details: { gap_id: gapId, reason },
    });
    return { report: await checkTopology(db, [parentCode], await loadTopologySettings(db)) };
  });
}

export interface BatchChange {
  code: string;
  name?: string | undefined;
  name_en?: string | null | undefined;
  geometry?: AreaGeometry | undefined;
}

/**
 * Several cells changed together and checked once: the way to move a shared boundary
 * (shrink one cell, grow its neighbour), which no single edit can do without an overlap
 * or an orphan in between.
 */
export function updateCellsTogether(
  pool: Pool,
  ctx: EditContext,
  input: { changes: BatchChange[]; dry_run: boolean },
): Promise<EditResult> {
  return inTransaction(pool, input.dry_run, async (db) => {
    const codes = input.changes.map((c) => c.code);
    if (new Set(codes).size !== codes.length)
      throw badRequest("duplicate_code", "Each cell may appear once in a batch.");
    const cells = await sql.lockCells(db, codes);
    for (const change of input.changes) {
      const cell = cells.find((c) => c.code === change.code);
      if (!cell || cell.retired) throw notFound("Cell", change.code);
      if (!(await cellVisible(db, ctx.auth, cell.code)))
        throw forbidden(`Cell ${cell.code} is outside the cells assigned to you.`);
      if (change.geometry) await requireStructuralScope(db, ctx.auth, cell);
    }
    const withGeometry = input.changes.filter((c) => c.geometry);
    const validity = await checkCandidateValidity(
      db,
      withGeometry.map((c) => ({ geometry: c.geometry, code: c.code, row: null })),
    );
    if (!validity.ok) throw topologyViolation(validity);
    await sql.updateCells(
      db,
      input.changes.map((c) => ({
        code: c.code,
        name: c.name,
        name_en: c.name_en,
        geometry: c.geometry ? JSON.stringify(c.geometry) : undefined,
      })),
    );
    const report = await checkTopology(
      db,
      withGeometry.map((c) => c.code),
      await loadTopologySettings(db),
    );
    if (!report.ok) throw topologyViolation(report);
    for (const change of input.changes) {
      await recordAudit(db, {
        ...ctx.audit,
        action: "cell.update",
        targetType: "cell",
        targetId: change.code,
        cellCode: change.code,
        details: { fields: Object.keys(change).filter((k) => k !== "code"), batch: codes },
      });
    }
    await emitCellChange(db, { kind: "updated", changed: codes, retired: [], actor: ctx.audit.actor });
    return { cells: await sql.selectCellFeatures(db, codes), retired: [], report, dry_run: input.dry_run };
  });
}
