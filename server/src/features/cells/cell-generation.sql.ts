import type { Queryable } from "../../db/pool.js";

// A UTM zone (WGS 84) around the parent: grid sizes are metres there.
const utmSrid = `(CASE WHEN ST_Y(ST_Centroid(geom)) < 0 THEN 32700 ELSE 32600 END
                  + least(60, floor((ST_X(ST_Centroid(geom)) + 180) / 6)::int + 1))`;

/** Squares or hexagons of `sizeM` (side / edge) over the parent, clipped to it, north-west first. */
export async function selectTiledPieces(
  db: Queryable,
  parentCode: string,
  shape: "square" | "hexagon",
  sizeM: number,
): Promise<string[]> {
  const grid = shape === "square" ? "ST_SquareGrid" : "ST_HexagonGrid";
  const { rows } = await db.query<{ geometry: string }>(
    `WITH p AS (SELECT geom, ${utmSrid} AS srid FROM cells WHERE code = $1),
          t AS (SELECT p.geom, ST_Transform(p.geom, p.srid) AS local, p.srid FROM p),
          pieces AS (
            SELECT g.i, g.j, ST_CollectionExtract(ST_Intersection(ST_Transform(ST_SetSRID(g.geom, t.srid), 4326), t.geom), 3) AS piece
              FROM t, LATERAL ${grid}($2::float8, t.local) g
             WHERE ST_Intersects(g.geom, t.local))
     SELECT ST_AsGeoJSON(ST_Multi(piece), 15) AS geometry FROM pieces
      WHERE NOT ST_IsEmpty(piece) AND ST_Area(piece::geography) > 0
      ORDER BY j DESC, i`,
    [parentCode, sizeM],
  );
  return rows.map((r) => r.geometry);
}

/** Clips given polygons (GeoJSON) to the parent, dropping what falls outside. */
export async function selectClippedPieces(
  db: Queryable,
  parentCode: string,
  polygons: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ geometry: string }>(
    `SELECT ST_AsGeoJSON(ST_Multi(x.piece), 15) AS geometry
       FROM cells p,
            unnest($2::text[]) WITH ORDINALITY AS t(g, n),
            LATERAL (SELECT ST_CollectionExtract(ST_Intersection(ST_SetSRID(ST_GeomFromGeoJSON(t.g), 4326), p.geom), 3) AS piece) x
      WHERE p.code = $1 AND NOT ST_IsEmpty(x.piece) AND ST_Area(x.piece::geography) > 0
      ORDER BY t.n`,
    [parentCode, polygons],
  );
  return rows.map((r) => r.geometry);
}

export async function selectParentGeometry(
  db: Queryable,
  code: string,
): Promise<{ type: "MultiPolygon"; coordinates: number[][][][] }> {
  const { rows } = await db.query<{ g: { type: "MultiPolygon"; coordinates: number[][][][] } }>(
    "SELECT ST_AsGeoJSON(geom, 15)::json AS g FROM cells WHERE code = $1",
    [code],
  );
  return rows[0]!.g;
}
