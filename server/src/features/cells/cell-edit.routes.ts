import type { Request } from "express";
import type { AppDeps } from "../../app-deps.js";
import type { Queryable } from "../../db/pool.js";
import { notFound } from "../../http/errors.js";
import type { RouteContext, RouteRegistry } from "../../http/route.js";
import { auditSource } from "../audit/audit.service.js";
import {
  acceptGap,
  createChild,
  type EditContext,
  listAcceptedGaps,
  mergeCells,
  moveCell,
  nextChildCode,
  removeAcceptedGap,
  retireCell,
  splitCell,
  updateCell,
  updateCellsTogether,
} from "./cell-edits.service.js";
import { selectExistingCodes } from "./cell-edits.sql.js";
import { generateChildren } from "./cell-generation.service.js";
import { registerCellHistoryRoutes } from "./cell-history.routes.js";
import { registerCellImportRoutes } from "./cell-import.routes.js";
import { registerCellPeopleRoutes } from "./cell-people.routes.js";
import { repairCell } from "./cell-repair.service.js";
import { checkSubtree, loadTopologySettings } from "./cell-topology.js";
import {
  acceptedGapResponse,
  acceptedGapsResponse,
  areaEditResultResponse,
  editResultResponse,
  generateResponse,
  nextChildCodeResponse,
  repairResponse,
  reportOnlyResponse,
  topologyReportResponse,
} from "./cells.responses.js";
import {
  acceptedGapParams,
  acceptGapBody,
  batchUpdateBody,
  cellCodeParams,
  createChildBody,
  generateBody,
  mergeCellsBody,
  moveCellBody,
  repairBody,
  retireCellBody,
  splitCellBody,
  updateCellBody,
} from "./cells.schemas.js";

/** The cell named in the path must be within the caller's cells. */
export const pathCell = {
  cellOf: async (req: Request) => (typeof req.params.code === "string" ? req.params.code : null),
};
const edit = { access: "permission", permission: "cells:edit", scope: pathCell } as const;
const GEOMETRY_BODY_LIMIT = "5mb";

/** 404 unless a cell (current or retired) has this code. */
async function requireCell(db: Queryable, code: string): Promise<void> {
  if ((await selectExistingCodes(db, [code])).length === 0) throw notFound("Cell", code);
}

const editContext = (ctx: RouteContext<unknown, unknown, unknown>): EditContext => ({
  auth: ctx.auth,
  audit: auditSource(ctx.req, ctx.auth),
});

export function registerCellEditRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "get",
    path: "/api/v1/cells/:code/check",
    summary:
      "Topology check of a cell and everything below it: outside parent, sibling overlaps, coverage gaps, slivers",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:read", scope: pathCell },
    params: cellCodeParams,
    response: topologyReportResponse,
    handler: async ({ params }) => {
      await requireCell(deps.pool, params.code);
      return checkSubtree(deps.pool, params.code, await loadTopologySettings(deps.pool));
    },
  });
  routes.add({
    method: "get",
    path: "/api/v1/cells/:code/next-child-code",
    summary: "The code a new child of this cell would get (never a retired cell's code)",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    response: nextChildCodeResponse,
    handler: ({ params }) => nextChildCode(deps.pool, params.code),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/:code/children",
    summary: "Create a child cell (code proposed when omitted); validated, checked, audited",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: createChildBody,
    bodyLimit: GEOMETRY_BODY_LIMIT,
    status: 201,
    response: editResultResponse,
    handler: (ctx) => createChild(deps.pool, editContext(ctx), ctx.params.code, ctx.body),
  });
  routes.add({
    method: "patch",
    path: "/api/v1/cells/:code",
    summary: "Change a cell's name or geometry (a new version; geometry changes need the parent in scope)",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: updateCellBody,
    bodyLimit: GEOMETRY_BODY_LIMIT,
    response: editResultResponse,
    handler: (ctx) => updateCell(deps.pool, editContext(ctx), ctx.params.code, ctx.body),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/batch-update",
    summary: "Change several cells in one transaction, checked together (e.g. move a shared boundary)",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:edit", scope: "own-cells" },
    body: batchUpdateBody,
    bodyLimit: "10mb",
    response: editResultResponse,
    handler: (ctx) => updateCellsTogether(deps.pool, editContext(ctx), ctx.body),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/:code/move",
    summary:
      "Move a cell (and its subtree) under another parent of the same level; re-codes it (dry_run previews)",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: moveCellBody,
    response: editResultResponse,
    handler: (ctx) => moveCell(deps.pool, editContext(ctx), ctx.params.code, ctx.body),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/:code/split",
    summary: "Split a cell by a line; the largest part keeps the code (dry_run previews)",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: splitCellBody,
    bodyLimit: GEOMETRY_BODY_LIMIT,
    response: areaEditResultResponse,
    handler: (ctx) => splitCell(deps.pool, editContext(ctx), ctx.params.code, ctx.body),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/:code/merge",
    summary: "Merge touching sibling cells into this one; the others are retired (dry_run previews)",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: mergeCellsBody,
    response: areaEditResultResponse,
    handler: (ctx) => mergeCells(deps.pool, editContext(ctx), ctx.params.code, ctx.body),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/:code/retire",
    summary: "Retire a cell without current children; its history stays (dry_run previews the gap it leaves)",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: retireCellBody,
    response: editResultResponse,
    handler: (ctx) => retireCell(deps.pool, editContext(ctx), ctx.params.code, ctx.body),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/:code/accepted-gaps",
    summary: "Mark part of a cell as needing no child (a lake, a closed area), with a reason",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: acceptGapBody,
    bodyLimit: GEOMETRY_BODY_LIMIT,
    status: 201,
    response: acceptedGapResponse,
    handler: (ctx) => acceptGap(deps.pool, editContext(ctx), ctx.params.code, ctx.body),
  });
  routes.add({
    method: "get",
    path: "/api/v1/cells/:code/accepted-gaps",
    summary: "The parts of a cell accepted as needing no child, with reason, who and when (GeoJSON)",
    tags: ["cells"],
    policy: { access: "permission", permission: "cells:read", scope: pathCell },
    params: cellCodeParams,
    response: acceptedGapsResponse,
    handler: async ({ params }) => {
      await requireCell(deps.pool, params.code);
      return listAcceptedGaps(deps.pool, params.code);
    },
  });
  routes.add({
    method: "delete",
    path: "/api/v1/cells/:code/accepted-gaps/:id",
    summary: "Take back an accepted gap (audited); the answer is the cell's topology report without it",
    tags: ["cells"],
    policy: edit,
    params: acceptedGapParams,
    response: reportOnlyResponse,
    handler: (ctx) => removeAcceptedGap(deps.pool, editContext(ctx), ctx.params.code, ctx.params.id),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/:code/generate",
    summary: "Fill an empty cell with square, hexagonal or H3 children clipped to it (preview unless commit)",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: generateBody,
    response: generateResponse,
    handler: (ctx) => generateChildren(deps.pool, editContext(ctx), ctx.params.code, ctx.body),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/:code/repair",
    summary: "Repair a cell's geometry (make valid, snap, trim overlaps): a preview unless apply",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: repairBody,
    bodyLimit: GEOMETRY_BODY_LIMIT,
    response: repairResponse,
    handler: (ctx) => repairCell(deps.pool, editContext(ctx), ctx.params.code, ctx.body),
  });
  registerCellImportRoutes(routes, deps);
  registerCellPeopleRoutes(routes, deps);
  registerCellHistoryRoutes(routes, deps);
}
