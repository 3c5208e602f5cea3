import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { AppDeps } from "./app-deps.js";
import { registerAuditRoutes } from "./features/audit/audit.routes.js";
import { resolveAuth } from "./features/auth/auth.middleware.js";
import { registerAuthRoutes } from "./features/auth/auth.routes.js";
import { cellVisible } from "./features/auth/auth.service.js";
import { registerCalendarRoutes } from "./features/calendar/calendar.routes.js";
import { registerCameraRoutes } from "./features/cameras/cameras.routes.js";
import { registerCellRoutes } from "./features/cells/cells.routes.js";
import { registerCheckpointRoutes } from "./features/checkpoints/checkpoints.routes.js";
import { registerHealthRoutes } from "./features/health/health.routes.js";
import { registerHotlistRoutes } from "./features/hotlists/hotlists.routes.js";
import { registerIncidentRoutes } from "./features/incidents/incidents.routes.js";
import { registerDeadLetterRoutes } from "./features/ingest/dead-letters.routes.js";
import { registerMetricsRoutes } from "./features/metrics/metrics.routes.js";
import { registerOgcRoutes } from "./features/ogc/ogc.routes.js";
import { registerOpen311Routes } from "./features/open311/open311.routes.js";
import { registerPlateDeviceRoutes } from "./features/plates/plate-devices.routes.js";
import { registerPlateIngestRoutes } from "./features/plates/plate-ingest.routes.js";
import { registerPlateSearchRoutes } from "./features/plates/plate-search.routes.js";
import { registerReportRoutes } from "./features/reports/reports.routes.js";
import { registerStatsRoutes } from "./features/stats/stats.routes.js";
import { registerSystemRoutes } from "./features/system/system.routes.js";
import { registerTicketRoutes } from "./features/tickets/tickets.routes.js";
import { registerTileRoutes } from "./features/tiles/tiles.routes.js";
import { registerWebhookRoutes } from "./features/webhooks/webhooks.routes.js";
import { registerApiDocsRoutes } from "./http/api-docs.routes.js";
import { errorHandler, notFoundHandler } from "./http/errors.js";
import { RouteRegistry } from "./http/route.js";
import { repoRoot } from "./package-root.js";

export type FeatureRegistrar = (routes: RouteRegistry, deps: AppDeps) => void;

/** Every feature's routes, in one list so the app (and its route-policy test) sees them all. */
export const featureRoutes: FeatureRegistrar[] = [
  registerSystemRoutes,
  registerApiDocsRoutes,
  registerMetricsRoutes,
  registerAuthRoutes,
  registerAuditRoutes,
  registerCellRoutes,
  registerCheckpointRoutes,
  registerCameraRoutes,
  registerPlateIngestRoutes,
  registerPlateDeviceRoutes,
  registerDeadLetterRoutes,
  registerHotlistRoutes,
  registerPlateSearchRoutes,
  registerHealthRoutes,
  registerTicketRoutes,
  registerIncidentRoutes,
  registerReportRoutes,
  registerStatsRoutes,
  registerCalendarRoutes,
  registerOgcRoutes,
  registerTileRoutes,
  registerOpen311Routes,
  registerWebhookRoutes,
];

export interface BuiltApp {
  app: Express;
  routes: RouteRegistry;
}

export function buildApp(deps: AppDeps, extra: FeatureRegistrar[] = []): BuiltApp {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.config.trustProxy);
  app.set("query parser", "simple");
  app.use(requestId(), requestLog(deps), securityHeaders(deps));
  app.use(resolveAuth(deps.pool));
  const router = express.Router();
  const routes = new RouteRegistry(
    router,
    { cellVisible: (auth, cell) => cellVisible(deps.pool, auth, cell) },
    deps.config.env === "test",
  );
  for (const register of [...featureRoutes, ...extra]) register(routes, deps);
  app.use(router);
  app.use("/api", notFoundHandler);
  serveWeb(app, deps);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return { app, routes };
}

function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get("x-request-id");
    req.id = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", req.id);
    next();
  };
}

function requestLog(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = req.route?.path ? String(req.route.path) : "unmatched";
      deps.metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        ms / 1000,
      );
      const level = res.statusCode >= 500 ? "error" : "debug";
      deps.log[level](
        {
          requestId: req.id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          actor: req.auth?.actor,
        },
        "request",
      );
    });
    next();
  };
}

function securityHeaders(deps: AppDeps): RequestHandler {
  const baseMapOrigin = deps.config.baseMapStyleUrl ? new URL(deps.config.baseMapStyleUrl).origin : null;
  const remote = baseMapOrigin ? [baseMapOrigin] : [];
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // MapLibre runs its tile workers from blob: URLs.
        workerSrc: ["'self'", "blob:"],
        childSrc: ["blob:"],
        imgSrc: ["'self'", "data:", "blob:", ...remote],
        connectSrc: ["'self'", "ws:", "wss:", ...remote],
        fontSrc: ["'self'", "data:"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
}

function serveWeb(app: Express, deps: AppDeps): void {
  const webDir = deps.config.webDir ?? path.join(repoRoot, "web", "dist");
  if (!existsSync(path.join(webDir, "index.html"))) {
    deps.log.warn({ webDir }, "web app not built: run npm run build to serve the map at /");
    return;
  }
  app.use(express.static(webDir, { index: "index.html", maxAge: "1h" }));
  // Client-side routes (e.g. /technician) load the app shell.
  app.get(/^\/(?!api\/|healthz|socket\.io\/).*/, (req, res, next) => {
    if (req.accepts("html")) res.sendFile(path.join(webDir, "index.html"));
    else next();
  });
}
