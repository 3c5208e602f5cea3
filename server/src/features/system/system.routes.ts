import type { AppDeps } from "../../app-deps.js";
import { currentMigrationVersion } from "../../db/migrate.js";
import type { RouteRegistry } from "../../http/route.js";
import { clientConfigResponse } from "./system.responses.js";

export function registerSystemRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "get",
    path: "/healthz",
    summary: "Liveness and readiness: database reachable, migration version",
    tags: ["system"],
    policy: {
      access: "public",
      why: "load balancers and monitoring probe it without credentials; it reveals no data",
    },
    handler: async ({ res }) => {
      const started = Date.now();
      const version = await Promise.race([
        currentMigrationVersion(deps.pool),
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 2000).unref()),
      ]).catch(() => null);
      const database = version !== null && version !== "timeout";
      res.status(database ? 200 : 503).json({
        status: database ? "ok" : "degraded",
        database: { reachable: database, latencyMs: Date.now() - started },
        migrationVersion: database ? version : null,
      });
    },
  });
  routes.add({
    method: "get",
    path: "/api/v1/config",
    summary: "Client configuration: base-map style URL and default language",
    tags: ["system"],
    policy: {
      access: "public",
      why: "the login page needs the language and map style before anyone logs in",
    },
    response: clientConfigResponse,
    handler: () => ({
      baseMapStyleUrl: deps.config.baseMapStyleUrl,
      defaultLanguage: deps.config.defaultLanguage,
    }),
  });
}
