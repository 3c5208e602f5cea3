import type { AppDeps } from "../../app-deps.js";
import { notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { systemClock } from "../../jobs/clock.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import { registerCellSummarySection } from "../cells/cell-people.service.js";
import {
  dailyReportListResponse,
  dailyReportResponse,
  missingReportsResponse,
  reportSettingsResponse,
} from "./reports.responses.js";
import {
  fileReportBody,
  missingQuery,
  reportIdParams,
  reportSettingsSchema,
  reportsQuery,
} from "./reports.schemas.js";
import { fileDailyReport, loadReportSettings, missingReports } from "./reports.service.js";
import { selectLatestReport, selectReport, selectReports, upsertReportSettings } from "./reports.sql.js";

export function registerReportRoutes(routes: RouteRegistry, deps: AppDeps): void {
  // The cell page shows a grid's latest daily report to those who may read reports.
  registerCellSummarySection("daily_report", async (db, cell, auth) =>
    auth.permissions.has("reports:read") ? { latest: await selectLatestReport(db, cell.code) } : null,
  );
  const clock = systemClock;
  const read = { access: "permission", permission: "reports:read", scope: "own-cells" } as const;

  routes.add({
    method: "post",
    path: "/api/v1/reports/daily",
    summary:
      "File a grid's daily report: a zero report (nothingToReport) or items, which may open incidents; once per grid and day",
    tags: ["reports"],
    policy: { access: "permission", permission: "reports:file", scope: "own-cells" },
    body: fileReportBody,
    status: 201,
    response: dailyReportResponse,
    handler: ({ req, body, auth }) =>
      deps.withTransaction((db) =>
        fileDailyReport(
          db,
          body,
          {
            userId: auth.userId,
            actor: auth.actor,
            permissions: auth.permissions,
            cellCodes: auth.cellCodes,
            requestId: req.id,
          },
          clock,
        ),
      ),
  });

  routes.add({
    method: "get",
    path: "/api/v1/reports/daily",
    summary: "Daily reports filed in the caller's cells (filter by date and cell)",
    tags: ["reports"],
    policy: read,
    query: reportsQuery,
    response: dailyReportListResponse,
    handler: async ({ query, auth }) => ({
      reports: await selectReports(deps.pool, {
        scope: auth.cellCodes,
        date: query.date ?? null,
        cell: query.cell ?? null,
      }),
    }),
  });

  routes.add({
    method: "get",
    path: "/api/v1/reports/daily/:id",
    summary: "One daily report with its items",
    tags: ["reports"],
    policy: read,
    params: reportIdParams,
    response: dailyReportResponse,
    handler: async ({ params, auth }) => {
      const report = await selectReport(deps.pool, params.id, auth.cellCodes);
      if (!report) throw notFound("Report", String(params.id));
      return report;
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/reports/missing",
    summary:
      "Grids in the caller's cells that have not filed the daily report for a date (default today), with their leader",
    tags: ["reports"],
    policy: read,
    query: missingQuery,
    response: missingReportsResponse,
    handler: ({ query, auth }) => missingReports(deps.pool, auth.cellCodes, query.date, clock),
  });

  routes.add({
    method: "get",
    path: "/api/v1/reports/settings",
    summary: "Daily report deadline, reminder lead time and time zone",
    tags: ["reports"],
    policy: { access: "permission", permission: "reports:read", scope: "global" },
    response: reportSettingsResponse,
    handler: () => loadReportSettings(deps.pool),
  });

  routes.add({
    method: "put",
    path: "/api/v1/reports/settings",
    summary: "Change the daily report deadline, reminder lead time or time zone (audited)",
    tags: ["reports"],
    policy: { access: "permission", permission: "config:manage", scope: "global" },
    body: reportSettingsSchema,
    response: reportSettingsResponse,
    handler: ({ req, body, auth }) =>
      deps.withTransaction(async (db) => {
        await upsertReportSettings(db, body, auth.userId);
        await recordAudit(db, {
          ...auditSource(req),
          action: "settings.reports_daily",
          targetType: "settings",
          targetId: "reports.daily",
          details: body,
        });
        return body;
      }),
  });
}
