import type { Request, RequestHandler, Response, Router } from "express";
import express from "express";
import type { z } from "zod";
import type { AuthContext } from "../features/auth/auth-context.js";
import type { Permission } from "../features/auth/permissions.js";
import { AppError, forbidden, unauthenticated } from "./errors.js";
import { parseInput } from "./validate.js";

/**
 * Who may call a route. Every route declares one; there is no default (deny by default).
 * - public: anyone, with the reason written down.
 * - authenticated: any logged-in user or token (e.g. "who am I").
 * - permission + scope: the caller needs the permission, and the scope says how the
 *   cell restriction applies:
 *     "global"    the data has no cell (users, tokens, configuration)
 *     "own-cells" the handler passes req.auth to a service that filters to the caller's cells
 *     cellOf      the target's cell, derived from the request, must be in the caller's cells
 */
export type Policy =
  | { access: "public"; why: string }
  | { access: "authenticated" }
  | { access: "permission"; permission: Permission; scope: Scope };

export type Scope = "global" | "own-cells" | { cellOf: (req: Request) => Promise<string | null> };

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface RouteContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  /** Present on every route whose policy is not public. */
  auth: AuthContext;
}

export interface RouteDefinition<
  PS extends z.ZodType = z.ZodType,
  QS extends z.ZodType = z.ZodType,
  BS extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  path: string;
  summary: string;
  tags?: string[];
  policy: Policy;
  params?: PS;
  query?: QS;
  body?: BS;
  /** Body size limit for JSON bodies (default 100 kB). */
  bodyLimit?: string;
  /** Raw-body routes (ingest) parse themselves; JSON parsing is skipped. */
  rawBody?: { limit: string; types: string[] };
  /**
   * The success body as it goes over the wire (dates as ISO strings): documented in OpenAPI and,
   * when the registry checks responses (tests), compared with every body the handler returns.
   */
  response?: z.ZodType;
  /** Return a value to send it as JSON (200, or `status`); return undefined after writing `res` yourself. */
  status?: number;
  handler: (ctx: RouteContext<z.infer<PS>, z.infer<QS>, z.infer<BS>>) => unknown | Promise<unknown>;
}

export interface RegisteredRoute {
  method: HttpMethod;
  path: string;
  policy: Policy;
  definition: RouteDefinition;
}

export interface ScopeChecker {
  /** True when `cellCode` is one of the caller's cells or below one. */
  cellVisible(auth: AuthContext, cellCode: string): Promise<boolean>;
}

/**
 * Registers routes on an Express router and remembers each one with its policy, so the
 * app can be enumerated (a test fails on any Express route this registry doesn't know).
 */
export class RouteRegistry {
  readonly routes: RegisteredRoute[] = [];

  constructor(
    private readonly router: Router,
    private readonly scopes: ScopeChecker,
    /** Check each returned body against the route's `response` schema (on in tests). */
    private readonly checkResponses = false,
  ) {}

  add<PS extends z.ZodType, QS extends z.ZodType, BS extends z.ZodType>(
    def: RouteDefinition<PS, QS, BS>,
  ): void {
    if (!def.policy) throw new Error(`Route ${def.method.toUpperCase()} ${def.path} has no policy`);
    const handlers: RequestHandler[] = [
      this.authorize(def.policy),
      ...bodyParsers(def),
      runHandler(def, this.checkResponses),
    ];
    this.router[def.method](def.path, ...handlers);
    this.routes.push({
      method: def.method,
      path: def.path,
      policy: def.policy,
      definition: def as RouteDefinition,
    });
  }

  private authorize(policy: Policy): RequestHandler {
    return async (req, _res, next) => {
      if (policy.access === "public") return next();
      const auth = req.auth;
      if (!auth) throw unauthenticated();
      if (policy.access === "authenticated") return next();
      if (!auth.permissions.has(policy.permission)) {
        throw forbidden(`This needs the permission "${policy.permission}", which your roles do not grant.`);
      }
      if (typeof policy.scope === "object") {
        const cell = await policy.scope.cellOf(req);
        if (cell !== null && !(await this.scopes.cellVisible(auth, cell))) {
          throw forbidden(`Cell ${cell} is outside the cells assigned to you.`);
        }
      }
      next();
    };
  }
}

function bodyParsers(def: RouteDefinition): RequestHandler[] {
  if (def.method === "get" || def.method === "delete") return [];
  if (def.rawBody) return [express.raw({ limit: def.rawBody.limit, type: def.rawBody.types })];
  return [express.json({ limit: def.bodyLimit ?? "100kb", strict: true }), requireJsonBody(def)];
}

/** A JSON route that got another content type would otherwise see an empty body. */
function requireJsonBody(def: RouteDefinition): RequestHandler {
  return (req, _res, next) => {
    const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"];
    if (def.body && hasBody && !req.is("application/json")) {
      throw new AppError(415, "unsupported_media_type", "Send the body as application/json.");
    }
    next();
  };
}

function runHandler(def: RouteDefinition, checkResponses: boolean): RequestHandler {
  return async (req, res) => {
    const params = parseInput("params", def.params, req.params);
    const query = parseInput("query", def.query, req.query);
    const body = parseInput("body", def.body, def.body ? (req.body ?? {}) : undefined);
    const result = await def.handler({ req, res, params, query, body, auth: req.auth as AuthContext });
    if (result === undefined || res.headersSent) return;
    if (checkResponses && def.response) assertDocumentedResponse(def, result);
    res.status(def.status ?? 200).json(result);
  };
}

/**
 * The OpenAPI document is generated from `response`; this keeps it honest. It compares the body
 * as JSON will carry it (a Date becomes its ISO string), so the schema describes the wire.
 */
function assertDocumentedResponse(def: RouteDefinition, result: unknown): void {
  const wire: unknown = JSON.parse(JSON.stringify(result));
  const checked = def.response?.safeParse(wire);
  if (!checked || checked.success) return;
  const problems = checked.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
  // Only tests check responses, so the detail may reach the client: it is the test's failure message.
  throw new AppError(
    500,
    "undocumented_response",
    `${def.method.toUpperCase()} ${def.path} answered a body its documented response schema refuses: ${problems.join("; ")}`,
  );
}
