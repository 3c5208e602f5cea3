import type { Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { rolePermissions, roles } from "../features/auth/permissions.js";
import { TestClient } from "../test-support/http-client.js";
import { startTestServer, type TestServer } from "../test-support/test-server.js";
import type { RegisteredRoute } from "./route.js";

let server: TestServer;
let registered: RegisteredRoute[];
const clients = new Map<string, TestClient>();
let demoCells: Map<string, string[]>;

// One demo user per role; roles without a demo user get one created here.
const userForRole: Record<(typeof roles)[number], string> = {
  admin: "admin",
  commander: "commander",
  operator: "operator",
  grid_leader: "leader1",
  grid_worker: "worker1",
  technician: "tech1",
  plate_analyst: "analyst1",
  viewer: "viewer",
  integrator: "integrator1",
};

beforeAll(async () => {
  server = await startTestServer();
  registered = server.server.built.routes.routes;
  const admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  const district = (await admin.get("/api/v1/auth/me")).body.cells;
  const created = await admin.post("/api/v1/users", {
    username: "integrator1",
    displayName: "Integrator",
    password: server.demoPassword,
    roles: ["integrator"],
    cellCodes: district,
  });
  expect(created.status).toBe(201);
  demoCells = new Map();
  for (const username of Object.values(userForRole)) {
    const client = await TestClient.loggedIn(server.url, username, server.demoPassword);
    clients.set(username, client);
    demoCells.set(username, (await client.get("/api/v1/auth/me")).body.cells);
  }
}, 120_000);
afterAll(() => server?.close());

/** Every route Express knows, including nested routers. */
function expressRoutes(app: Express): { method: string; path: string }[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const out: { method: string; path: string }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on) out.push({ method, path: String(layer.route.path) });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

// The single-page app's HTML fallback is the only route outside the registry: it serves the
// static shell (no data) and exists only when the web app is built.
const WEB_SHELL_FALLBACK = /^\/\^\\\/\(\?!api/;

function concretePath(route: RegisteredRoute, username: string): string {
  const cell = demoCells.get(username)?.[0] ?? "0";
  return route.path.replace(/:(\w+)/g, (_m, name: string) => {
    if (name === "code" || name.endsWith("Code")) return cell;
    if (name === "format") return "generic";
    return "1";
  });
}

// Logging out ends the session the rest of the matrix uses, so it goes last.
const ordered = () => [...registered].sort((a, b) => Number(a.path.endsWith("/logout")) - Number(b.path.endsWith("/logout")));

describe("route policies", () => {
  it("every Express route was registered with a policy", () => {
    const known = new Set(registered.map((r) => `${r.method} ${r.path}`));
    const unknown = expressRoutes(server.server.built.app)
      .filter((r) => !WEB_SHELL_FALLBACK.test(r.path))
      .filter((r) => !known.has(`${r.method} ${r.path}`));
    expect(unknown).toEqual([]);
    for (const r of registered) expect(r.policy, `${r.method} ${r.path}`).toBeDefined();
    expect(registered.length).toBeGreaterThan(10);
  });

  it("anonymous callers get 401 on every non-public route", async () => {
    const anonymous = new TestClient(server.url);
    for (const route of registered.filter((r) => r.policy.access !== "public")) {
      const res = await anonymous.request(route.method.toUpperCase(), concretePath(route, "admin"), route.method === "get" ? undefined : {});
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it("role × route matrix: 403 without the permission, never 401/403 with it", async () => {
    for (const route of ordered()) {
      if (route.policy.access === "public") continue;
      for (const role of roles) {
        const username = userForRole[role];
        const client = clients.get(username)!;
        const res = await client.request(route.method.toUpperCase(), concretePath(route, username), route.method === "get" ? undefined : {});
        const label = `${role} ${route.method} ${route.path} → ${res.status} ${res.text.slice(0, 120)}`;
        expect(res.status, label).toBeLessThan(500);
        const allowed = route.policy.access === "authenticated" || (await hasPermission(client, route.policy.permission));
        if (allowed) expect([401, 403], label).not.toContain(res.status);
        else expect(res.status, label).toBe(403);
      }
    }
  }, 300_000);

  it("hostile values in every query parameter give 400 or a normal answer, never a SQL error", async () => {
    const admin = clients.get("admin")!;
    const hostile = ["' OR 1=1 --", "1; DROP TABLE cells", "%27%3B", "\u0000", "😀".repeat(50), "-1", "9".repeat(40), "[]", "{}"];
    for (const route of registered.filter((r) => r.method === "get" && r.definition.query instanceof z.ZodObject)) {
      const keys = Object.keys((route.definition.query as z.ZodObject).shape);
      for (const key of keys) {
        for (const value of hostile) {
          const res = await admin.get(`${concretePath(route, "admin")}?${key}=${encodeURIComponent(value)}`);
          expect(res.status, `${route.path}?${key}=${value}`).toBeLessThan(500);
        }
      }
    }
    const { rows } = await server.db.pool.query("SELECT count(*)::int AS n FROM cells");
    expect(rows[0].n).toBeGreaterThan(0);
  }, 300_000);

  it("malformed JSON, wrong content type and oversized bodies get 4xx with a code on every JSON write route", async () => {
    for (const route of registered.filter((r) => r.method !== "get" && r.method !== "delete" && !r.definition.rawBody && !r.path.endsWith("/logout"))) {
      // Send as a user who holds the route's permission, so the body checks are what answers.
      const username = userAllowedFor(route);
      const client = await TestClient.loggedIn(server.url, username, server.demoPassword);
      const path = concretePath(route, username);
      const broken = await client.request(route.method.toUpperCase(), path, "{not json", { "content-type": "application/json" });
      expect(broken.status, `${route.path} malformed`).toBe(400);
      expect(broken.body.error.code, route.path).toBe("malformed_json");
      const huge = await client.request(route.method.toUpperCase(), path, JSON.stringify({ pad: "x".repeat(20_000_000) }), {
        "content-type": "application/json",
      });
      expect(huge.status, `${route.path} oversized`).toBe(413);
      expect(huge.body.error.code).toBe("body_too_large");
      if (route.definition.body) {
        const wrongType = await client.request(route.method.toUpperCase(), path, "a=b", { "content-type": "application/x-www-form-urlencoded" });
        expect(wrongType.status, `${route.path} form`).toBe(415);
      }
    }
  }, 300_000);
});

function userAllowedFor(route: RegisteredRoute): string {
  if (route.policy.access !== "permission") return "admin";
  for (const role of roles) {
    if (rolePermissions[role].includes(route.policy.permission)) return userForRole[role];
  }
  throw new Error(`no demo user holds ${route.policy.permission}`);
}

const permissionCache = new Map<TestClient, Set<string>>();
async function hasPermission(client: TestClient, permission: string): Promise<boolean> {
  if (!permissionCache.has(client)) {
    permissionCache.set(client, new Set((await client.get("/api/v1/auth/me")).body.permissions));
  }
  return permissionCache.get(client)!.has(permission);
}
