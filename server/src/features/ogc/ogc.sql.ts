import type { Queryable } from "../../db/pool.js";
import type { CollectionDef } from "./ogc.collections.js";
import { type CrsDef, geometryIn } from "./ogc.crs.js";
import type { Envelope, TimeFilter } from "./ogc.schemas.js";

export interface ItemFilter {
  scope: readonly string[];
  envelope?: Envelope | undefined;
  time?: TimeFilter | undefined;
  /** Queryable name → value, compared for equality. */
  equals: Record<string, string>;
}

/** Builds the WHERE clause and its parameters ($1 = scope). */
function whereOf(c: CollectionDef, f: ItemFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [f.scope];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conds = [c.where];
  if (f.envelope) {
    const srid = f.envelope.srid;
    const boxes = f.envelope.boxes.map((b) => {
      const env = `ST_MakeEnvelope(${p(b[0])}::float8, ${p(b[1])}::float8, ${p(b[2])}::float8, ${p(b[3])}::float8, ${srid})`;
      const inStorage = srid === 4326 ? env : `ST_Transform(${env}, 4326)`;
      return `ST_Intersects(${c.geom}, ${inStorage})`;
    });
    conds.push(`(${boxes.join(" OR ")})`);
  }
  if (f.time?.start) conds.push(`${c.time} >= ${p(f.time.start)}::timestamptz`);
  if (f.time?.end) conds.push(`${c.time} ${f.time.endExclusive ? "<" : "<="} ${p(f.time.end)}::timestamptz`);
  for (const [name, value] of Object.entries(f.equals)) {
    const q = c.queryables[name];
    if (q) conds.push(`${q.column}::text = ${p(value)}::text`);
  }
  return { sql: conds.join(" AND "), params };
}

const featureSql = (c: CollectionDef, crs: CrsDef) =>
  `json_build_object('type', 'Feature', 'id', ${c.key}, 'geometry', ST_AsGeoJSON(${geometryIn(crs, c.geom)}, ${crs.digits}, 0)::json,
    'properties', ${c.properties})`;

/** One page of features as a JSON array text (spliced into the response unparsed). */
export async function selectItemsPage(
  db: Queryable,
  c: CollectionDef,
  f: ItemFilter,
  page: { limit: number; offset: number; crs: CrsDef },
): Promise<{ featuresJson: string; returned: number }> {
  const where = whereOf(c, f);
  const n = where.params.length;
  const { rows } = await db.query<{ features: string; returned: number }>(
    `SELECT coalesce(json_agg(p.feature ORDER BY p.k), '[]'::json)::text AS features, count(*)::int AS returned
       FROM (SELECT ${featureSql(c, page.crs)} AS feature, ${c.key} AS k
               FROM ${c.from} WHERE ${where.sql}
              ORDER BY ${c.key} LIMIT $${n + 1} OFFSET $${n + 2}) p`,
    [...where.params, page.limit, page.offset],
  );
  return { featuresJson: rows[0]?.features ?? "[]", returned: rows[0]?.returned ?? 0 };
}

export async function countItems(db: Queryable, c: CollectionDef, f: ItemFilter): Promise<number> {
  const where = whereOf(c, f);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${c.from} WHERE ${where.sql}`,
    where.params,
  );
  return rows[0]?.n ?? 0;
}

export async function selectItem(
  db: Queryable,
  c: CollectionDef,
  scope: readonly string[],
  id: string,
  crs: CrsDef,
): Promise<unknown | null> {
  if (c.keyType === "bigint" && !/^\d{1,15}$/.test(id)) return null;
  const { rows } = await db.query<{ feature: unknown }>(
    `SELECT ${featureSql(c, crs)} AS feature FROM ${c.from} WHERE ${c.where} AND ${c.key} = $2::${c.keyType}`,
    [scope, id],
  );
  return rows[0]?.feature ?? null;
}

export interface Extent {
  bbox: [number, number, number, number] | null;
  interval: [string | null, string | null];
}

/** Spatial (CRS84) and temporal extent of what the caller can see in a collection. */
export async function selectExtent(
  db: Queryable,
  c: CollectionDef,
  scope: readonly string[],
): Promise<Extent> {
  const { rows } = await db.query<{
    x1: number | null;
    y1: number | null;
    x2: number | null;
    y2: number | null;
    t1: Date | null;
    t2: Date | null;
  }>(
    `SELECT ST_XMin(e) AS x1, ST_YMin(e) AS y1, ST_XMax(e) AS x2, ST_YMax(e) AS y2, t1, t2
       FROM (SELECT ST_Extent(${c.geom}) AS e, min(${c.time}) AS t1, max(${c.time}) AS t2
               FROM ${c.from} WHERE ${c.where}) s`,
    [scope],
  );
  const r = rows[0];
  const bbox = r && r.x1 !== null ? ([r.x1, r.y1!, r.x2!, r.y2!] as [number, number, number, number]) : null;
  return { bbox, interval: [r?.t1?.toISOString() ?? null, r?.t2?.toISOString() ?? null] };
}

export async function tableExists(db: Queryable, table: string): Promise<boolean> {
  const { rows } = await db.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [table]);
  return rows[0]?.t != null;
}
