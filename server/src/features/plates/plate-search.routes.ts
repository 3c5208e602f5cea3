import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import {
  plateCountsResponse,
  plateSearchResponse,
  searchPurposesResponse,
} from "./plate-search.responses.js";
import { exportReads, searchReads } from "./plate-search.service.js";
import * as sql from "./plate-search.sql.js";

const code = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
// Purpose and case are optional here so the service can refuse with purpose_required /
// case_reference_required instead of a generic validation error.
const searchFields = {
  plate: z.string().trim().min(1).max(32).optional(),
  match: z.enum(["exact", "partial"]).optional(),
  from: z.coerce.date(),
  to: z.coerce.date(),
  checkpointId: code.optional(),
  cellCode: z
    .string()
    .regex(/^[0-9A-Za-z]{1,32}$/)
    .optional(),
  purposeCode: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional(),
  purposeText: z.string().max(500).optional(),
  caseReference: z.string().max(64).optional(),
};
const searchBody = z.strictObject({
  ...searchFields,
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
const exportBody = z.strictObject(searchFields);

/**
 * Plate search, export and counts. Search and export are POST so plates never sit in URLs
 * (proxies and browser history keep URLs); both are audited with their row counts.
 */
export function registerPlateSearchRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "post",
    path: "/api/v1/plates/search",
    summary: "Search plate reads in the caller's cells: needs a purpose and a case reference; audited",
    tags: ["plates"],
    policy: { access: "permission", permission: "plates:search", scope: "own-cells" },
    body: searchBody,
    response: plateSearchResponse,
    handler: ({ req, auth, body }) => searchReads(deps.pool, req, auth, body),
  });

  routes.add({
    method: "post",
    path: "/api/v1/plates/export",
    summary: "CSV export of a search (at most 10,000 reads): needs a purpose and a case reference; audited",
    tags: ["plates"],
    policy: { access: "permission", permission: "plates:export", scope: "own-cells" },
    body: exportBody,
    handler: async ({ req, res, auth, body }) => {
      const { csv } = await exportReads(deps.pool, req, auth, body);
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader(
        "Content-Disposition",
        `attachment; filename="plate-reads-${new Date().toISOString().slice(0, 10)}.csv"`,
      );
      res.setHeader("Cache-Control", "no-store");
      res.status(200).send(csv);
      return undefined;
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/plates/search-purposes",
    summary: "The listed search purposes (查询事由)",
    tags: ["plates"],
    policy: { access: "permission", permission: "plates:search", scope: "global" },
    response: searchPurposesResponse,
    handler: async () => ({ purposes: await sql.selectSearchPurposes(deps.pool) }),
  });

  routes.add({
    method: "get",
    path: "/api/v1/plates/counts",
    summary: "Vehicles per checkpoint and lane in the caller's cells (counts only, no plates)",
    tags: ["plates"],
    policy: { access: "permission", permission: "plates:counts", scope: "own-cells" },
    query: z.strictObject({
      from: z.coerce.date(),
      to: z.coerce.date(),
      checkpointId: code.optional(),
      cellCode: z
        .string()
        .regex(/^[0-9A-Za-z]{1,32}$/)
        .optional(),
    }),
    response: plateCountsResponse,
    handler: async ({ auth, query }) => {
      const rows = await sql.selectCounts(deps.pool, {
        scope: auth.cellCodes,
        from: query.from,
        to: query.to,
        checkpointId: query.checkpointId ?? null,
        cellCode: query.cellCode ?? null,
      });
      return {
        from: query.from.toISOString(),
        to: query.to.toISOString(),
        counts: rows.map((r) => ({
          checkpointId: r.checkpoint_id,
          lane: r.lane,
          cellCode: r.cell_code,
          vehicles: r.vehicles,
        })),
      };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/plates/reads/:id/images/:sha256",
    summary: "A stored picture of a read the caller may search; audited",
    tags: ["plates"],
    policy: { access: "permission", permission: "plates:search", scope: "own-cells" },
    params: z.strictObject({
      id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
    handler: async ({ req, res, auth, params }) => {
      const image = await sql.selectVisibleImage(deps.pool, params.id, params.sha256, auth.cellCodes);
      if (!image) throw notFound("Picture", params.sha256);
      await recordAudit(deps.pool, {
        ...auditSource(req),
        action: "plates.image_view",
        targetType: "plate_read",
        targetId: String(params.id),
        details: { sha256: params.sha256 },
      });
      res.setHeader("Content-Type", image.mime);
      res.setHeader("Cache-Control", "private, no-store");
      res.status(200).end(image.content);
      return undefined;
    },
  });
}
