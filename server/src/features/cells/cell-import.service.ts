import { createHash } from "node:crypto";
import { CellIoError, type CellRecord, type CrsId, readCellFile } from "@gridops/gis-data/io/index";
import type { Pool, Queryable } from "../../db/pool.js";
import { AppError, badRequest, conflict, notFound } from "../../http/errors.js";
import type { Logger } from "../../logger.js";
import { recordAudit } from "../audit/audit.service.js";
import { emitCellChange } from "./cell-change-events.js";
import {
  type CellCodeScheme,
  checkCellCode,
  levelOfCode,
  loadCodeScheme,
  parentCodeOf,
  prefixOf,
} from "./cell-code-scheme.js";
import { type EditContext, inTransaction } from "./cell-edits.service.js";
import * as edits from "./cell-edits.sql.js";
import * as sql from "./cell-import.sql.js";
import {
  checkCandidateValidity,
  checkTopology,
  loadTopologySettings,
  type TopologyReport,
} from "./cell-topology.js";

/** A problem with one row of the file; nothing is written while any exist. */
export interface ImportRowProblem {
  row: number;
  code: string;
  error: string;
  message: string;
}

export interface ImportReport {
  ok: boolean;
  features: number;
  add: string[];
  change: string[];
  retire: string[];
  unchanged: number;
  rows: ImportRowProblem[];
  topology: TopologyReport | null;
}

/** Past this many written rows the import refreshes planner statistics before checking. */
const BULK_ROWS = 500;

const emptyReport = (features: number, rows: ImportRowProblem[]): ImportReport => ({
  ok: false,
  features,
  add: [],
  change: [],
  retire: [],
  unchanged: 0,
  rows,
  topology: null,
});

/** Checks each row against the code scheme, the import root and the other rows. */
function rowProblems(scheme: CellCodeScheme, root: string, cells: readonly CellRecord[]): ImportRowProblem[] {
  const problems: ImportRowProblem[] = [];
  const seen = new Map<string, number>();
  const rootDef = levelOfCode(scheme, root);
  const rootPrefix = prefixOf(scheme, root);
  for (const c of cells) {
    const at = { row: c.row, code: c.code };
    const earlier = seen.get(c.code);
    if (earlier !== undefined) {
      problems.push({
        ...at,
        error: "duplicate_code",
        message: `Feature ${c.row}: code ${c.code} already appears in feature ${earlier}.`,
      });
      continue;
    }
    seen.set(c.code, c.row);
    const encoded = levelOfCode(scheme, c.code);
    const level = c.level ?? encoded?.level ?? "";
    const parent = c.parent_code ?? (encoded ? parentCodeOf(scheme, c.code) : null);
    const problem = checkCellCode(scheme, c.code, level, parent);
    if (problem) {
      problems.push({ ...at, error: problem.code, message: `Feature ${c.row}: ${problem.message}` });
    } else if (
      c.code !== root &&
      (!c.code.startsWith(rootPrefix) || (encoded && rootDef && encoded.depth <= rootDef.depth))
    ) {
      problems.push({
        ...at,
        error: "code_outside_root",
        message: `Feature ${c.row}: cell ${c.code} is neither the import root ${root} nor below it.`,
      });
    }
  }
  return problems;
}

interface Plan {
  report: ImportReport;
  focus: string[];
}

/**
 * Works out and performs the import inside the caller's transaction: adds (top level first),
 * changes, retirements, then the topology check. The caller commits or rolls back.
 */
