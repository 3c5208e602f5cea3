import type { Session } from "../api/schemas.js";
import type { RouteDefinition, RoutePath } from "./routes.js";

export interface ParsedHash {
  path: RoutePath;
  params: URLSearchParams;
}

/** "#/command?incident=3" → { path: "/command", params }; anything else → path "/". */
export function parseHash(hash: string): ParsedHash {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  const [pathPart = "", query = ""] = raw.split("?", 2);
  const path = (pathPart.startsWith("/") ? pathPart.replace(/\/+$/, "") || "/" : "/") as RoutePath;
  return { path, params: new URLSearchParams(query) };
}

export function formatHash(path: RoutePath, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString();
  return `#${path}${query ? `?${query}` : ""}`;
}

export function permittedRoutes(routes: readonly RouteDefinition[], session: Session): RouteDefinition[] {
  return routes.filter((route) => session.permissions.includes(route.permission));
}

/** Where a user lands: the first permitted route made for one of their roles, else the first permitted. */
export function defaultRoute(routes: readonly RouteDefinition[], session: Session): RouteDefinition | null {
  const permitted = permittedRoutes(routes, session);
  return (
    permitted.find((route) => route.defaultFor.some((role) => session.roles.includes(role))) ??
    permitted[0] ??
    null
  );
}

export type Resolution =
  | { kind: "view"; route: RouteDefinition }
  | { kind: "redirect"; route: RouteDefinition }
  | { kind: "forbidden"; path: RoutePath }
  | { kind: "not_found"; path: RoutePath }
  | { kind: "no_views" };

/** What to show for a hash path: the route, a redirect to the default, or why not. */
export function resolveRoute(
  routes: readonly RouteDefinition[],
  session: Session,
  path: RoutePath,
): Resolution {
  const fallback = defaultRoute(routes, session);
  if (path === "/") return fallback ? { kind: "redirect", route: fallback } : { kind: "no_views" };
  const route = routes.find((candidate) => candidate.path === path);
  if (!route) return { kind: "not_found", path };
  if (!session.permissions.includes(route.permission)) {
    return fallback ? { kind: "redirect", route: fallback } : { kind: "forbidden", path };
  }
  return { kind: "view", route };
}
