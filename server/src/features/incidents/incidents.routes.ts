import type { Request } from "express";
import type { AppDeps } from "../../app-deps.js";
import type { Queryable } from "../../db/pool.js";
import { badRequest, notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { okResponse } from "../../http/wire.js";
import { systemClock } from "../../jobs/clock.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import { registerCellSummarySection } from "../cells/cell-people.service.js";
import { selectOpenIncidentsByCell } from "../stats/stats.sql.js";
import { readMultipartFiles, selectIncidentAttachment, storeAttachments } from "./attachments.js";
import { selectTimeLimits, upsertTimeLimits } from "./deadlines.sql.js";
import {
  attachmentsResponse,
  categoriesResponse,
  createdIncidentResponse,
  incidentMapResponse,
  incidentPageResponse,
  incidentResponse,
  timeLimitsResponse,
  timelineResponse,
} from "./incidents.responses.js";
import {
  attachmentParams,
  callbackBody,
  categoryBody,
  createIncidentBody,
  incidentIdParams,
  incidentMapQuery,
  listIncidentsQuery,
  mergeBody,
  timeLimitsBody,
  transitionBody,
} from "./incidents.schemas.js";
import {
  type Actor,
  createIncident,
  getIncident,
  getTimeline,
  listIncidents,
  mergeIncident,
  recordCallback,
  transitionIncident,
  withActions,
} from "./incidents.service.js";
import {
  selectCategories,
  selectIncidentFeatures,
  upsertCategory,
} from "./incidents.sql.js";

/** The parent must exist and must not be the category itself or one of its descendants. */
async function checkCategoryParent(db: Queryable, code: string, parentCode: string): Promise<void> {
  const all = await selectCategories(db);
  const parentOf = new Map(all.map((c) => [c.code, c.parent_code]));
  if (!parentOf.has(parentCode))
    throw badRequest("unknown_parent_category", `There is no category "${parentCode}".`);
  for (let at: string | null | undefined = parentCode; at; at = parentOf.get(at)) {
    if (at === code)
      throw badRequest(
        "category_cycle",
        `"${parentCode}" is "${code}" or below it: a category cannot be its own ancestor.`,
      );
  }
}

const MAX_FILES_PER_UPLOAD = 5;

const actorOf = (req: Request, auth: AuthContext): Actor & { cellCodes: readonly string[] } => ({
  userId: auth.userId,
  actor: auth.actor,
  permissions: auth.permissions,
  cellCodes: auth.cellCodes,
  requestId: req.id,
  ip: req.ip ?? null,
});

export function registerIncidentRoutes(routes: RouteRegistry, deps: AppDeps): void {
  // The cell page shows the open and overdue incidents below the cell to those who may read them:
  // the command map's per-cell figures (stats), for this one cell.
  registerCellSummarySection("incidents", async (db, cell, auth) => {
    if (!auth.permissions.has("incidents:read")) return null;
    const [row] = await selectOpenIncidentsByCell(db, [cell.code], cell.level);
    return { open: row?.open ?? 0, overdue: row?.overdue ?? 0, topPriority: row?.topPriority ?? null };
  });
  const clock = systemClock;
  const read = { access: "permission", permission: "incidents:read", scope: "own-cells" } as const;
  const configure = { access: "permission", permission: "config:manage", scope: "global" } as const;

  routes.add({
    method: "get",
    path: "/api/v1/incident-categories",
    summary: "Incident category tree (flat list with parentCode), names in zh-CN and en",
    tags: ["incidents"],
    policy: { access: "permission", permission: "incidents:read", scope: "global" },
    response: categoriesResponse,
    handler: async () => ({
      categories: (await selectCategories(deps.pool)).map((c) => ({
        code: c.code,
        parentCode: c.parent_code,
        name: c.name,
        nameEn: c.name_en,
        sortOrder: c.sort_order,
        active: c.active,
      })),
    }),
  });

  routes.add({
    method: "post",
    path: "/api/v1/incident-categories",
    summary: "Create or change an incident category (audited)",
    tags: ["incidents"],
    policy: configure,
    body: categoryBody,
    response: okResponse,
    handler: async ({ req, body }) =>
      deps.withTransaction(async (db) => {
        if (body.parentCode !== null) await checkCategoryParent(db, body.code, body.parentCode);
        await upsertCategory(db, {
          code: body.code,
          parent_code: body.parentCode,
          name: body.name,
          name_en: body.nameEn,
          sort_order: body.sortOrder,
          active: body.active,
        });
        await recordAudit(db, {
          ...auditSource(req),
          action: "incident_category.save",
          targetType: "incident_category",
          targetId: body.code,
          details: body,
        });
        return { ok: true };
      }),
  });

  routes.add({
    method: "get",
    path: "/api/v1/incident-time-limits",
    summary: "Time limits per stage, category and priority, in working minutes (null = any)",
    tags: ["incidents"],
    policy: { access: "permission", permission: "incidents:read", scope: "global" },
    response: timeLimitsResponse,
    handler: async () => ({
      limits: (await selectTimeLimits(deps.pool)).map((l) => ({
        category: l.category_code,
        priority: l.priority,
        stage: l.stage,
        limitMinutes: l.limit_minutes,
      })),
    }),
  });

  routes.add({
    method: "put",
    path: "/api/v1/incident-time-limits",
    summary:
      "Set time limits (upsert per category/priority/stage; applies to stages started afterwards; audited)",
    tags: ["incidents"],
    policy: configure,
    body: timeLimitsBody,
    response: okResponse,
    handler: async ({ req, body }) =>
      deps.withTransaction(async (db) => {
        await upsertTimeLimits(
          db,
          body.limits.map((l) => ({
            category_code: l.category,
            priority: l.priority,
            stage: l.stage,
            limit_minutes: l.limitMinutes,
          })),
        );
        await recordAudit(db, {
          ...auditSource(req),
          action: "incident_time_limits.save",
          targetType: "incident_time_limits",
          details: { limits: body.limits },
        });
        return { ok: true };
      }),
  });

  routes.add({
    method: "get",
    path: "/api/v1/incidents",
    summary:
      "Incidents in the caller's cells, newest first (filters: state, cell, category, priority, assignee, overdue, open, reported_from/reported_to, active_since); page with before_id",
    tags: ["incidents"],
    policy: read,
    query: listIncidentsQuery,
    response: incidentPageResponse,
    handler: async ({ req, query, auth }) => {
      const actor = actorOf(req, auth);
      const assignee = query.assignee === "me" ? (auth.userId ?? -1) : query.assignee;
      return listIncidents(deps.pool, actor, {
        states: query.state,
        cellCode: query.cell,
        category: query.category,
        priority: query.priority,
        assigneeUserId: assignee,
        overdue: query.overdue,
        open: query.open,
        reportedFrom: query.reported_from,
        reportedTo: query.reported_to,
        activeSince: query.active_since,
        beforeId: query.before_id,
        limit: query.limit,
      });
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/incidents.geojson",
    summary:
      "Incidents in the caller's cells as GeoJSON for the map (open ones by default; bbox filter); properties as in incident.created",
    tags: ["incidents"],
    policy: read,
    query: incidentMapQuery,
    response: incidentMapResponse,
    handler: ({ query, auth }) =>
      selectIncidentFeatures(deps.pool, {
        scope: auth.cellCodes,
        bbox: query.bbox ?? null,
        open: query.open,
        limit: query.limit,
      }),
  });

  routes.add({
    method: "post",
    path: "/api/v1/incidents",
    summary: "Report an incident; the response names suggested duplicates (same category nearby, recent)",
    tags: ["incidents"],
    policy: { access: "permission", permission: "incidents:report", scope: "own-cells" },
    body: createIncidentBody,
    status: 201,
    response: createdIncidentResponse,
    handler: async ({ body, auth }) => {
      const source =
        body.source === "manual" && auth.roles.includes("grid_worker") ? "grid_worker_report" : body.source;
      const created = await deps.withTransaction((db) =>
        createIncident(
          db,
          { ...body, source, reporter: { userId: auth.userId, actor: auth.actor } },
          { clock, scope: auth.cellCodes },
        ),
      );
      return { ...created, incident: withActions(created.incident, auth.permissions) };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/incidents/:id",
    summary:
      "One incident with its running time limit, suggested duplicates, callback and the actions the caller may take",
    tags: ["incidents"],
    policy: read,
    params: incidentIdParams,
    response: incidentResponse,
    handler: ({ req, params, auth }) => getIncident(deps.pool, params.id, actorOf(req, auth)),
  });

  routes.add({
    method: "get",
    path: "/api/v1/incidents/:id/timeline",
    summary: "The incident's timeline (and those of incidents merged into it), oldest first",
    tags: ["incidents"],
    policy: read,
    params: incidentIdParams,
    response: timelineResponse,
    handler: async ({ req, params, auth }) => ({
      events: await getTimeline(deps.pool, params.id, actorOf(req, auth)),
    }),
  });

  routes.add({
    method: "post",
    path: "/api/v1/incidents/:id/transitions",
    summary:
      "Take a lifecycle action (register, dispatch, accept, feed_back, verify, reject, close, return, suspend, resume, void) with the incident version",
    tags: ["incidents"],
    policy: read,
    params: incidentIdParams,
    body: transitionBody,
    response: incidentResponse,
    handler: ({ req, params, body, auth }) =>
      deps.withTransaction((db) =>
        transitionIncident(db, { id: params.id, ...body }, actorOf(req, auth), clock),
      ),
  });

  routes.add({
    method: "post",
    path: "/api/v1/incidents/:id/merge",
    summary:
      "Merge this incident into another (duplicate): it is voided, both timelines are kept on the target",
    tags: ["incidents"],
    policy: { access: "permission", permission: "incidents:register", scope: "own-cells" },
    params: incidentIdParams,
    body: mergeBody,
    response: incidentResponse,
    handler: ({ req, params, body, auth }) =>
      deps.withTransaction((db) =>
        mergeIncident(
          db,
          { id: params.id, intoId: body.into, version: body.version, note: body.note ?? null },
          actorOf(req, auth),
          clock,
        ),
      ),
  });

  routes.add({
    method: "post",
    path: "/api/v1/incidents/:id/callback",
    summary: "Record the satisfaction callback of a closed incident (once)",
    tags: ["incidents"],
    policy: { access: "permission", permission: "incidents:register", scope: "own-cells" },
    params: incidentIdParams,
    body: callbackBody,
    status: 201,
    response: incidentResponse,
    handler: ({ req, params, body, auth }) =>
      deps.withTransaction((db) =>
        recordCallback(
          db,
          { id: params.id, rating: body.rating, note: body.note ?? null },
          actorOf(req, auth),
          clock,
        ),
      ),
  });

  routes.add({
    method: "post",
    path: "/api/v1/incidents/attachments",
    summary:
      "Upload photos (multipart/form-data, field file; JPEG/PNG/WebP checked by content; size-capped); reference them by sha256",
    tags: ["incidents"],
    policy: { access: "permission", permission: "incidents:report", scope: "global" },
    status: 201,
    response: attachmentsResponse,
    handler: async ({ req, auth }) => {
      const files = await readMultipartFiles(req, {
        maxBytes: deps.config.attachmentMaxBytes,
        maxFiles: MAX_FILES_PER_UPLOAD,
      });
      return { attachments: await storeAttachments(deps.pool, files, auth.userId) };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/incidents/:id/attachments/:sha256",
    summary: "One photo of the incident's timeline",
    tags: ["incidents"],
    policy: read,
    params: attachmentParams,
    handler: async ({ req, res, params, auth }) => {
      await getIncident(deps.pool, params.id, actorOf(req, auth));
      const file = await selectIncidentAttachment(deps.pool, params.id, params.sha256);
      if (!file) throw notFound("Attachment", params.sha256);
      res.setHeader("content-type", file.media_type);
      res.setHeader("x-content-type-options", "nosniff");
      res.setHeader("cache-control", "private, max-age=86400, immutable");
      res.send(file.content);
      return undefined;
    },
  });
}
