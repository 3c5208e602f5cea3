import { readFileSync } from "node:fs";
import path from "node:path";
import type { AppDeps } from "../app-deps.js";
import { serverRoot } from "../package-root.js";
import { buildOpenApiDocument } from "./openapi.js";
import type { RouteRegistry } from "./route.js";

const version = (JSON.parse(readFileSync(path.join(serverRoot, "package.json"), "utf8")) as { version: string }).version;
const asset = (name: string) => readFileSync(path.join(serverRoot, "src", "http", "api-docs", name), "utf8");

export function registerApiDocsRoutes(routes: RouteRegistry, _deps: AppDeps): void {
  let cached: unknown = null;
  routes.add({
    method: "get",
    path: "/api/openapi.json",
    summary: "This OpenAPI 3.1 document",
    tags: ["system"],
    policy: { access: "public", why: "integrators read the API description before they have credentials; it holds no data" },
    handler: () => {
      // Built on first request, when every feature has registered its routes.
      cached ??= buildOpenApiDocument(routes.routes, version);
      return cached;
    },
  });
  routes.add({
    method: "get",
    path: "/api/docs",
    summary: "Browsable API reference (renders /api/openapi.json)",
    tags: ["system"],
    policy: { access: "public", why: "the reference page shows the public API description only" },
    handler: ({ res }) => {
      res.type("html").send(asset("index.html"));
    },
  });
  routes.add({
    method: "get",
    path: "/api/docs/reference.js",
    summary: "Script of the API reference page",
    tags: ["system"],
    policy: { access: "public", why: "static script of the public reference page" },
    handler: ({ res }) => {
      res.type("application/javascript").send(asset("reference.js"));
    },
  });
}
