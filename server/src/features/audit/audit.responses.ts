import { z } from "zod";
import { timestamp } from "../../http/wire.js";

// Response bodies of the audit routes as they go over the wire (OpenAPI; checked in tests).

export const auditPageResponse = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      occurred_at: timestamp,
      actor_user_id: z.number().int().nullable().describe("Null for API tokens and the system"),
      actor: z.string(),
      action: z.string().describe("Dotted action name, e.g. cell.split"),
      target_type: z.string().nullable(),
      target_id: z.string().nullable(),
      cell_code: z.string().nullable(),
      request_id: z.string().nullable(),
      ip: z.string().nullable(),
      details: z.record(z.string(), z.unknown()).describe("Free-form, per action"),
      hash: z.string().describe("Hash chaining this entry to the previous one (tamper evidence)"),
    }),
  ),
  next_before_id: z
    .number()
    .int()
    .nullable()
    .describe("Pass as before_id for the next page; null when this page was not full"),
});
