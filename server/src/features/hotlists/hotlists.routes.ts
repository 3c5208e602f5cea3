import { matchablePlate, plateColourSchema } from "@gridops/camera-adapters/plates/index";
import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { withTransaction } from "../../db/pool.js";
import { badRequest, conflict, notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import { getHit, listHits, reviewHit } from "./hits.service.js";
import {
  createdHotlistResponse,
  hitPageResponse,
  hitResponse,
  hotlistEntriesResponse,
  hotlistEntryResponse,
  hotlistsResponse,
} from "./hotlists.responses.js";
import * as sql from "./hotlists.sql.js";

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const MAX_EXPIRY_DAYS = 366;

const newHotlist = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).nullable().default(null),
});

const entryFields = {
  matchLevel: z.enum(["exact", "confusable", "confusable_plus_one"]),
  priority: z.enum(["low", "normal", "high", "urgent"]),
  expiresAt: z.coerce.date(),
  note: z.string().max(1000).nullable(),
};

const newEntry = z.strictObject({
  plate: z.string().trim().min(2).max(32),
  plateColour: plateColourSchema.exclude(["unknown"]).nullable().default(null),
  matchLevel: entryFields.matchLevel.default("exact"),
  reasonCode: z.string().regex(/^[a-z_]{1,40}$/),
  caseReference: z.string().trim().min(1).max(64),
  priority: entryFields.priority.default("normal"),
  expiresAt: entryFields.expiresAt,
  note: entryFields.note.default(null),
});

const entryChange = z.strictObject({
  matchLevel: entryFields.matchLevel.optional(),
  priority: entryFields.priority.optional(),
  expiresAt: entryFields.expiresAt.optional(),
  note: entryFields.note.optional(),
});

const reviewBody = z.strictObject({ note: z.string().trim().max(2000).nullable().default(null) });

const entryView = (e: sql.EntryRow) => ({
  id: e.id,
  hotlistId: e.hotlist_id,
  plate: e.plate_text,
  plateColour: e.plate_colour,
  matchLevel: e.match_level,
  reasonCode: e.reason_code,
  caseReference: e.case_reference,
  priority: e.priority,
  expiresAt: e.expires_at.toISOString(),
  note: e.note,
  createdBy: e.created_by_actor,
  createdAt: e.created_at.toISOString(),
  removedAt: e.removed_at?.toISOString() ?? null,
  removedBy: e.removed_by_actor,
});

function checkExpiry(expiresAt: Date): void {
  const now = Date.now();
  if (expiresAt.getTime() <= now)
    throw badRequest("expiry_in_past", "expiresAt must be in the future.", { field: "expiresAt" });
  if (expiresAt.getTime() > now + MAX_EXPIRY_DAYS * 86_400_000) {
    throw badRequest(
      "expiry_too_far",
      `An entry may run at most ${MAX_EXPIRY_DAYS} days; renew it before it expires.`,
      { field: "expiresAt" },
    );
  }
}

