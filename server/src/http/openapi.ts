import { z } from "zod";
import type { RegisteredRoute } from "./route.js";

/**
 * The OpenAPI 3.1 document, generated from the route registry: the same zod schemas that
 * validate requests describe them, so the document cannot drift from the code.
 */
type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
};

const errorBody: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "Machine-readable error code" },
        message: { type: "string", description: "Human-readable explanation naming the fix" },
        details: { description: "Extra data, e.g. `problems: [{field, message}]` for validation errors" },
      },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

function parameters(route: RegisteredRoute) {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [["path", route.definition.params], ["query", route.definition.query]] as const) {
    if (!schema) continue;
    const json = toSchema(schema);
    const props = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(props)) {
      out.push({ name, in: where, required: where === "path" || required.has(name), schema: prop });
    }
  }
  return out;
}

function operation(route: RegisteredRoute) {
  const def = route.definition;
  const policy = route.policy;
  const op: JsonSchema = {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    summary: def.summary,
    tags: def.tags ?? [],
    "x-gridops-policy":
      policy.access === "permission"
        ? { permission: policy.permission, scope: typeof policy.scope === "string" ? policy.scope : "cell-of-target" }
        : policy.access === "public"
          ? { access: "public", why: policy.why }
          : { access: "authenticated" },
    security: policy.access === "public" ? [] : [{ session: [] }, { bearerToken: [] }],
    parameters: parameters(route),
    responses: {
      [String(def.status ?? 200)]: def.response
        ? { description: "Success", content: { "application/json": { schema: toSchema(def.response) } } }
        : { description: "Success" },
      "400": errorResponse("Invalid input: `error.details.problems` names each field"),
      ...(policy.access === "public" ? {} : { "401": errorResponse("Not logged in / invalid token"), "403": errorResponse("Missing permission or outside your cells") }),
    },
  };
  if (def.body) {
    op.requestBody = { required: true, content: { "application/json": { schema: toSchema(def.body) } } };
  } else if (def.rawBody) {
    op.requestBody = {
      required: true,
      content: Object.fromEntries(def.rawBody.types.map((t) => [t, { schema: { type: "string", format: "binary" } }])),
    };
  }
  return op;
}

export function buildOpenApiDocument(routes: readonly RegisteredRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    paths[path] ??= {};
    paths[path]![route.method] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "GridOps API",
      version,
      description:
        "HTTP API of GridOps. Authenticate with the session cookie from POST /api/v1/auth/login (cookie-authenticated writes must send the x-csrf-token header with the gridops_csrf cookie's value) or with `Authorization: Bearer gto_…` API tokens. Errors are `{error:{code,message,details}}`. Each operation's `x-gridops-policy` names the permission it needs and how the cell scope applies.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/" }],
    components: {
      schemas: { Error: errorBody },
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "gridops_session" },
        bearerToken: { type: "http", scheme: "bearer", description: "API token `gto_<id>_<secret>`" },
      },
    },
    paths,
  };
}
