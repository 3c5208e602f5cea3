import type { Pool } from "../../db/pool.js";
import { withTransaction } from "../../db/pool.js";
import { badRequest, notFound } from "../../http/errors.js";
import { type AuditEntry, recordAudit } from "../audit/audit.service.js";
import { encryptSecret, type Keyring } from "../secrets/keyring.js";
import { newWebhookSecret } from "./webhook-signature.js";
import { checkWebhookUrl, WebhookUrlError } from "./webhook-url-guard.js";
import type { CreateWebhookBody, UpdateWebhookBody } from "./webhooks.schemas.js";
import * as sql from "./webhooks.sql.js";

export interface WebhookAdminDeps {
  pool: Pool;
  keyring: Keyring;
  allowLoopback: boolean;
}

type Origin = Pick<AuditEntry, "actorUserId" | "actor" | "requestId" | "ip">;

async function checkedUrl(url: string, allowLoopback: boolean): Promise<string> {
  try {
    return (await checkWebhookUrl(url, allowLoopback)).toString();
  } catch (error) {
    if (error instanceof WebhookUrlError)
      throw badRequest(`webhook_${error.code}`, error.message, { field: "body.url" });
    throw error;
  }
}

async function checkedCells(pool: Pool, codes: string[]): Promise<string[]> {
  const unknown = await sql.selectUnknownCells(pool, codes);
  if (unknown.length)
    throw badRequest("unknown_cell", `No such cell: ${unknown.join(", ")}.`, {
      field: "body.cellCodes",
      unknown,
    });
  return codes;
}

/** Creates a subscription; the signing secret is returned here only. */
export async function createWebhook(deps: WebhookAdminDeps, origin: Origin, body: CreateWebhookBody) {
  const url = await checkedUrl(body.url, deps.allowLoopback);
  const cellCodes = await checkedCells(deps.pool, body.cellCodes);
  const secret = body.secret ?? newWebhookSecret();
  const subscription = await withTransaction(deps.pool, async (db) => {
    const row = await sql.insertSubscription(db, {
      name: body.name,
      url,
      secretEnc: encryptSecret(deps.keyring, secret),
      topics: [...new Set(body.topics)],
      cellCodes,
      enabled: body.enabled,
      createdBy: origin.actorUserId,
    });
    await recordAudit(db, {
      ...origin,
      action: "webhook.create",
      targetType: "webhook_subscription",
      targetId: String(row.id),
      details: { name: row.name, url: row.url, topics: row.topics, cellCodes: row.cellCodes },
    });
    return row;
  });
  return { subscription, secret };
}

export async function updateWebhook(
  deps: WebhookAdminDeps,
  origin: Origin,
  id: number,
  body: UpdateWebhookBody,
) {
  const url = body.url === undefined ? undefined : await checkedUrl(body.url, deps.allowLoopback);
  const cellCodes = body.cellCodes === undefined ? undefined : await checkedCells(deps.pool, body.cellCodes);
  const secret = body.rotateSecret ? newWebhookSecret() : null;
  const subscription = await withTransaction(deps.pool, async (db) => {
    const row = await sql.updateSubscription(db, id, {
      name: body.name,
      url,
      topics: body.topics ? [...new Set(body.topics)] : undefined,
      cellCodes,
      enabled: body.enabled,
      secretEnc: secret ? encryptSecret(deps.keyring, secret) : undefined,
    });
    if (!row) throw notFound("Webhook subscription", String(id));
    const { rotateSecret, ...changed } = body;
    await recordAudit(db, {
      ...origin,
      action: "webhook.update",
      targetType: "webhook_subscription",
      targetId: String(id),
      details: { ...changed, ...(url ? { url } : {}), secretRotated: Boolean(rotateSecret) },
    });
    return row;
  });
  return secret ? { subscription, secret } : { subscription };
}

export async function deleteWebhook(deps: WebhookAdminDeps, origin: Origin, id: number): Promise<void> {
  await withTransaction(deps.pool, async (db) => {
    if (!(await sql.deleteSubscription(db, id))) throw notFound("Webhook subscription", String(id));
    await recordAudit(db, {
      ...origin,
      action: "webhook.delete",
      targetType: "webhook_subscription",
      targetId: String(id),
    });
  });
}

export async function getWebhook(pool: Pool, id: number) {
  const row = await sql.selectSubscription(pool, id);
  if (!row) throw notFound("Webhook subscription", String(id));
  return row;
}
