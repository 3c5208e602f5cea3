import { z } from "zod";

/** `minLon,minLat,maxLon,maxLat` in WGS 84. */
export const bboxSchema = z
  .string()
  .transform((raw, ctx) => {
    const parts = raw.split(",").map((p) => Number(p.trim()));
    const [minLon, minLat, maxLon, maxLat] = parts;
    const problem =
      parts.length !== 4 || parts.some((n) => !Number.isFinite(n))
        ? "must be four numbers: minLon,minLat,maxLon,maxLat"
        : minLon! < -180 || maxLon! > 180 || minLat! < -90 || maxLat! > 90
          ? "longitudes must be within -180..180 and latitudes within -90..90"
          : minLon! > maxLon! || minLat! > maxLat!
            ? "minimum must not exceed maximum"
            : null;
    if (problem) {
      ctx.addIssue({ code: "custom", message: `bbox ${problem}` });
      return z.NEVER;
    }
    return [minLon!, minLat!, maxLon!, maxLat!] as const;
  });
export type Bbox = readonly [number, number, number, number];

/** Opaque keyset cursor: the last key of the previous page. */
export const cursorSchema = z.string().transform((raw, ctx) => {
  try {
    const decoded = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as unknown;
    const parsed = z.object({ k: z.string().max(200) }).parse(decoded);
    return parsed.k;
  } catch {
    ctx.addIssue({ code: "custom", message: "cursor is not one this server issued; start again without it" });
    return z.NEVER;
  }
});

export const encodeCursor = (key: string) => Buffer.from(JSON.stringify({ k: key })).toString("base64url");

export const MAX_PAGE = 5000;

export const pagedGeoQuery = z.strictObject({
  bbox: bboxSchema.optional(),
  limit: z.coerce
    .number({ message: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(MAX_PAGE, `limit must be at most ${MAX_PAGE}`)
    .default(1000),
  cursor: cursorSchema.optional(),
});

export interface FeatureCollectionPage {
  type: "FeatureCollection";
  features: unknown[];
  next_cursor: string | null;
}

/** Rows were fetched with limit + 1 to learn whether another page exists. */
export function toPage(rows: { feature: unknown; key: string }[], limit: number): FeatureCollectionPage {
  const page = rows.slice(0, limit);
  return {
    type: "FeatureCollection",
    features: page.map((r) => r.feature),
    next_cursor: rows.length > limit ? encodeCursor(page.at(-1)!.key) : null,
  };
}

/** SQL fragments shared by every paged GeoJSON query: parameters $1..$6 are fixed. */
export const geoPageParams = (scope: readonly string[], bbox: Bbox | undefined, cursor: string | undefined, limit: number) => [
  scope,
  bbox?.[0] ?? null,
  bbox?.[1] ?? null,
  bbox?.[2] ?? null,
  bbox?.[3] ?? null,
  cursor ?? null,
  limit + 1,
];

export const bboxClause = (geom: string) =>
  `($2::float8 IS NULL OR (${geom} && ST_MakeEnvelope($2, $3, $4, $5, 4326) AND ST_Intersects(${geom}, ST_MakeEnvelope($2, $3, $4, $5, 4326))))`;

/** Visible when the row's cell is inside the caller's cells; cell-less rows only to district-wide callers. */
export const cellScopeClause = (cellColumn: string) =>
  `(EXISTS (SELECT 1 FROM cells sc WHERE sc.code = ${cellColumn} AND sc.path && $1::text[])
    OR (${cellColumn} IS NULL AND EXISTS (SELECT 1 FROM cells d WHERE d.code = ANY($1::text[]) AND d.level = 'district')))`;