export async function applyInTransaction(
  db: Queryable,
  root: string,
  cells: readonly CellRecord[],
): Promise<Plan> {
  const scheme = await loadCodeScheme(db);
  const rows = rowProblems(scheme, root, cells);
  if (rows.length) return { report: emptyReport(cells.length, rows), focus: [] };
  const validity = await checkCandidateValidity(
    db,
    cells.map((c) => ({ geometry: c.geometry, code: c.code, row: c.row })),
  );
  if (!validity.ok) {
    const invalid = validity.problems.map((p): ImportRowProblem => {
      const row = p.kind === "invalid_geometry" ? (p.row ?? 0) : 0;
      const reason = p.kind === "invalid_geometry" ? p.reason : p.kind;
      return {
        row,
        code: cells[row - 1]?.code ?? "",
        error: "invalid_geometry",
        message: `Feature ${row}: invalid geometry (${reason}).`,
      };
    });
    return { report: { ...emptyReport(cells.length, invalid), topology: validity }, focus: [] };
  }
  const asText = cells.map((c) => ({
    code: c.code,
    name: c.name,
    name_en: c.name_en,
    geometry: JSON.stringify(c.geometry),
  }));
  const compared = await sql.compareWithStored(db, asText);
  const retiredCodes = compared.filter((c) => c.retired);
  if (retiredCodes.length) {
    const problems = retiredCodes.map((r, i): ImportRowProblem => {
      const row = cells.find((c) => c.code === r.code)!.row;
      return {
        row,
        code: r.code,
        error: "code_retired",
        message: `Feature ${row}: code ${r.code} belonged to a retired cell and is not reused.${i === 0 ? "" : ""}`,
      };
    });
    return { report: emptyReport(cells.length, problems), focus: [] };
  }
  const byCode = new Map(cells.map((c) => [c.code, c]));
  const add = compared.filter((c) => !c.existing).map((c) => c.code);
  const change = compared
    .filter((c) => c.existing && !(c.same_geometry && c.same_attributes))
    .map((c) => c.code);
  const unchanged = compared.length - add.length - change.length;
  const retire = await sql.selectCellsMissingFromFile(
    db,
    root,
    cells.map((c) => c.code),
  );

  for (const def of scheme.levels) {
    const level = add
      .filter((code) => levelOfCode(scheme, code)?.level === def.level)
      .map((code) => byCode.get(code)!);
    await edits.insertCells(
      db,
      level.map((c) => ({
        code: c.code,
        name: c.name,
        name_en: c.name_en,
        level: def.level,
        parent_code: c.parent_code ?? parentCodeOf(scheme, c.code)!,
        geometry: JSON.stringify(c.geometry),
      })),
    );
  }
  const inserted = new Set(await edits.selectExistingCodes(db, add));
  const orphans = add.filter((code) => !inserted.has(code));
  if (orphans.length) {
    const problems = orphans.map((code): ImportRowProblem => {
      const c = byCode.get(code)!;
      return {
        row: c.row,
        code,
        error: "parent_missing",
        message: `Feature ${c.row}: the parent of ${code} is neither stored nor in the file.`,
      };
    });
    return { report: emptyReport(cells.length, problems), focus: [] };
  }
  await edits.updateCells(
    db,
    change.map((code) => {
      const c = byCode.get(code)!;
      return { code, name: c.name, name_en: c.name_en, geometry: JSON.stringify(c.geometry) };
    }),
  );
  await edits.retireCells(db, retire);
  await edits.endAssignments(db, retire);
  if (add.length + change.length + retire.length > BULK_ROWS) await sql.analyzeCells(db);
  const focus = [root, ...add, ...change, ...retire];
  const topology = await checkTopology(db, focus, await loadTopologySettings(db));
  return {
    report: { ok: topology.ok, features: cells.length, add, change, retire, unchanged, rows: [], topology },
    focus,
  };
}

export interface StartImportInput {
  bytes: Uint8Array;
  fileName: string;
  root: string;
  crs?: CrsId | undefined;
}

/** Registers the upload and starts the dry run in the background; poll getImport for progress. */
export async function startImport(
  pool: Pool,
  log: Logger,
  ctx: EditContext,
  input: StartImportInput,
): Promise<{ id: number; status: string }> {
  const [root] = await edits.lockCells(pool, [input.root]);
  if (!root || root.retired) throw notFound("Cell", input.root);
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  const id = await sql.insertImport(pool, {
    fileName: input.fileName,
    sha256,
    root: input.root,
    createdBy: ctx.auth.userId,
  });
  void runDryRun(pool, id, input).catch((err: unknown) =>
    log.error({ err, importId: id }, "cell import dry run failed"),
  );
  return { id, status: "parsing" };
}

