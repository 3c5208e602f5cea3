import type { AppDeps } from "../../app-deps.js";
import { notFound } from "../../http/errors.js";
import { pagedGeoQuery, toPage } from "../../http/geojson.js";
import type { RouteRegistry } from "../../http/route.js";
import { registerCellEditRoutes } from "./cell-edit.routes.js";
import { levelIdSchema, requireLevel } from "./cell-scheme.service.js";
import { cellFeatureResponse, cellPageResponse } from "./cells.responses.js";
import { cellCodeParams } from "./cells.schemas.js";
import { selectCellFeature, selectCellPage } from "./cells.sql.js";

export { cellCodeParams };

export function registerCellRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "get",
    path: "/api/v1/cells",
    summary:
      "Current cells visible to the caller as a GeoJSON FeatureCollection (bbox filter, keyset paging)",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:read", scope: "own-cells" },
    query: pagedGeoQuery.extend({ level: levelIdSchema.optional() }),
    response: cellPageResponse,
    handler: async ({ query, auth }) => {
      // The levels are the configured code scheme's (GET /api/v1/cell-scheme), not a fixed four.
      if (query.level !== undefined) await requireLevel(deps.pool, query.level);
      return toPage(await selectCellPage(deps.pool, { ...query, scope: auth.cellCodes }), query.limit);
    },
  });
  routes.add({
    method: "get",
    path: "/api/v1/cells/:code",
    summary: "One current cell as a GeoJSON Feature",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:read", scope: "own-cells" },
    params: cellCodeParams,
    response: cellFeatureResponse,
    handler: async ({ params, auth }) => {
      const feature = await selectCellFeature(deps.pool, params.code, auth.cellCodes);
      if (!feature) throw notFound("Cell", params.code);
      return feature;
    },
  });
  registerCellEditRoutes(routes, deps);
}
