import { createHash } from "node:crypto";
import type { Queryable } from "../../db/pool.js";
import { badRequest } from "../../http/errors.js";
import type { AuthContext } from "../auth/auth-context.js";
import { MAX_ZOOM, type TileLayerDef, type TileLayerId } from "./tiles.layers.js";
import { renderTile, selectLayerBounds, selectLayerVersion } from "./tiles.sql.js";

export const MVT_TYPE = "application/vnd.mapbox-vector-tile";
/**
 * Tiles are filtered by the caller's cells, so shared caches must not keep them; the browser
 * keeps its own copy and revalidates every time (a 304 costs one indexed row read).
 */
export const TILE_CACHE_CONTROL = "private, no-cache";

export interface TileCoords {
  z: number;
  x: number;
  y: number;
}

const INTEGER = /^\d{1,8}$/;

/** z in 0..22 and x, y in 0..2^z-1; anything else is a 400 naming the problem. */
export function parseTileCoords(raw: { z: string; x: string; y: string }): TileCoords {
  for (const key of ["z", "x", "y"] as const) {
    if (!INTEGER.test(raw[key])) {
      throw badRequest(
        "invalid_tile_coordinates",
        `Tile ${key} must be a whole number ≥ 0, not ${JSON.stringify(raw[key])}.`,
        { field: key },
      );
    }
  }
  const z = Number(raw.z);
  const x = Number(raw.x);
  const y = Number(raw.y);
  if (z > MAX_ZOOM)
    throw badRequest("tile_zoom_out_of_range", `Tile zoom must be 0..${MAX_ZOOM}, not ${z}.`, {
      field: "z",
      max: MAX_ZOOM,
    });
  const size = 2 ** z;
  if (x >= size || y >= size) {
    throw badRequest("tile_out_of_range", `At zoom ${z}, x and y must be 0..${size - 1}; got ${x}/${y}.`, {
      field: x >= size ? "x" : "y",
      max: size - 1,
    });
  }
  return { z, x, y };
}

/** Depends on everything the tile's bytes depend on: layer data version, tile, and the caller's cells. */
export function tileEtag(
  layer: TileLayerId,
  version: number,
  t: TileCoords,
  scope: readonly string[],
): string {
  const hash = createHash("sha256")
    .update(`${layer}|${t.z}/${t.x}/${t.y}|${[...scope].sort().join(",")}`)
    .digest("base64url")
    .slice(0, 16);
  return `"${layer}-${version}-${hash}"`;
}

/** True when an If-None-Match header lists the ETag (or is *). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((v) => {
    const tag = v.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

export type TileResult =
  | { notModified: true; etag: string }
  | { notModified: false; etag: string; tile: Buffer };

export async function getTile(
  db: Queryable,
  layer: TileLayerId,
  t: TileCoords,
  auth: AuthContext,
  ifNoneMatch: string | undefined,
): Promise<TileResult> {
  if (ifNoneMatch) {
    const current = tileEtag(layer, await selectLayerVersion(db, layer), t, auth.cellCodes);
    if (etagMatches(ifNoneMatch, current)) return { notModified: true, etag: current };
  }
  const { tile, version } = await renderTile(db, layer, { ...t, scope: auth.cellCodes });
  return { notModified: false, etag: tileEtag(layer, version, t, auth.cellCodes), tile };
}

export async function tileJson(
  db: Queryable,
  layer: TileLayerDef,
  auth: AuthContext,
  base: string,
  lang: "zh-CN" | "en",
) {
  const bounds = (await selectLayerBounds(db, layer.id, auth.cellCodes)) ?? [-180, -85.0511, 180, 85.0511];
  return {
    tilejson: "3.0.0",
    name: layer.title[lang],
    scheme: "xyz",
    tiles: [`${base}/tiles/${layer.id}/{z}/{x}/{y}.mvt`],
    minzoom: 0,
    maxzoom: MAX_ZOOM,
    bounds,
    center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 12],
    vector_layers: [
      { id: layer.id, description: layer.title[lang], minzoom: 0, maxzoom: MAX_ZOOM, fields: layer.fields },
    ],
  };
}
