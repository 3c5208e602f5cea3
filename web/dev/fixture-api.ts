import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Plugin } from "vite";

// A stand-in for the real server while developing the UI without a database: serves the demo
// district's GeoJSON with the API's paging contract and a demo login. `apply: "serve"` keeps it
// out of every production build.

const DEMO_PASSWORD = "gridops-demo";
const FILES = {
  cells: "cells.geojson",
  checkpoints: "checkpoints.geojson",
  cameras: "cameras.geojson",
} as const;

interface Collection {
  type: "FeatureCollection";
  features: unknown[];
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function sessionFor(username: string) {
  const plates = username === "admin" || username === "commander" || username === "analyst1";
  return {
    user: { id: username, username, displayName: username },
    roles: [username === "tech1" ? "technician" : username],
    permissions: ["cells:read", "cameras:read", "checkpoints:read", ...(plates ? ["plates:search"] : [])],
    cells: [],
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return null;
  }
}

const STATUSES = [
  "online",
  "online",
  "online",
  "online",
  "online",
  "degraded",
  "offline",
  "auth_failed",
  "no_video",
  "maintenance",
];

/** The demo files carry no health; the real server adds it, the stand-in fakes a stable mix. */
function withStatus(collection: Collection): Collection {
  const features = collection.features.map((feature, index) => {
    const f = feature as { properties: Record<string, unknown> };
    return { ...f, properties: { status: STATUSES[(index * 7) % STATUSES.length], ...f.properties } };
  });
  return { ...collection, features };
}

function page(collection: Collection, url: URL) {
  const limit = Math.min(Number(url.searchParams.get("limit") ?? 1000) || 1000, 5000);
  const start = Number(url.searchParams.get("cursor") ?? 0) || 0;
  const end = start + limit;
  return {
    type: "FeatureCollection",
    features: collection.features.slice(start, end),
    next_cursor: end < collection.features.length ? String(end) : null,
  };
}

export function fixtureApi(directory: string): Plugin {
  const load = (name: keyof typeof FILES): Collection =>
    JSON.parse(readFileSync(join(directory, FILES[name]), "utf8")) as Collection;
  let signedIn: string | null = null;
  return {
    name: "gridops-fixture-api",
    apply: "serve",
    configureServer(server) {
      server.middlewares.use("/api/v1", async (req, res) => {
        const url = new URL(req.url ?? "/", "http://dev");
        const csrf = { "set-cookie": "gridops_csrf=dev-token; Path=/; SameSite=Strict" };
        if (url.pathname === "/config")
          return send(res, 200, { baseMapStyleUrl: null, defaultLanguage: "zh-CN" }, csrf);
        if (url.pathname === "/auth/me") {
          return signedIn
            ? send(res, 200, sessionFor(signedIn))
            : send(res, 401, { error: { code: "unauthenticated", message: "Not signed in" } }, csrf);
        }
        if (url.pathname === "/auth/login" && req.method === "POST") {
          const body = (await readBody(req)) as { username?: string; password?: string } | null;
          if (req.headers["x-csrf-token"] !== "dev-token") {
            return send(res, 403, { error: { code: "csrf_failed", message: "CSRF token missing" } });
          }
          if (!body?.username || body.password !== DEMO_PASSWORD) {
            return send(res, 401, { error: { code: "invalid_credentials", message: "Invalid credentials" } });
          }
          signedIn = body.username;
          return send(res, 200, sessionFor(body.username));
        }
        if (url.pathname === "/auth/logout" && req.method === "POST") {
          signedIn = null;
          res.writeHead(204).end();
          return;
        }
        const kind = url.pathname.slice(1);
        if (kind === "cells" || kind === "checkpoints" || kind === "cameras") {
          if (!signedIn)
            return send(res, 401, { error: { code: "unauthenticated", message: "Not signed in" } });
          const data = load(kind);
          return send(res, 200, page(kind === "cameras" ? withStatus(data) : data, url));
        }
        send(res, 404, { error: { code: "not_found", message: `No fixture for ${url.pathname}` } });
      });
      // The command map asks for each layer's count first (OGC API items, limit=1) to choose
      // between GeoJSON and vector tiles; the demo files are small, so it always gets GeoJSON.
      server.middlewares.use("/ogc/collections", (req, res) => {
        const url = new URL(req.url ?? "/", "http://dev");
        const kind = /^\/(cells|checkpoints|cameras)\/items$/.exec(url.pathname)?.[1] as
          | keyof typeof FILES
          | undefined;
        if (!kind)
          return send(res, 404, { error: { code: "not_found", message: `No fixture for ${url.pathname}` } });
        if (!signedIn)
          return send(res, 401, { error: { code: "unauthenticated", message: "Not signed in" } });
        const matched = load(kind).features.length;
        send(res, 200, {
          type: "FeatureCollection",
          features: [],
          numberMatched: matched,
          numberReturned: 0,
        });
      });
    },
  };
}
