import type { AppDeps } from "../../app-deps.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource } from "../audit/audit.service.js";
import { pathCell } from "./cell-edit.routes.js";
import {
  addWorker,
  getCellSummary,
  getPeople,
  listAssignable,
  removeWorker,
  setLeader,
} from "./cell-people.service.js";
import { assignableUsersResponse, cellPeopleResponse, cellSummaryResponse } from "./cells.responses.js";
import {
  addWorkerBody,
  assignableQuery,
  assignLeaderBody,
  cellCodeParams,
  workerParams,
} from "./cells.schemas.js";

export function registerCellPeopleRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const edit = { access: "permission", permission: "cells:edit", scope: pathCell } as const;
  const read = { access: "permission", permission: "cells:read", scope: pathCell } as const;
  routes.add({
    method: "get",
    path: "/api/v1/cells/:code/summary",
    summary:
      "The cell page: leader, workers, area, cameras, checkpoints (+ incidents and daily report when present)",
    tags: ["cells"],
    policy: read,
    params: cellCodeParams,
    response: cellSummaryResponse,
    handler: ({ params, auth }) => getCellSummary(deps.pool, params.code, auth),
  });
  routes.add({
    method: "get",
    path: "/api/v1/cells/:code/people",
    summary: "A grid's leader and workers, with assignment history",
    tags: ["cells"],
    policy: read,
    params: cellCodeParams,
    response: cellPeopleResponse,
    handler: ({ params }) => getPeople(deps.pool, params.code),
  });
  routes.add({
    method: "get",
    path: "/api/v1/cells/:code/assignable-people",
    summary:
      "Users who can be appointed leader (role=leader) or added as a worker (role=worker) of a grid: the role, enabled, and the grid within their cells",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    query: assignableQuery,
    response: assignableUsersResponse,
    handler: ({ params, query }) => listAssignable(deps.pool, params.code, query.role),
  });
  routes.add({
    method: "put",
    path: "/api/v1/cells/:code/leader",
    summary: "Appoint a grid's one leader (the previous leader's assignment ends)",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: assignLeaderBody,
    response: cellPeopleResponse,
    handler: ({ req, params, body, auth }) =>
      setLeader(deps.pool, { auth, audit: auditSource(req, auth) }, params.code, body.user_id),
  });
  routes.add({
    method: "post",
    path: "/api/v1/cells/:code/workers",
    summary: "Add a grid worker",
    tags: ["cells"],
    policy: edit,
    params: cellCodeParams,
    body: addWorkerBody,
    status: 201,
    response: cellPeopleResponse,
    handler: ({ req, params, body, auth }) =>
      addWorker(deps.pool, { auth, audit: auditSource(req, auth) }, params.code, body.user_id),
  });
  routes.add({
    method: "delete",
    path: "/api/v1/cells/:code/workers/:userId",
    summary: "End a grid worker's assignment (history keeps it)",
    tags: ["cells"],
    policy: edit,
    params: workerParams,
    response: cellPeopleResponse,
    handler: ({ req, params, auth }) =>
      removeWorker(deps.pool, { auth, audit: auditSource(req, auth) }, params.code, params.userId),
  });
}
