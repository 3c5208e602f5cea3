import type { Queryable } from "../../db/pool.js";

export interface LockedCell {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  path: string[];
  retired: boolean;
  version: number;
  has_children: boolean;
}

/** Locks the named cells (any state) so concurrent edits of the same cells serialize. */
export function lockCells(db: Queryable, codes: readonly string[]): Promise<LockedCell[]> {
  return selectCellsForEdit(db, codes, true);
}

/** The named cells (any state) as edits see them; `forUpdate` also row-locks them. */
export async function selectCellsForEdit(
  db: Queryable,
  codes: readonly string[],
  forUpdate: boolean,
): Promise<LockedCell[]> {
  const { rows } = await db.query<LockedCell>(
    `SELECT c.code, c.name, c.level, c.parent_code, c.path, c.retired_at IS NOT NULL AS retired, c.version,
            EXISTS (SELECT 1 FROM cells k WHERE k.parent_code = c.code AND k.retired_at IS NULL) AS has_children
       FROM cells c WHERE c.code = ANY($1::text[]) ORDER BY c.code${forUpdate ? " FOR UPDATE OF c" : ""}`,
    [codes],
  );
  return rows;
}

/** Every code ever used directly under a parent (retired ones included: codes are never reused). */
export async function selectChildCodesEverUsed(db: Queryable, parentCode: string): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>("SELECT code FROM cells WHERE parent_code = $1", [
    parentCode,
  ]);
  return rows.map((r) => r.code);
}

export async function selectExistingCodes(db: Queryable, codes: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>("SELECT code FROM cells WHERE code = ANY($1::text[])", [
    codes,
  ]);
  return rows.map((r) => r.code);
}

export interface NewCellRow {
  code: string;
  name: string;
  name_en: string | null;
  level: string;
  parent_code: string;
  /** GeoJSON Polygon or MultiPolygon text in WGS 84. */
  geometry: string;
}

/** Inserts cells whose parents already exist (path = parent's path + own code). */
export async function insertCells(db: Queryable, cells: readonly NewCellRow[]): Promise<void> {
  if (cells.length === 0) return;
  await db.query(
    `INSERT INTO cells (code, name, name_en, level, parent_code, path, geom)
     SELECT t.code, t.name, t.name_en, t.level, t.parent_code, p.path || t.code,
            ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(t.g), 4326)))
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
              AS t(code, name, name_en, level, parent_code, g)
       JOIN cells p ON p.code = t.parent_code AND p.retired_at IS NULL`,
    [
      cells.map((c) => c.code),
      cells.map((c) => c.name),
      cells.map((c) => c.name_en),
      cells.map((c) => c.level),
      cells.map((c) => c.parent_code),
      cells.map((c) => c.geometry),
    ],
  );
}

export interface CellChange {
  code: string;
  name?: string | undefined;
  /** undefined = keep; null = clear. */
  name_en?: string | null | undefined;
  geometry?: string | undefined;
}

/** Changes attributes and/or geometry of current cells; each change is a new version. */
export async function updateCells(db: Queryable, changes: readonly CellChange[]): Promise<number> {
  if (changes.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE cells c SET
        name = coalesce(t.name, c.name),
        name_en = CASE WHEN t.set_name_en THEN t.name_en ELSE c.name_en END,
        geom = coalesce(ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(t.g), 4326))), c.geom),
        version = c.version + 1,
        updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[], $5::text[]) AS t(code, name, set_name_en, name_en, g)
      WHERE c.code = t.code AND c.retired_at IS NULL`,
    [
      changes.map((c) => c.code),
      changes.map((c) => c.name ?? null),
      changes.map((c) => c.name_en !== undefined),
      changes.map((c) => c.name_en ?? null),
      changes.map((c) => c.geometry ?? null),
    ],
  );
  return rowCount ?? 0;
}

/** Retires current cells, recording the cells that replace them (if any). */
export async function retireCells(
  db: Queryable,
  codes: readonly string[],
  successors: readonly (readonly string[] | null)[] = codes.map(() => null),
): Promise<number> {
  if (codes.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE cells c SET retired_at = now(), version = c.version + 1, updated_at = now(),
            successor_codes = CASE WHEN t.s IS NULL THEN NULL ELSE string_to_array(t.s, ',') END
       FROM unnest($1::text[], $2::text[]) AS t(code, s)
      WHERE c.code = t.code AND c.retired_at IS NULL`,
    [codes, successors.map((s) => (s ? s.join(",") : null))],
  );
  return rowCount ?? 0;
}

