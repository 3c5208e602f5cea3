import { describe, expect, it } from "vitest";
import type { Session } from "../api/schemas.js";
import { defaultRoute, formatHash, parseHash, permittedRoutes, resolveRoute } from "./router.js";
import type { RouteDefinition } from "./routes.js";

const view = () => ({ element: {} as HTMLElement });
const routes: RouteDefinition[] = [
  {
    path: "/command",
    titleKey: "nav.commandMap",
    permission: "cells:read",
    defaultFor: ["commander"],
    create: view,
  },
  {
    path: "/leader",
    titleKey: "nav.leader",
    permission: "reports:file",
    defaultFor: ["grid_leader"],
    create: view,
  },
  { path: "/admin", titleKey: "nav.admin", permission: "users:manage", defaultFor: ["admin"], create: view },
];
const session = (roles: string[], permissions: string[]): Session => ({
  user: { id: 1, username: "u", displayName: "U" },
  roles,
  permissions,
  cells: [],
});

describe("parseHash / formatHash", () => {
  it("splits path and query and round-trips", () => {
    const parsed = parseHash("#/command?incident=12&status=open");
    expect(parsed.path).toBe("/command");
    expect(parsed.params.get("incident")).toBe("12");
    expect(formatHash("/command", { incident: "12" })).toBe("#/command?incident=12");
  });
  it("treats an empty or odd hash as the root and drops trailing slashes", () => {
    expect(parseHash("").path).toBe("/");
    expect(parseHash("#command").path).toBe("/");
    expect(parseHash("#/leader/").path).toBe("/leader");
  });
});

describe("route resolution", () => {
  const leader = session(["grid_leader"], ["cells:read", "reports:file"]);
  it("shows only permitted routes in the nav", () => {
    expect(permittedRoutes(routes, leader).map((r) => r.path)).toEqual(["/command", "/leader"]);
  });
  it("lands each role on its own view, the first permitted one otherwise", () => {
    expect(defaultRoute(routes, leader)?.path).toBe("/leader");
    expect(defaultRoute(routes, session(["commander"], ["cells:read"]))?.path).toBe("/command");
    expect(defaultRoute(routes, session(["viewer"], ["cells:read"]))?.path).toBe("/command");
    expect(defaultRoute(routes, session(["integrator"], []))).toBeNull();
  });
  it("redirects the root and forbidden paths to the default view; unknown paths are not found", () => {
    expect(resolveRoute(routes, leader, "/")).toMatchObject({ kind: "redirect", route: { path: "/leader" } });
    expect(resolveRoute(routes, leader, "/admin")).toMatchObject({
      kind: "redirect",
      route: { path: "/leader" },
    });
    expect(resolveRoute(routes, leader, "/command")).toMatchObject({
      kind: "view",
      route: { path: "/command" },
    });
    expect(resolveRoute(routes, leader, "/nope")).toEqual({ kind: "not_found", path: "/nope" });
    expect(resolveRoute(routes, session([], []), "/")).toEqual({ kind: "no_views" });
    expect(resolveRoute(routes, session([], []), "/admin")).toEqual({ kind: "forbidden", path: "/admin" });
  });
});
