import type { Queryable } from "../../db/pool.js";

export interface ImportComparison {
  code: string;
  existing: boolean;
  retired: boolean;
  same_geometry: boolean;
  same_attributes: boolean;
  path: string[] | null;
}

/**
 * How each file cell compares with the stored one. Geometry is the same when topologically
 * equal, or when no vertex moved more than 1e-8° (≈1 mm: a CRS round trip's rounding).
 */
export async function compareWithStored(
  db: Queryable,
  cells: readonly { code: string; name: string; name_en: string | null; geometry: string }[],
): Promise<ImportComparison[]> {
  const { rows } = await db.query<ImportComparison>(
    `SELECT t.code, c.code IS NOT NULL AS existing, coalesce(c.retired_at IS NOT NULL, false) AS retired, c.path,
            coalesce(ST_Equals(c.geom, f.geom)
                     OR (ST_NPoints(c.geom) = ST_NPoints(f.geom) AND ST_HausdorffDistance(c.geom, f.geom) < 1e-8), false)
              AS same_geometry,
            coalesce(c.name = t.name AND c.name_en IS NOT DISTINCT FROM t.name_en, false) AS same_attributes
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(code, name, name_en, g, n)
       CROSS JOIN LATERAL (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(t.g), 4326)) AS geom) f
       LEFT JOIN cells c ON c.code = t.code
      ORDER BY t.n`,
    [
      cells.map((c) => c.code),
      cells.map((c) => c.name),
      cells.map((c) => c.name_en),
      cells.map((c) => c.geometry),
    ],
  );
  return rows;
}

/** Current cells below the import root that the file no longer lists. */
export async function selectCellsMissingFromFile(
  db: Queryable,
  root: string,
  fileCodes: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `SELECT code FROM cells
      WHERE retired_at IS NULL AND path && ARRAY[$1::text] AND code <> $1 AND NOT (code = ANY($2::text[]))
      ORDER BY code`,
    [root, fileCodes],
  );
  return rows.map((r) => r.code);
}

export interface ImportRow {
  id: number;
  status: string;
  file_name: string;
  format: string | null;
  crs: string | null;
  root_code: string | null;
  progress: unknown;
  error: unknown;
  report: unknown;
  created_at: Date;
  applied_at: Date | null;
}

export async function insertImport(
  db: Queryable,
  row: { fileName: string; sha256: string; root: string; createdBy: number | null },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO cell_imports (status, file_name, file_sha256, root_code, created_by)
     VALUES ('parsing', $1, $2, $3, $4) RETURNING id`,
    [row.fileName, row.sha256, row.root, row.createdBy],
  );
  return rows[0]!.id;
}

export async function updateImport(
  db: Queryable,
  id: number,
  change: {
    status?: string;
    progress?: unknown;
    error?: unknown;
    report?: unknown;
    cells?: unknown;
    format?: string;
    crs?: string;
  },
): Promise<void> {
  await db.query(
    `UPDATE cell_imports SET status = coalesce($2, status), progress = coalesce($3::jsonb, progress),
            error = coalesce($4::jsonb, error), report = coalesce($5::jsonb, report),
            format = coalesce($7, format), crs = coalesce($8, crs),
            applied_at = CASE WHEN $2 = 'applied' THEN now() ELSE applied_at END,
            -- The file's cells are kept only until applied: the cells table has them then.
            cells = CASE WHEN $2 = 'applied' THEN NULL ELSE coalesce($6::jsonb, cells) END
      WHERE id = $1`,
    [
      id,
      change.status ?? null,
      change.progress === undefined ? null : JSON.stringify(change.progress),
      change.error === undefined ? null : JSON.stringify(change.error),
      change.report === undefined ? null : JSON.stringify(change.report),
      change.cells === undefined ? null : JSON.stringify(change.cells),
      change.format ?? null,
      change.crs ?? null,
    ],
  );
}

/** An import visible to the caller (its root within the caller's cells). */
export async function selectImport(
  db: Queryable,
  id: number,
  scope: readonly string[],
): Promise<ImportRow | null> {
  const { rows } = await db.query<ImportRow>(
    // A dry run runs in the server process; one still "parsing"/"checking" after an hour
    // was cut off (e.g. by a restart) and is reported as failed.
    `SELECT i.id,
            CASE WHEN i.status IN ('parsing', 'checking') AND i.created_at < now() - interval '1 hour'
                 THEN 'failed' ELSE i.status END AS status,
            i.file_name, i.format, i.crs, i.root_code, i.progress, i.error, i.report, i.created_at, i.applied_at
       FROM cell_imports i JOIN cells r ON r.code = i.root_code
      WHERE i.id = $1 AND r.path && $2::text[]`,
    [id, scope],
  );
  return rows[0] ?? null;
}

export async function lockImportCells(
  db: Queryable,
  id: number,
): Promise<{ status: string; root_code: string; cells: unknown } | null> {
  const { rows } = await db.query<{ status: string; root_code: string; cells: unknown }>(
    "SELECT status, root_code, cells FROM cell_imports WHERE id = $1 FOR UPDATE",
    [id],
  );
  return rows[0] ?? null;
}

/** Current cells of a subtree for export, top level first. */
export async function selectSubtreeForExport(
  db: Queryable,
  root: string,
): Promise<
  {
    code: string;
    name: string;
    name_en: string | null;
    level: string;
    parent_code: string | null;
    geometry: string;
  }[]
> {
  const { rows } = await db.query<{
    code: string;
    name: string;
    name_en: string | null;
    level: string;
    parent_code: string | null;
    geometry: string;
  }>(
    `SELECT c.code, c.name, c.name_en, c.level, c.parent_code, ST_AsGeoJSON(c.geom, 15) AS geometry
       FROM cells c JOIN cell_levels l ON l.level = c.level
      WHERE c.retired_at IS NULL AND c.path && ARRAY[$1::text]
      ORDER BY l.depth, c.code`,
    [root],
  );
  return rows;
}

/**
 * Refreshes the planner's statistics on cells inside the import's transaction: after
 * thousands of new rows the stale estimates make the overlap check's plan 20× slower.
 */
export async function analyzeCells(db: Queryable): Promise<void> {
  await db.query("ANALYZE cells");
}
