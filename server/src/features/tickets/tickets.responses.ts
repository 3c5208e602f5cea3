import { z } from "zod";
import { timestamp } from "../../http/wire.js";
import { ticketStates } from "./tickets.schemas.js";

// Response bodies of the repair-ticket routes as they go over the wire (OpenAPI; checked in tests).

export const ticketResponse = z.object({
  id: z.number().int(),
  camera_id: z.string(),
  camera_name: z.string(),
  cell_code: z.string().nullable().describe("The camera's cell; null for a camera outside every cell"),
  state: z.enum(ticketStates),
  source: z.enum(["manual", "camera_offline"]).describe("camera_offline: opened by the health checks"),
  title: z.string(),
  description: z.string(),
  assignee_user_id: z.number().int().nullable(),
  assignee: z.string().nullable().describe("The assignee's username"),
  opened_by: z.string(),
  opened_at: timestamp,
  updated_at: timestamp,
  verified_at: timestamp.nullable(),
  version: z.number().int(),
  allowed_transitions: z.array(z.enum(ticketStates)).describe("States the ticket may move to next"),
});

export const ticketWithHistoryResponse = ticketResponse.extend({
  history: z.array(
    z.object({
      at: timestamp,
      actor: z.string(),
      from_state: z.enum(ticketStates).nullable(),
      to_state: z.enum(ticketStates).nullable(),
      note: z.string().nullable(),
      details: z.record(z.string(), z.unknown()).describe("Free-form, per event"),
    }),
  ),
});

export const ticketListResponse = z.object({ tickets: z.array(ticketResponse) });

export const ticketAssigneesResponse = z.object({
  assignees: z.array(z.object({ userId: z.number().int(), username: z.string(), displayName: z.string() })),
});