/** Hotlists (布控名单), their entries, and hits (布控命中) with review. */
export function registerHotlistRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const readLists = { access: "permission", permission: "hotlists:read", scope: "global" } as const;
  const manage = { access: "permission", permission: "hotlists:manage", scope: "global" } as const;

  routes.add({
    method: "get",
    path: "/api/v1/hotlists",
    summary: "Hotlists with their live entry counts",
    tags: ["hotlists"],
    policy: readLists,
    response: hotlistsResponse,
    handler: async () => ({
      hotlists: await sql.selectHotlists(deps.pool),
      reasonCodes: await sql.selectReasonCodes(deps.pool),
    }),
  });

  routes.add({
    method: "post",
    path: "/api/v1/hotlists",
    summary: "Create a hotlist",
    tags: ["hotlists"],
    policy: manage,
    body: newHotlist,
    status: 201,
    response: createdHotlistResponse,
    handler: async ({ req, auth, body }) =>
      withTransaction(deps.pool, async (db) => {
        const created = await sql.insertHotlist(db, { ...body, createdBy: auth.userId, actor: auth.actor });
        if (created === null) throw conflict("hotlist_exists", `A hotlist named "${body.name}" exists.`);
        await recordAudit(db, {
          ...auditSource(req),
          action: "hotlist.create",
          targetType: "hotlist",
          targetId: String(created),
          details: body,
        });
        return { id: created, ...body };
      }),
  });

  routes.add({
    method: "get",
    path: "/api/v1/hotlists/:id/entries",
    summary: "Entries of a hotlist (live ones; ?all=true includes expired and removed)",
    tags: ["hotlists"],
    policy: readLists,
    params: z.strictObject({ id }),
    query: z.strictObject({ all: z.enum(["true", "false"]).default("false") }),
    response: hotlistEntriesResponse,
    handler: async ({ params, query }) => {
      if (!(await sql.hotlistExists(deps.pool, params.id))) throw notFound("Hotlist", String(params.id));
      return {
        entries: (await sql.selectEntries(deps.pool, params.id, query.all === "true")).map(entryView),
      };
    },
  });

  routes.add({
    method: "post",
    path: "/api/v1/hotlists/:id/entries",
    summary: "Add a plate: reason code, case reference, expiry and priority are required; audited",
    tags: ["hotlists"],
    policy: manage,
    params: z.strictObject({ id }),
    body: newEntry,
    status: 201,
    response: hotlistEntryResponse,
    handler: async ({ req, auth, params, body }) => {
      checkExpiry(body.expiresAt);
      const plateText = matchablePlate(body.plate);
      if (plateText.length < 2)
        throw badRequest("invalid_plate", "The plate has fewer than two characters after normalisation.", {
          field: "plate",
        });
      return withTransaction(deps.pool, async (db) => {
        if (!(await sql.hotlistExists(db, params.id))) throw notFound("Hotlist", String(params.id));
        if (!(await sql.reasonCodeActive(db, body.reasonCode))) {
          throw badRequest("unknown_reason_code", `"${body.reasonCode}" is not a hotlist reason code.`, {
            field: "reasonCode",
          });
        }
        const entry = await sql.insertEntry(db, {
          ...body,
          hotlistId: params.id,
          plateText,
          createdBy: auth.userId,
          actor: auth.actor,
        });
        await recordAudit(db, {
          ...auditSource(req),
          action: "hotlist.entry_add",
          targetType: "hotlist_entry",
          targetId: String(entry.id),
          details: {
            hotlistId: params.id,
            plate: plateText,
            matchLevel: body.matchLevel,
            reasonCode: body.reasonCode,
            caseReference: body.caseReference,
            priority: body.priority,
            expiresAt: body.expiresAt.toISOString(),
          },
        });
        return entryView(entry);
      });
    },
  });

  routes.add({
    method: "patch",
    path: "/api/v1/hotlists/:id/entries/:entryId",
    summary: "Change an entry's expiry, priority, match level or note; audited",
    tags: ["hotlists"],
    policy: manage,
    params: z.strictObject({ id, entryId: id }),
    body: entryChange,
    response: hotlistEntryResponse,
    handler: async ({ req, params, body }) => {
      if (body.expiresAt) checkExpiry(body.expiresAt);
      return withTransaction(deps.pool, async (db) => {
        const before = await sql.selectEntry(db, params.id, params.entryId, true);
        if (!before || before.removed_at) throw notFound("Hotlist entry", String(params.entryId));
        const after = await sql.updateEntry(db, params.entryId, body);
        await recordAudit(db, {
          ...auditSource(req),
          action: "hotlist.entry_update",
          targetType: "hotlist_entry",
          targetId: String(params.entryId),
          details: {
            hotlistId: params.id,
            from: { expiresAt: before.expires_at, priority: before.priority, matchLevel: before.match_level },
            change: body,
          },
        });
        return entryView(after);
      });
    },
  });

  routes.add({
    method: "delete",
    path: "/api/v1/hotlists/:id/entries/:entryId",
    summary: "Remove an entry (kept for the record, stops matching at once); audited",
    tags: ["hotlists"],
    policy: manage,
    params: z.strictObject({ id, entryId: id }),
    status: 204,
    handler: async ({ req, res, auth, params }) => {
      await withTransaction(deps.pool, async (db) => {
        const before = await sql.selectEntry(db, params.id, params.entryId, true);
        if (!before || before.removed_at) throw notFound("Hotlist entry", String(params.entryId));
        await sql.markEntryRemoved(db, params.entryId, auth.actor);
        await recordAudit(db, {
          ...auditSource(req),
          action: "hotlist.entry_remove",
          targetType: "hotlist_entry",
          targetId: String(params.entryId),
          details: { hotlistId: params.id },
        });
      });
      res.status(204).end();
      return undefined;
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/hotlist-hits",
    summary: "Hotlist hits in the caller's cells, newest first",
    tags: ["hotlists"],
    policy: { access: "permission", permission: "hits:read", scope: "own-cells" },
    query: z.strictObject({
      status: z.enum(["pending", "confirmed", "dismissed"]).optional(),
      beforeId: id.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: hitPageResponse,
    handler: ({ auth, query }) =>
      listHits(deps.pool, auth, {
        status: query.status ?? null,
        beforeId: query.beforeId ?? null,
        limit: query.limit,
      }),
  });

  routes.add({
    method: "get",
    path: "/api/v1/hotlist-hits/:id",
    summary: "One hotlist hit",
    tags: ["hotlists"],
    policy: { access: "permission", permission: "hits:read", scope: "own-cells" },
    params: z.strictObject({ id }),
    response: hitResponse,
    handler: ({ auth, params }) => getHit(deps.pool, auth, params.id),
  });

  for (const decision of ["confirm", "dismiss"] as const) {
    routes.add({
      method: "post",
      path: `/api/v1/hotlist-hits/:id/${decision}`,
      summary:
        decision === "confirm"
          ? "Confirm a hit (确认): the read is kept past retention; audited"
          : "Dismiss a hit as a false match (误报); voids its incident; audited",
      tags: ["hotlists"],
      policy: { access: "permission", permission: "hits:review", scope: "own-cells" },
      params: z.strictObject({ id }),
      body: reviewBody,
      response: hitResponse,
      handler: ({ req, auth, params, body }) =>
        reviewHit(deps.pool, auth, params.id, {
          decision: decision === "confirm" ? "confirmed" : "dismissed",
          note: body.note,
          origin: { requestId: req.id, ip: req.ip ?? null },
        }),
    });
  }
}
