import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { AppError } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { baseUrl, languageOf } from "../ogc/ogc.service.js";
import { type TileLayerDef, tileLayers } from "./tiles.layers.js";
import { tileJsonResponse } from "./tiles.responses.js";
import { getTile, MVT_TYPE, parseTileCoords, TILE_CACHE_CONTROL, tileJson } from "./tiles.service.js";

const tags = ["tiles"];
const tileParams = z.strictObject({ z: z.string().max(12), x: z.string().max(12), y: z.string().max(12) });
const noQuery = z.strictObject({});

const unknownLayer = (layer: string) =>
  new AppError(
    404,
    "unknown_tile_layer",
    `There is no tile layer ${JSON.stringify(layer)}; layers: ${tileLayers.map((l) => l.id).join(", ")}.`,
  );

/** Mapbox vector tiles per layer, scoped to the caller's cells, with TileJSON; see docs/interop.md. */
export function registerTileRoutes(routes: RouteRegistry, deps: AppDeps): void {
  for (const layer of tileLayers) registerLayer(routes, deps, layer);
  routes.add({
    method: "get",
    path: "/tiles/:layer.json",
    summary: "TileJSON of an unknown tile layer (always 404)",
    tags,
    policy: { access: "authenticated" },
    params: z.strictObject({ layer: z.string().max(200) }),
    handler: ({ params }) => {
      throw unknownLayer(params.layer);
    },
  });
  routes.add({
    method: "get",
    path: "/tiles/:layer/:z/:x/:y.mvt",
    summary: "Tile of an unknown tile layer (always 404)",
    tags,
    policy: { access: "authenticated" },
    params: tileParams.extend({ layer: z.string().max(200) }),
    handler: ({ params }) => {
      throw unknownLayer(params.layer);
    },
  });
}

function registerLayer(routes: RouteRegistry, deps: AppDeps, layer: TileLayerDef): void {
  const policy = { access: "permission", permission: layer.permission, scope: "own-cells" } as const;
  routes.add({
    method: "get",
    path: `/tiles/${layer.id}.json`,
    summary: `TileJSON 3.0 of the "${layer.id}" vector-tile layer (bounds of the caller's cells)`,
    tags,
    policy,
    query: noQuery,
    response: tileJsonResponse,
    handler: async ({ req, res, auth }) => {
      res.set("Cache-Control", TILE_CACHE_CONTROL);
      return tileJson(deps.pool, layer, auth, baseUrl(req), languageOf(req, deps.config.defaultLanguage));
    },
  });
  routes.add({
    method: "get",
    path: `/tiles/${layer.id}/:z/:x/:y.mvt`,
    summary: `Vector tile (MVT) of the "${layer.id}" layer, filtered to the caller's cells; ETag + If-None-Match`,
    tags,
    policy,
    params: tileParams,
    query: noQuery,
    handler: async ({ req, res, params, auth }) => {
      const coords = parseTileCoords(params);
      const result = await getTile(deps.pool, layer.id, coords, auth, req.get("if-none-match"));
      res.set({ ETag: result.etag, "Cache-Control": TILE_CACHE_CONTROL, Vary: "Cookie, Authorization" });
      if (result.notModified) {
        res.status(304).end();
        return;
      }
      res.status(200).type(MVT_TYPE).send(result.tile);
    },
  });
}
