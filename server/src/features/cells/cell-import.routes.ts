import { CELL_FILE_FORMATS, type CellRecord, CRS_IDS, writeCellFile } from "@gridops/gis-data/io/index";
import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource } from "../audit/audit.service.js";
import { pathCell } from "./cell-edit.routes.js";
import { applyImport, getImport, requireImportRoot, startImport } from "./cell-import.service.js";
import { selectSubtreeForExport } from "./cell-import.sql.js";
import { importReportResponse, importStartedResponse, importStatusResponse } from "./cells.responses.js";
import { cellCodeParams, cellCodeSchema } from "./cells.schemas.js";

const MAX_IMPORT_BYTES = "200mb";
const importQuery = z.strictObject({
  root: cellCodeSchema.optional(),
  crs: z.enum(CRS_IDS).optional(),
  file_name: z.string().max(200).default("upload"),
});
const importParams = z.strictObject({ id: z.coerce.number().int().positive() });
const exportQuery = z.strictObject({
  format: z.enum(CELL_FILE_FORMATS).default("geojson"),
  crs: z.enum(CRS_IDS).default("EPSG:4326"),
});

export function registerCellImportRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const log = deps.log.child({ feature: "cell-import" });
  routes.add({
    method: "post",
    path: "/api/v1/cell-imports",
    summary:
      "Upload a cell file (GeoJSON, zipped Shapefile, GeoPackage) for a dry run under ?root=; poll for the report",
    tags: ["cells"],
    policy: {
      access: "permission",
      permission: "cells:edit",
      scope: { cellOf: async (req) => (typeof req.query.root === "string" ? req.query.root : null) },
    },
    query: importQuery,
    rawBody: {
      limit: MAX_IMPORT_BYTES,
      types: [
        "application/octet-stream",
        "application/zip",
        "application/geo+json",
        "application/json",
        "application/geopackage+sqlite3",
      ],
    },
    status: 202,
    response: importStartedResponse,
    handler: async ({ req, query, auth }) => {
      const root = requireImportRoot(query.root);
      const body = req.body instanceof Buffer ? new Uint8Array(req.body) : new Uint8Array(0);
      return startImport(
        deps.pool,
        log,
        { auth, audit: auditSource(req, auth) },
        {
          bytes: body,
          fileName: query.file_name,
          root,
          crs: query.crs,
        },
      );
    },
  });
  routes.add({
    method: "get",
    path: "/api/v1/cell-imports/:id",
    summary: "A cell import's status, progress and dry-run report",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:edit", scope: "own-cells" },
    params: importParams,
    response: importStatusResponse,
    handler: ({ params, auth }) => getImport(deps.pool, params.id, auth.cellCodes),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cell-imports/:id/apply",
    summary: "Apply a dry-run import that passed, in one transaction",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:edit", scope: "own-cells" },
    params: importParams,
    response: importReportResponse,
    handler: ({ req, params, auth }) =>
      applyImport(deps.pool, { auth, audit: auditSource(req, auth) }, params.id),
  });
  routes.add({
    method: "get",
    path: "/api/v1/cells/:code/export",
    summary: "A cell and everything below it as GeoJSON, a zipped Shapefile or a GeoPackage",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:read", scope: pathCell },
    params: cellCodeParams,
    query: exportQuery,
    handler: async ({ params, query, res }) => {
      const rows = await selectSubtreeForExport(deps.pool, params.code);
      if (rows.length === 0) throw notFound("Cell", params.code);
      const records: CellRecord[] = rows.map((r, i) => ({
        ...r,
        geometry: JSON.parse(r.geometry),
        row: i + 1,
      }));
      const file = await writeCellFile(records, query.format, query.crs);
      res.setHeader("content-type", file.contentType);
      res.setHeader("content-disposition", `attachment; filename="cells-${params.code}.${file.extension}"`);
      res.end(Buffer.from(file.bytes));
      return undefined;
    },
  });
}
