import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { pagedGeoQuery, toPage } from "../../http/geojson.js";
import type { RouteRegistry } from "../../http/route.js";
import { CAMERA_STATUSES, selectCameraPage } from "./cameras.sql.js";

export function registerCameraRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "get",
    path: "/api/v1/cameras",
    summary: "Cameras visible to the caller as GeoJSON (never credentials)",
    tags: ["cameras"],
    policy: { access: "permission", permission: "cameras:read", scope: "own-cells" },
    query: pagedGeoQuery.extend({ status: z.enum(CAMERA_STATUSES).optional() }),
    handler: async ({ query, auth }) =>
      toPage(await selectCameraPage(deps.pool, { ...query, scope: auth.cellCodes }), query.limit),
  });
}
