import type { AppDeps } from "../../app-deps.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource } from "../audit/audit.service.js";
import {
  ticketAssigneesResponse,
  ticketListResponse,
  ticketResponse,
  ticketWithHistoryResponse,
} from "./tickets.responses.js";
import {
  createTicketBody,
  listTicketsQuery,
  ticketIdParams,
  transitionTicketBody,
} from "./tickets.schemas.js";
import {
  createTicket,
  getTicket,
  listTicketAssignees,
  listTickets,
  transitionTicket,
} from "./tickets.service.js";
import { selectTicketCell } from "./tickets.sql.js";

export function registerTicketRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const ticketCell = async (raw: unknown) => {
    const parsed = ticketIdParams.safeParse(raw);
    return parsed.success ? selectTicketCell(deps.pool, parsed.data.id) : null;
  };

  routes.add({
    method: "get",
    path: "/api/v1/tickets",
    summary: "Repair tickets in the caller's cells, newest first",
    tags: ["tickets"],
    policy: { access: "permission", permission: "tickets:read", scope: "own-cells" },
    query: listTicketsQuery,
    response: ticketListResponse,
    handler: ({ query, auth }) =>
      listTickets(deps.pool, auth.cellCodes, {
        states: query.state,
        cameraId: query.camera_id,
        assigneeUserId: query.assignee_user_id,
        limit: query.limit,
        offset: query.offset,
      }),
  });

  routes.add({
    method: "post",
    path: "/api/v1/tickets",
    summary: "Open a repair ticket for a camera",
    tags: ["tickets"],
    // The camera's cell comes from the body, which is parsed after the policy runs: the service checks it.
    policy: { access: "permission", permission: "tickets:edit", scope: "own-cells" },
    body: createTicketBody,
    status: 201,
    response: ticketResponse,
    handler: ({ req, body, auth }) =>
      deps.withTransaction((db) =>
        createTicket(db, { ...auditSource(req, auth), userId: auth.userId }, body, auth.cellCodes),
      ),
  });

  routes.add({
    method: "get",
    path: "/api/v1/tickets/:id",
    summary: "One repair ticket with its history",
    tags: ["tickets"],
    policy: {
      access: "permission",
      permission: "tickets:read",
      scope: { cellOf: (req) => ticketCell(req.params) },
    },
    params: ticketIdParams,
    response: ticketWithHistoryResponse,
    handler: ({ params }) => getTicket(deps.pool, params.id),
  });

  routes.add({
    method: "get",
    path: "/api/v1/tickets/:id/assignees",
    summary: "Technicians the ticket can be assigned to: active, with the camera's cell in their cells",
    tags: ["tickets"],
    policy: {
      access: "permission",
      permission: "tickets:edit",
      scope: { cellOf: (req) => ticketCell(req.params) },
    },
    params: ticketIdParams,
    response: ticketAssigneesResponse,
    handler: ({ params }) => listTicketAssignees(deps.pool, params.id),
  });

  routes.add({
    method: "post",
    path: "/api/v1/tickets/:id/transition",
    summary: "Move a ticket along open → assigned → on_site → fixed → verified",
    tags: ["tickets"],
    policy: {
      access: "permission",
      permission: "tickets:edit",
      scope: { cellOf: (req) => ticketCell(req.params) },
    },
    params: ticketIdParams,
    body: transitionTicketBody,
    response: ticketResponse,
    handler: ({ req, params, body, auth }) =>
      deps.withTransaction((db) =>
        transitionTicket(db, { ...auditSource(req, auth), userId: auth.userId }, params.id, body),
      ),
  });
}