/**
 * Copies the current subtree under `oldCode` to new codes (prefix `oldPrefix` replaced by
 * `newPrefix`) below `newParent`, and returns the old→new pairs. Old rows are retired by
 * the caller, so history keeps them.
 */
export async function copySubtreeRecoded(
  db: Queryable,
  oldCode: string,
  oldPrefix: string,
  newPrefix: string,
  newParent: string,
): Promise<{ old_code: string; new_code: string }[]> {
  const { rows } = await db.query<{ old_code: string; new_code: string }>(
    `WITH old AS (
       SELECT * FROM cells WHERE retired_at IS NULL AND path && ARRAY[$1::text]
     ), recoded AS (
       SELECT o.*, $3 || substr(o.code, length($2) + 1) AS new_code,
              (SELECT array_agg($3 || substr(e, length($2) + 1) ORDER BY i)
                 FROM unnest(o.path) WITH ORDINALITY AS u(e, i) WHERE i >= array_position(o.path, $1::text)) AS tail
         FROM old o
     ), ins AS (
       INSERT INTO cells (code, name, name_en, level, parent_code, path, geom)
       SELECT r.new_code, r.name, r.name_en, r.level,
              CASE WHEN r.code = $1 THEN $4 ELSE $3 || substr(r.parent_code, length($2) + 1) END,
              (SELECT path FROM cells WHERE code = $4) || r.tail, r.geom
         FROM recoded r
       RETURNING code
     )
     SELECT r.code AS old_code, r.new_code FROM recoded r JOIN ins ON ins.code = r.new_code ORDER BY r.code`,
    [oldCode, oldPrefix, newPrefix, newParent],
  );
  return rows;
}

/** The polygons a line cuts a cell into, largest first. */
export async function selectSplitPieces(
  db: Queryable,
  code: string,
  lineGeoJson: string,
): Promise<{ geometry: string; area_m2: number }[]> {
  const { rows } = await db.query<{ geometry: string; area_m2: number }>(
    `SELECT ST_AsGeoJSON(d.geom, 15) AS geometry, ST_Area(d.geom::geography) AS area_m2
       FROM cells c, LATERAL ST_Dump(ST_CollectionExtract(
              ST_Split(c.geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 3)) d
      WHERE c.code = $1
      ORDER BY 2 DESC`,
    [code, lineGeoJson],
  );
  return rows;
}

export async function selectUnion(
  db: Queryable,
  codes: readonly string[],
): Promise<{ geometry: string; parts: number; input_parts: number }> {
  const { rows } = await db.query<{ geometry: string; parts: number; input_parts: number }>(
    `SELECT ST_AsGeoJSON(ST_Multi(ST_Union(geom)), 15) AS geometry,
            ST_NumGeometries(ST_Multi(ST_Union(geom))) AS parts, sum(ST_NumGeometries(geom))::int AS input_parts
       FROM cells WHERE code = ANY($1::text[])`,
    [codes],
  );
  return rows[0]!;
}

export async function selectAreas(db: Queryable, codes: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ code: string; area_m2: number }>(
    "SELECT code, ST_Area(geom::geography) AS area_m2 FROM cells WHERE code = ANY($1::text[])",
    [codes],
  );
  return new Map(rows.map((r) => [r.code, r.area_m2]));
}

/** Moves everyone's cell assignments (scope roots and leader/worker rows) from old codes to new ones. */
export async function remapAssignments(
  db: Queryable,
  pairs: readonly { old_code: string; new_code: string }[],
): Promise<void> {
  if (pairs.length === 0) return;
  const params = [pairs.map((p) => p.old_code), pairs.map((p) => p.new_code)];
  await db.query(
    `INSERT INTO user_cells (user_id, cell_code)
     SELECT uc.user_id, t.new_code FROM user_cells uc JOIN unnest($1::text[], $2::text[]) AS t(old_code, new_code)
       ON uc.cell_code = t.old_code
     ON CONFLICT DO NOTHING`,
    params,
  );
  await db.query("DELETE FROM user_cells WHERE cell_code = ANY($1::text[])", [params[0]]);
  await db.query(
    `WITH ended AS (
       UPDATE cell_assignments a SET valid_to = now()
         FROM unnest($1::text[], $2::text[]) AS t(old_code, new_code)
        WHERE a.cell_code = t.old_code AND a.valid_to IS NULL
       RETURNING a.user_id, a.role, t.new_code, a.assigned_by
     )
     INSERT INTO cell_assignments (cell_code, user_id, role, assigned_by)
     SELECT new_code, user_id, role, assigned_by FROM ended`,
    params,
  );
}

