import type { AppDeps } from "../../app-deps.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource } from "../audit/audit.service.js";
import {
  createdWebhookResponse,
  deliveriesResponse,
  updatedWebhookResponse,
  webhookListResponse,
  webhookResponse,
} from "./webhooks.responses.js";
import {
  createWebhookBody,
  deliveriesQuery,
  updateWebhookBody,
  webhookIdParams,
} from "./webhooks.schemas.js";
import { createWebhook, deleteWebhook, getWebhook, updateWebhook } from "./webhooks.service.js";
import { selectDeliveries, selectSubscriptions } from "./webhooks.sql.js";

/** Admin CRUD of outbound webhook subscriptions and their delivery log (config:manage). */
export function registerWebhookRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const policy = { access: "permission", permission: "config:manage", scope: "global" } as const;
  const tags = ["webhooks"];
  const admin = { pool: deps.pool, keyring: deps.keyring, allowLoopback: deps.config.webhookAllowLoopback };
  deps.metrics.addDatabaseGauge({
    name: "gridops_webhook_deliveries",
    help: "Webhook deliveries by state (pending includes those waiting to retry)",
    labelNames: ["state"],
    table: "webhook_deliveries",
    sql: "SELECT state, count(*)::int AS value FROM webhook_deliveries GROUP BY state",
  });
  deps.metrics.addDatabaseGauge({
    name: "gridops_webhook_subscriptions",
    help: "Webhook subscriptions by whether they are enabled",
    labelNames: ["enabled"],
    table: "webhook_subscriptions",
    sql: "SELECT enabled::text AS enabled, count(*)::int AS value FROM webhook_subscriptions GROUP BY enabled",
  });
  routes.add({
    method: "get",
    path: "/api/v1/webhooks",
    summary: "Outbound webhook subscriptions (never their secrets)",
    tags,
    policy,
    response: webhookListResponse,
    handler: async () => ({ webhooks: await selectSubscriptions(deps.pool) }),
  });
  routes.add({
    method: "post",
    path: "/api/v1/webhooks",
    summary:
      "Subscribe a URL to incident events of some cells; the signing secret is shown once in this response",
    tags,
    policy,
    body: createWebhookBody,
    status: 201,
    response: createdWebhookResponse,
    handler: ({ req, body }) => createWebhook(admin, auditSource(req), body),
  });
  routes.add({
    method: "get",
    path: "/api/v1/webhooks/:id",
    summary: "One webhook subscription",
    tags,
    policy,
    params: webhookIdParams,
    response: webhookResponse,
    handler: ({ params }) => getWebhook(deps.pool, params.id),
  });
  routes.add({
    method: "patch",
    path: "/api/v1/webhooks/:id",
    summary: "Change a webhook subscription: re-enable after automatic disabling, rotate its secret",
    tags,
    policy,
    params: webhookIdParams,
    body: updateWebhookBody,
    response: updatedWebhookResponse,
    handler: ({ req, params, body }) => updateWebhook(admin, auditSource(req), params.id, body),
  });
  routes.add({
    method: "delete",
    path: "/api/v1/webhooks/:id",
    summary: "Delete a webhook subscription and its delivery log",
    tags,
    policy,
    params: webhookIdParams,
    status: 204,
    handler: async ({ req, res, params }) => {
      await deleteWebhook(admin, auditSource(req), params.id);
      res.status(204).end();
    },
  });
  routes.add({
    method: "get",
    path: "/api/v1/webhooks/:id/deliveries",
    summary: "Delivery log of a webhook subscription: each delivery with every attempt",
    tags,
    policy,
    params: webhookIdParams,
    query: deliveriesQuery,
    response: deliveriesResponse,
    handler: async ({ params, query }) => {
      await getWebhook(deps.pool, params.id);
      return { deliveries: await selectDeliveries(deps.pool, params.id, query.limit) };
    },
  });
}
