import { healthReasonLabels, healthStateLabels, healthStates } from "@gridops/camera-adapters/health/index";
import type { AppDeps } from "../../app-deps.js";
import { notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import { cameraIdParams } from "../cameras/cameras.schemas.js";
import { cameraCellOf, getCamera } from "../cameras/cameras.service.js";
import {
  cameraEventsResponse,
  cameraHealthResponse,
  fleetResponse,
  healthActionResponse,
  healthLabelsResponse,
} from "./health.responses.js";
import { eventsQuery, fleetQuery, maintenanceBody } from "./health.schemas.js";
import { applyHealthAction } from "./health.service.js";
import * as sql from "./health.sql.js";

const DAY_HOURS = 24;

export function registerHealthRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const cellOfCamera = async (params: unknown) => {
    const parsed = cameraIdParams.safeParse(params);
    return parsed.success ? cameraCellOf(deps.pool, parsed.data.id) : null;
  };
  const cameraPolicy = (permission: "health:read" | "health:maintain") =>
    ({
      access: "permission",
      permission,
      scope: { cellOf: (req: { params: unknown }) => cellOfCamera(req.params) },
    }) as const;

  routes.add({
    method: "get",
    path: "/api/v1/health/labels",
    summary: "Health state and reason labels in zh-CN and en",
    tags: ["health"],
    policy: { access: "authenticated" },
    response: healthLabelsResponse,
    handler: () => ({ states: healthStateLabels, reasons: healthReasonLabels }),
  });

  routes.add({
    method: "get",
    path: "/api/v1/health/fleet",
    summary: "Technician board: cameras with their health, filtered, plus counts per state",
    tags: ["health"],
    policy: { access: "permission", permission: "health:read", scope: "own-cells" },
    query: fleetQuery,
    response: fleetResponse,
    handler: async ({ query, auth }) => {
      const { rows, counts } = await sql.selectFleet(deps.pool, {
        ...query,
        states: query.state,
        scope: auth.cellCodes,
      });
      const perState = Object.fromEntries(healthStates.map((s) => [s, 0])) as Record<string, number>;
      for (const c of counts) perState[c.state] = c.n;
      const total = query.state
        ? query.state.reduce((n, s) => n + (perState[s] ?? 0), 0)
        : Object.values(perState).reduce((a, b) => a + b, 0);
      return { cameras: rows, counts: perState, total, limit: query.limit, offset: query.offset };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/cameras/:id/health",
    summary: "Camera page: current health, uptime over 24 h / 7 d / 30 d, timeline, recent events, snapshot",
    tags: ["health"],
    policy: cameraPolicy("health:read"),
    params: cameraIdParams,
    response: cameraHealthResponse,
    handler: async ({ params, auth }) => {
      const camera = await getCamera(deps.pool, auth, params.id);
      const now = new Date();
      const [detail, uptime, timeline, events, snapshot] = await Promise.all([
        sql.selectHealthDetail(deps.pool, params.id),
        sql.selectUptime(deps.pool, params.id, now, [DAY_HOURS, 7 * DAY_HOURS, 30 * DAY_HOURS]),
        sql.selectTimeline(deps.pool, params.id, new Date(now.getTime() - 30 * DAY_HOURS * 3_600_000), now),
        sql.selectCameraEvents(deps.pool, params.id, 50, null),
        sql.selectSnapshot(deps.pool, params.id),
      ]);
      const pct = (h: number) => {
        const w = uptime.find((u) => u.hours === h);
        return w?.counted_seconds
          ? Math.round((10_000 * (w.up_seconds ?? 0)) / w.counted_seconds) / 100
          : null;
      };
      return {
        camera: {
          id: camera.id,
          name: camera.name,
          vendor: camera.vendor,
          model: camera.model,
          firmware: camera.firmware,
          cell_code: camera.cell_code,
          location: camera.location,
          clock_offset_ms: camera.clock_offset_ms,
        },
        health: detail
          ? {
              state: detail.state,
              since: detail.since,
              reasons: detail.reasons,
              silenced: detail.machine.silenced ?? false,
              counters: detail.machine.counters ?? null,
              pending: detail.machine.pending ?? null,
              next_check_at: detail.next_check_at,
              last_check_at: detail.last_check_at,
              last_deep_check_at: detail.last_deep_check_at,
              last_error: detail.last_error,
              deep_findings: detail.deep_findings,
              escalated_at: detail.escalated_at,
            }
          : { state: camera.status, since: camera.status_since, reasons: [] },
        uptime_pct: { h24: pct(DAY_HOURS), d7: pct(7 * DAY_HOURS), d30: pct(30 * DAY_HOURS) },
        timeline,
        events,
        snapshot: snapshot
          ? { url: `/api/v1/cameras/${encodeURIComponent(params.id)}/snapshot`, taken_at: snapshot.taken_at }
          : null,
      };
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/cameras/:id/snapshot",
    summary: "The last snapshot the health poller took, as a JPEG image",
    tags: ["health"],
    policy: cameraPolicy("health:read"),
    params: cameraIdParams,
    handler: async ({ res, params, auth }) => {
      await getCamera(deps.pool, auth, params.id);
      const snap = await sql.selectSnapshot(deps.pool, params.id);
      if (!snap) throw notFound("Snapshot of camera", params.id);
      res.setHeader("content-type", snap.content_type);
      res.setHeader("cache-control", "private, max-age=30");
      res.setHeader("last-modified", snap.taken_at.toUTCString());
      res.end(snap.image);
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/cameras/:id/events",
    summary: "A camera's health events, newest first (keyset paging with before)",
    tags: ["health"],
    policy: cameraPolicy("health:read"),
    params: cameraIdParams,
    query: eventsQuery,
    response: cameraEventsResponse,
    handler: async ({ params, query, auth }) => {
      await getCamera(deps.pool, auth, params.id);
      const events = await sql.selectCameraEvents(deps.pool, params.id, query.limit, query.before ?? null);
      return { events, next_before: events.length === query.limit ? (events.at(-1)?.id ?? null) : null };
    },
  });

  routes.add({
    method: "post",
    path: "/api/v1/cameras/:id/maintenance",
    summary: "Start or end maintenance: a camera in maintenance raises no alerts",
    tags: ["health"],
    policy: cameraPolicy("health:maintain"),
    params: cameraIdParams,
    body: maintenanceBody,
    response: healthActionResponse,
    handler: async ({ req, params, body, auth }) => {
      const camera = await getCamera(deps.pool, auth, params.id);
      return deps.withTransaction(async (db) => {
        const result = await applyHealthAction(
          db,
          params.id,
          body.on ? "maintenance_on" : "maintenance_off",
          auth.actor,
          new Date(),
          body.note ?? null,
        );
        await recordAudit(db, {
          ...auditSource(req, auth),
          action: body.on ? "camera.maintenance_start" : "camera.maintenance_end",
          targetType: "camera",
          targetId: params.id,
          cellCode: camera.cell_code,
          details: { note: body.note ?? null, changed: result.changed },
        });
        return result;
      });
    },
  });

  routes.add({
    method: "post",
    path: "/api/v1/cameras/:id/auth-reset",
    summary: "Leave auth_failed without changing credentials (the poller tries once more)",
    tags: ["health"],
    policy: cameraPolicy("health:maintain"),
    params: cameraIdParams,
    response: healthActionResponse,
    handler: async ({ req, params, auth }) => {
      const camera = await getCamera(deps.pool, auth, params.id);
      return deps.withTransaction(async (db) => {
        const result = await applyHealthAction(db, params.id, "auth_reset", auth.actor, new Date());
        await recordAudit(db, {
          ...auditSource(req, auth),
          action: "camera.auth_reset",
          targetType: "camera",
          targetId: params.id,
          cellCode: camera.cell_code,
        });
        return result;
      });
    },
  });
}