/** Ends the current leader/worker assignments of retired cells. */
export async function endAssignments(db: Queryable, codes: readonly string[]): Promise<void> {
  await db.query(
    "UPDATE cell_assignments SET valid_to = now() WHERE cell_code = ANY($1::text[]) AND valid_to IS NULL",
    [codes],
  );
}

export async function selectCellFeatures(db: Queryable, codes: readonly string[]): Promise<unknown[]> {
  const { rows } = await db.query<{ feature: unknown }>(
    `SELECT json_build_object('type', 'Feature', 'id', code, 'geometry', ST_AsGeoJSON(geom, 9)::json,
              'properties', json_build_object('code', code, 'name', name, 'name_en', name_en, 'level', level,
                'parent_code', parent_code, 'version', version, 'retired', retired_at IS NOT NULL,
                'successor_codes', successor_codes, 'area_m2', ST_Area(geom::geography))) AS feature
       FROM cells WHERE code = ANY($1::text[]) ORDER BY code`,
    [codes],
  );
  return rows.map((r) => r.feature);
}

export async function insertAcceptedGap(
  db: Queryable,
  parentCode: string,
  geometry: string,
  reason: string,
  userId: number | null,
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO cell_accepted_gaps (parent_code, geom, reason, accepted_by)
     VALUES ($1, ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))), $3, $4) RETURNING id`,
    [parentCode, geometry, reason, userId],
  );
  return rows[0]!.id;
}

export interface AcceptedGapRow {
  id: number;
  geometry: unknown;
  reason: string;
  accepted_by: string | null;
  accepted_at: Date;
}

/** The accepted gaps of a parent, oldest first, with who accepted them. */
export async function selectAcceptedGaps(db: Queryable, parentCode: string): Promise<AcceptedGapRow[]> {
  const { rows } = await db.query<AcceptedGapRow>(
    `SELECT g.id::int AS id, ST_AsGeoJSON(g.geom)::json AS geometry, g.reason, u.username AS accepted_by, g.accepted_at
       FROM cell_accepted_gaps g LEFT JOIN users u ON u.id = g.accepted_by
      WHERE g.parent_code = $1 ORDER BY g.accepted_at, g.id`,
    [parentCode],
  );
  return rows;
}

/** Removes one accepted gap of a parent; returns its reason, or null when there is none with that id. */
export async function deleteAcceptedGap(
  db: Queryable,
  parentCode: string,
  id: number,
): Promise<string | null> {
  const { rows } = await db.query<{ reason: string }>(
    "DELETE FROM cell_accepted_gaps WHERE parent_code = $1 AND id = $2 RETURNING reason",
    [parentCode, id],
  );
  return rows[0]?.reason ?? null;
}

/**
 * Cameras and checkpoints in (or assigned to) changed or retired cells get the current
 * lowest-code finest cell that covers them, so they never point at a retired cell. Cameras
 * with a manual cell override keep it. History stays with reads and incidents.
 */
export async function reResolvePlacedCells(db: Queryable, codes: readonly string[]): Promise<void> {
  if (codes.length === 0) return;
  const owner = (alias: string) => `(SELECT g.code FROM cells g
      WHERE g.retired_at IS NULL AND g.level = (SELECT level FROM cell_levels ORDER BY depth DESC LIMIT 1)
        AND ST_Covers(g.geom, ${alias}.geom) ORDER BY g.code LIMIT 1)`;
  const area = "(SELECT ST_Union(geom) FROM cells WHERE code = ANY($1::text[]))";
  await db.query(
    `UPDATE cameras c SET cell_code = ${owner("c")}, updated_at = now()
      WHERE c.cell_override IS NULL AND (c.cell_code = ANY($1::text[]) OR ST_Intersects(c.geom, ${area}))
        AND c.cell_code IS DISTINCT FROM ${owner("c")}`,
    [codes],
  );
  await db.query(
    `UPDATE checkpoints k SET cell_code = ${owner("k")}, updated_at = now()
      WHERE (k.cell_code = ANY($1::text[]) OR ST_Intersects(k.geom, ${area}))
        AND k.cell_code IS DISTINCT FROM ${owner("k")}`,
    [codes],
  );
}
