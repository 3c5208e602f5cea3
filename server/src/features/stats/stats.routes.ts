import type { AppDeps } from "../../app-deps.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import { levelOrLeaf } from "../cells/cell-scheme.service.js";
import { incidentStatsResponse, openIncidentsResponse } from "./stats.responses.js";
import { incidentStatsQuery, openIncidentsQuery } from "./stats.schemas.js";
import { incidentStats, incidentStatsCsv } from "./stats.service.js";
import { selectOpenIncidentsByCell } from "./stats.sql.js";

export function registerStatsRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const policy = { access: "permission", permission: "stats:read", scope: "own-cells" } as const;

  routes.add({
    method: "get",
    path: "/api/v1/stats/incidents",
    summary:
      "Incident figures per cell of a level of the cell scheme (default the leaf level, grids): received, closed on time, overdue, handling time, satisfaction",
    tags: ["stats"],
    policy,
    query: incidentStatsQuery,
    response: incidentStatsResponse,
    handler: async ({ query, auth }) => {
      const level = await levelOrLeaf(deps.pool, query.level);
      return {
        from: query.from.toISOString(),
        to: query.to.toISOString(),
        level,
        cells: await incidentStats(deps.pool, auth.cellCodes, { ...query, level }),
      };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/stats/open-incidents",
    summary:
      "Open and overdue incidents per cell of a level, with the highest open priority (for colouring the map)",
    tags: ["stats"],
    policy,
    query: openIncidentsQuery,
    response: openIncidentsResponse,
    handler: async ({ query, auth }) => {
      const level = await levelOrLeaf(deps.pool, query.level);
      return { level, cells: await selectOpenIncidentsByCell(deps.pool, auth.cellCodes, level) };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/stats/incidents.csv",
    summary: "The same figures as CSV (UTF-8 with BOM, formula-safe); the export is audited",
    tags: ["stats"],
    policy,
    query: incidentStatsQuery,
    handler: async ({ req, res, query: asked, auth }) => {
      const query = { ...asked, level: await levelOrLeaf(deps.pool, asked.level) };
      const rows = await incidentStats(deps.pool, auth.cellCodes, query);
      await recordAudit(deps.pool, {
        ...auditSource(req),
        action: "stats.export",
        targetType: "incident_stats",
        details: {
          from: query.from.toISOString(),
          to: query.to.toISOString(),
          level: query.level,
          rows: rows.length,
        },
      });
      const name = `incident-stats-${query.level}-${query.from.toISOString().slice(0, 10)}.csv`;
      res.setHeader("content-type", "text/csv; charset=utf-8");
      res.setHeader("content-disposition", `attachment; filename="${name}"`);
      res.send(incidentStatsCsv(rows, query.lang));
      return undefined;
    },
  });
}
