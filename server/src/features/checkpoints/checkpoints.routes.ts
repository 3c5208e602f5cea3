import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { pagedGeoQuery, toPage } from "../../http/geojson.js";
import type { RouteRegistry } from "../../http/route.js";
import { selectCheckpointPage } from "./checkpoints.sql.js";

export function registerCheckpointRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "get",
    path: "/api/v1/checkpoints",
    summary: "Checkpoints (graded A/B/C, with lanes) visible to the caller as GeoJSON",
    tags: ["checkpoints"],
    policy: { access: "permission", permission: "checkpoints:read", scope: "own-cells" },
    query: pagedGeoQuery.extend({ grade: z.enum(["A", "B", "C"]).optional() }),
    handler: async ({ query, auth }) =>
      toPage(await selectCheckpointPage(deps.pool, { ...query, scope: auth.cellCodes }), query.limit),
  });
}
