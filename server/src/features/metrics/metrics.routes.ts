import type { AppDeps } from "../../app-deps.js";
import type { RouteRegistry } from "../../http/route.js";

export function registerMetricsRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics (text exposition format)",
    tags: ["system"],
    policy: { access: "permission", permission: "metrics:read", scope: "global" },
    handler: async ({ res }) => {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.exposition());
    },
  });
}
