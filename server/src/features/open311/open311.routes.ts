import type { Request } from "express";
import type { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { AppError } from "../../http/errors.js";
import type { RouteContext, RouteRegistry } from "../../http/route.js";
import { baseUrl, languageOf } from "../ogc/ogc.service.js";
import {
  open311DiscoveryResponse,
  open311RequestsResponse,
  open311ServicesResponse,
  open311SubmittedResponse,
} from "./open311.responses.js";
import { anyQuery, listRequestsInput, postRequestInput, requestIdParams } from "./open311.schemas.js";
import { getRequest, listRequests, listServices, submitRequest } from "./open311.service.js";

const tags = ["open311"];
const SPEC = "http://wiki.open311.org/GeoReport_v2";

/** Open311 clients expect `[{code, description}]` errors, not GridOps' `{error:{…}}`. */
function open311Errors<P, Q, B>(handler: (ctx: RouteContext<P, Q, B>) => Promise<unknown>) {
  return async (ctx: RouteContext<P, Q, B>) => {
    try {
      return await handler(ctx);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      ctx.res
        .status(error.status)
        .json([{ code: error.status, description: error.message, gridops_code: error.code }]);
      return undefined;
    }
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  // PostgreSQL text cannot hold NUL: refuse it here instead of failing in SQL.
  if (
    value &&
    typeof value === "object" &&
    Object.values(value).some((v) => typeof v === "string" && v.includes("\u0000"))
  ) {
    throw new AppError(400, "invalid_parameter", "Parameters must not contain NUL characters.");
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "request";
  const message =
    issue?.code === "unrecognized_keys"
      ? `unknown parameter(s): ${issue.keys.join(", ")}`
      : (issue?.message ?? "invalid");
  throw new AppError(400, "invalid_parameter", `${field}: ${message}`);
}

/** The form (or JSON) body of a POST, read from the raw bytes. */
function formOf(req: Request): Record<string, string> {
  if (!Buffer.isBuffer(req.body)) {
    throw new AppError(
      415,
      "unsupported_media_type",
      "Send the request as application/x-www-form-urlencoded (or application/json).",
    );
  }
  const text = req.body.toString("utf8");
  if (req.is("application/json")) {
    try {
      const json = JSON.parse(text) as unknown;
      if (json && typeof json === "object" && !Array.isArray(json)) return json as Record<string, string>;
    } catch {
      // falls through to the error below
    }
    throw new AppError(400, "malformed_body", "The JSON body must be an object of Open311 parameters.");
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Open311 GeoReport v2 citizen intake at /open311/v2; requests become incidents (source open311). */
export function registerOpen311Routes(routes: RouteRegistry, deps: AppDeps): void {
  const lang = (req: Request) => languageOf(req, deps.config.defaultLanguage);
  const publicWhy =
    "Open311 is a public citizen-facing API; submitting needs an api_key checked in the handler";
  routes.add({
    method: "get",
    path: "/open311/v2/discovery.json",
    summary: "Open311 service discovery",
    tags,
    policy: { access: "public", why: publicWhy },
    query: anyQuery,
    response: open311DiscoveryResponse,
    handler: ({ req }) => ({
      changeset: "2026-01-01T00:00:00Z",
      contact: "GridOps command centre",
      key_service: "Ask the GridOps administrator for an API token with the incidents:report permission.",
      endpoints: [
        {
          specification: SPEC,
          url: `${baseUrl(req)}/open311/v2`,
          changeset: "2026-01-01T00:00:00Z",
          type: "production",
          formats: ["application/json"],
        },
      ],
    }),
  });
  routes.add({
    method: "get",
    path: "/open311/v2/services.json",
    summary: "Open311 service list (the citizen-facing incident categories)",
    tags,
    policy: { access: "public", why: publicWhy },
    query: anyQuery,
    response: open311ServicesResponse,
    handler: open311Errors(async ({ req }) => listServices(deps.pool, lang(req))),
  });
  routes.add({
    method: "get",
    path: "/open311/v2/requests.json",
    summary:
      "Open311 service requests (only those submitted through Open311; descriptions only for an api_key covering the cell)",
    tags,
    policy: { access: "public", why: publicWhy },
    query: anyQuery,
    response: open311RequestsResponse,
    handler: open311Errors(async ({ req, query }) =>
      listRequests(deps.pool, parse(listRequestsInput, query), lang(req)),
    ),
  });
  routes.add({
    method: "post",
    path: "/open311/v2/requests.json",
    summary:
      "Submit an Open311 service request (form-encoded; api_key = an API token with incidents:report); becomes an incident",
    tags,
    policy: { access: "public", why: publicWhy },
    rawBody: { limit: "64kb", types: ["application/x-www-form-urlencoded", "application/json"] },
    status: 201,
    response: open311SubmittedResponse,
    handler: open311Errors(async ({ req }) =>
      submitRequest(deps.pool, parse(postRequestInput, formOf(req)), lang(req)),
    ),
  });
  routes.add({
    method: "get",
    path: "/open311/v2/requests/:id.json",
    summary: "One Open311 service request",
    tags,
    policy: { access: "public", why: publicWhy },
    params: requestIdParams,
    query: anyQuery,
    response: open311RequestsResponse,
    handler: open311Errors(async ({ req, params, query }) => {
      const apiKey = typeof query.api_key === "string" ? query.api_key : undefined;
      return getRequest(deps.pool, params.id, apiKey, lang(req));
    }),
  });
}
