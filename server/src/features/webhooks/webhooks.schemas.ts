import { z } from "zod";

/** Topics a subscription may ask for: incident events only (plate and camera data stay inside). */
export const webhookTopics = ["incident.created", "incident.updated"] as const;

const cellCodes = z
  .array(z.string().regex(/^[0-9A-Za-z]{1,32}$/))
  .min(1)
  .max(200);
const url = z.string().min(1).max(2048);

export const createWebhookBody = z.strictObject({
  name: z.string().min(1).max(200),
  url,
  topics: z.array(z.enum(webhookTopics)).min(1),
  cellCodes,
  enabled: z.boolean().default(true),
  /** Your own signing secret; omitted, one is generated (shown once). */
  secret: z.string().min(16).max(200).optional(),
});

export const updateWebhookBody = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  url: url.optional(),
  topics: z.array(z.enum(webhookTopics)).min(1).optional(),
  cellCodes: cellCodes.optional(),
  /** true re-enables a disabled subscription and clears its failure streak. */
  enabled: z.boolean().optional(),
  /** Generate a new signing secret (shown once in the response). */
  rotateSecret: z.boolean().optional(),
});

export const webhookIdParams = z.strictObject({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
export const deliveriesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export type CreateWebhookBody = z.infer<typeof createWebhookBody>;
export type UpdateWebhookBody = z.infer<typeof updateWebhookBody>;
