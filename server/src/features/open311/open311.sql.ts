import type { Queryable } from "../../db/pool.js";

export interface Open311RequestRow {
  id: number;
  state: string;
  category: string;
  categoryName: string;
  categoryNameEn: string;
  description: string;
  lon: number;
  lat: number;
  reportedAt: Date;
  updatedAt: Date;
  dueAt: Date | null;
  /** The caller's api_key covers the incident's cell (it may see the description). */
  inScope: boolean;
}

export interface Open311RequestFilter {
  ids?: number[] | undefined;
  serviceCodes?: string[] | undefined;
  start: Date;
  end: Date;
  states?: ("open" | "closed")[] | undefined;
  scope: readonly string[] | null;
  limit: number;
}

/**
 * Read-only listing of incidents opened through Open311 (the incidents feature's list has no
 * source or date filter). Only source = 'open311': other intake channels are never exposed here.
 */
export async function selectOpen311Requests(
  db: Queryable,
  f: Open311RequestFilter,
): Promise<Open311RequestRow[]> {
  const { rows } = await db.query<Open311RequestRow>(
    `SELECT i.id, i.state, i.category_code AS category, cat.name AS "categoryName", cat.name_en AS "categoryNameEn",
            i.description, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.reported_at AS "reportedAt", i.updated_at AS "updatedAt",
            (SELECT d.due_at FROM incident_deadlines d WHERE d.incident_id = i.id AND d.finished_at IS NULL) AS "dueAt",
            coalesce(c.path && $6::text[], false) AS "inScope"
       FROM incidents i JOIN incident_categories cat ON cat.code = i.category_code JOIN cells c ON c.code = i.cell_code
      WHERE i.source = 'open311'
        AND ($1::bigint[] IS NULL OR i.id = ANY ($1::bigint[]))
        AND ($2::text[] IS NULL OR i.category_code = ANY ($2::text[]))
        AND ($1::bigint[] IS NOT NULL OR i.reported_at BETWEEN $3::timestamptz AND $4::timestamptz)
        AND ($5::text[] IS NULL OR (CASE WHEN i.state IN ('closed', 'voided') THEN 'closed' ELSE 'open' END) = ANY ($5::text[]))
      ORDER BY i.reported_at DESC, i.id DESC LIMIT $7`,
    [f.ids ?? null, f.serviceCodes ?? null, f.start, f.end, f.states ?? null, f.scope ?? [], f.limit],
  );
  return rows;
}
