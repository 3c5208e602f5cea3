import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { badRequest, notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource } from "../audit/audit.service.js";
import { cellVisible } from "../auth/auth.service.js";
import { loadCodeScheme } from "./cell-code-scheme.js";
import { pathCell } from "./cell-edit.routes.js";
import { cellAt, selectCellVersions } from "./cell-history.js";
import { cellSchemeBody, replaceCodeScheme } from "./cell-scheme.service.js";
import { cellAtResponse, cellHistoryResponse, cellSchemeResponse } from "./cells.responses.js";
import { cellAtQuery, cellCodeParams } from "./cells.schemas.js";

export function registerCellHistoryRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "get",
    path: "/api/v1/cells/:code/history",
    summary: "Every version of a cell (retired cells too), newest first",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:read", scope: pathCell },
    params: cellCodeParams,
    response: cellHistoryResponse,
    handler: async ({ params }) => {
      const versions = await selectCellVersions(deps.pool, params.code);
      if (versions.length === 0) throw notFound("Cell", params.code);
      return { code: params.code, versions };
    },
  });
  routes.add({
    method: "get",
    path: "/api/v1/cell-at",
    summary: "The cell as it was at a time: by code, or the grid covering lon/lat then",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:read", scope: "own-cells" },
    query: cellAtQuery,
    response: cellAtResponse,
    handler: async ({ query, auth }) => {
      const byPoint = query.lon !== undefined && query.lat !== undefined;
      if (byPoint === (query.code !== undefined)) {
        throw badRequest("cell_at_target", "Give either code, or lon and lat.");
      }
      const target = byPoint ? { lon: query.lon!, lat: query.lat! } : query.code!;
      const found = await cellAt(deps.pool, target, new Date(query.at));
      if (!found || !(await cellVisible(deps.pool, auth, found.code))) {
        throw notFound("Cell at that time", byPoint ? `${query.lon},${query.lat}` : query.code!);
      }
      return found;
    },
  });
  routes.add({
    method: "get",
    path: "/api/v1/cell-scheme",
    summary: "The cell levels and code scheme (prefix length per level)",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:read", scope: "global" },
    query: z.strictObject({}),
    response: cellSchemeResponse,
    handler: () => loadCodeScheme(deps.pool),
  });
  routes.add({
    method: "put",
    path: "/api/v1/cell-scheme",
    summary: "Rename levels at any time; change levels and code segments only while no cell exists",
    tags: ["cells"],
    policy: { access: "permission", permission: "config:manage", scope: "global" },
    body: cellSchemeBody,
    response: cellSchemeResponse,
    handler: ({ req, body, auth }) =>
      replaceCodeScheme(deps.pool, { auth, audit: auditSource(req, auth) }, body),
  });
}
