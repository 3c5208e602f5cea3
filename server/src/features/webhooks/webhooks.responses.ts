import { z } from "zod";
import { timestamp } from "../../http/wire.js";
import { webhookTopics } from "./webhooks.schemas.js";

// Response bodies of the webhook admin routes as they go over the wire (OpenAPI; checked in tests).

export const webhookResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  url: z.string(),
  topics: z.array(z.enum(webhookTopics)),
  cellCodes: z.array(z.string()).describe("Events of these cells and everything below them"),
  enabled: z.boolean(),
  consecutiveFailures: z.number().int(),
  disabledReason: z.string().nullable().describe("Why the subscription was disabled automatically"),
  disabledAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const webhookListResponse = z.object({ webhooks: z.array(webhookResponse) });

export const createdWebhookResponse = z.object({
  subscription: webhookResponse,
  secret: z.string().describe("The signing secret, shown only in this response"),
});

export const updatedWebhookResponse = z.object({
  subscription: webhookResponse,
  secret: z.string().optional().describe("Present only when the secret was rotated: shown this once"),
});

export const deliveriesResponse = z.object({
  deliveries: z.array(
    z.object({
      id: z.number().int(),
      eventSeq: z.number().int(),
      topic: z.string(),
      state: z
        .enum(["pending", "delivered", "failed"])
        .describe("pending includes deliveries waiting to retry"),
      attempts: z.number().int(),
      nextAttemptAt: timestamp,
      lastStatus: z.number().int().nullable().describe("HTTP status of the last attempt"),
      lastError: z.string().nullable(),
      createdAt: timestamp,
      deliveredAt: timestamp.nullable(),
      log: z.array(
        z.object({
          attempt: z.number().int(),
          startedAt: timestamp,
          durationMs: z.number().int(),
          outcome: z.enum(["delivered", "http_error", "timeout", "network_error", "refused"]),
          status: z.number().int().nullable(),
          error: z.string().nullable(),
        }),
      ),
    }),
  ),
});