/** Parses the file and runs the whole import in a transaction that is rolled back. */
export async function runDryRun(pool: Pool, id: number, input: StartImportInput): Promise<void> {
  let lastProgress = 0;
  try {
    const parsed = await readCellFile(input.bytes, {
      fileName: input.fileName,
      ...(input.crs ? { crs: input.crs } : {}),
      onProgress: (p) => {
        if (Date.now() - lastProgress < 250) return;
        lastProgress = Date.now();
        void sql.updateImport(pool, id, { progress: p }).catch(() => {});
      },
    });
    await sql.updateImport(pool, id, {
      status: "checking",
      format: parsed.format,
      crs: parsed.crs,
      progress: { phase: "checking", done: 0, total: parsed.cells.length },
    });
    const plan = await inTransaction(pool, true, (db) => applyInTransaction(db, input.root, parsed.cells));
    await sql.updateImport(pool, id, {
      status: plan.report.ok ? "ready" : "rejected",
      report: plan.report,
      cells: plan.report.ok ? parsed.cells : null,
      progress: { phase: "done", done: parsed.cells.length, total: parsed.cells.length },
    });
  } catch (error) {
    const detail =
      error instanceof CellIoError
        ? {
            code: error.code,
            message: error.message,
            row: error.location?.row ?? null,
            cell_code: error.location?.code ?? null,
          }
        : { code: "import_failed", message: "The import failed on our side; see the server log." };
    await sql.updateImport(pool, id, {
      status: error instanceof CellIoError ? "rejected" : "failed",
      error: detail,
    });
    if (!(error instanceof CellIoError)) throw error;
  }
}

export async function getImport(db: Queryable, id: number, scope: readonly string[]): Promise<sql.ImportRow> {
  const row = await sql.selectImport(db, id, scope);
  if (!row) throw notFound("Cell import", String(id));
  return row;
}

/** Applies a ready import in one transaction, if the database still gives the dry run's plan. */
export async function applyImport(pool: Pool, ctx: EditContext, id: number): Promise<ImportReport> {
  await getImport(pool, id, ctx.auth.cellCodes);
  return inTransaction(pool, false, async (db) => {
    const stored = await sql.lockImportCells(db, id);
    if (!stored) throw notFound("Cell import", String(id));
    if (stored.status !== "ready") {
      throw conflict(
        "import_not_ready",
        `Import ${id} is ${stored.status}; only a dry run that passed (ready) can be applied.`,
      );
    }
    const cells = stored.cells as CellRecord[];
    const plan = await applyInTransaction(db, stored.root_code, cells);
    if (!plan.report.ok) {
      throw new AppError(
        422,
        "import_rejected",
        `Import ${id} no longer passes its checks; run a new dry run.`,
        { report: plan.report },
      );
    }
    await recordAudit(db, {
      ...ctx.audit,
      action: "cell.import",
      targetType: "cell_import",
      targetId: String(id),
      cellCode: stored.root_code,
      details: {
        added: plan.report.add.length,
        changed: plan.report.change.length,
        retired: plan.report.retire.length,
      },
    });
    if (plan.report.add.length + plan.report.change.length + plan.report.retire.length > 0) {
      await emitCellChange(db, {
        kind: "imported",
        created: plan.report.add,
        changed: [...plan.report.add, ...plan.report.change],
        retired: plan.report.retire,
        actor: ctx.audit.actor,
      });
    }
    await sql.updateImport(db, id, { status: "applied", report: plan.report });
    return plan.report;
  });
}

export function requireImportRoot(root: string | undefined): string {
  if (!root)
    throw badRequest(
      "import_root_required",
      "Say under which cell the file's cells belong: ?root=<cell code>.",
    );
  return root;
}
