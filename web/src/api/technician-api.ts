import { z } from "zod";
import type { HttpClientOptions } from "./http.js";
import { JsonRequester, type Query } from "./json-request.js";

const isoTime = z.string().min(1);
const localized = z.object({ en: z.string(), "zh-CN": z.string() });

export const healthLabelsSchema = z.object({
  states: z.record(z.string(), localized),
  reasons: z.record(z.string(), localized),
});
export type HealthLabels = z.infer<typeof healthLabelsSchema>;

export const fleetCameraSchema = z.object({
  id: z.string(),
  name: z.string(),
  vendor: z.string(),
  model: z.string().nullable(),
  firmware: z.string().nullable(),
  cell_code: z.string().nullable(),
  state: z.string(),
  since: isoTime,
  reasons: z.array(z.string()),
  last_check_at: isoTime.nullable(),
  silenced: z.boolean(),
  open_ticket_id: z.number().nullable(),
});
export type FleetCamera = z.infer<typeof fleetCameraSchema>;

export const fleetPageSchema = z.object({
  cameras: z.array(fleetCameraSchema),
  counts: z.record(z.string(), z.number()),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
});
export type FleetPage = z.infer<typeof fleetPageSchema>;

export interface FleetFilter {
  states?: readonly string[];
  vendor?: string;
  model?: string;
  firmware?: string;
  cell?: string;
  /** ISO 8601: only cameras in their state since at or before this time. */
  since?: string;
  q?: string;
}

export const cameraEventSchema = z.object({
  id: z.number(),
  at: isoTime,
  kind: z.string(),
  from_state: z.string().nullable(),
  to_state: z.string().nullable(),
  reasons: z.array(z.string()),
  actor: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type CameraEvent = z.infer<typeof cameraEventSchema>;

export const cameraHealthSchema = z.object({
  camera: z.object({
    id: z.string(),
    name: z.string(),
    vendor: z.string(),
    model: z.string().nullable(),
    firmware: z.string().nullable(),
    cell_code: z.string().nullable(),
    location: z.object({ lon: z.number(), lat: z.number() }),
    clock_offset_ms: z.number().nullable(),
  }),
  health: z.object({
    state: z.string(),
    since: isoTime,
    reasons: z.array(z.string()),
    silenced: z.boolean().optional(),
    last_check_at: isoTime.nullable().optional(),
    last_error: z.string().nullable().optional(),
    next_check_at: isoTime.nullable().optional(),
  }),
  uptime_pct: z.object({ h24: z.number().nullable(), d7: z.number().nullable(), d30: z.number().nullable() }),
  timeline: z.array(
    z.object({
      at: isoTime,
      from_state: z.string().nullable(),
      to_state: z.string().nullable(),
      reasons: z.array(z.string()),
    }),
  ),
  events: z.array(cameraEventSchema),
  snapshot: z.object({ url: z.string(), taken_at: isoTime }).nullable(),
});
export type CameraHealth = z.infer<typeof cameraHealthSchema>;

export const TICKET_STATES = ["open", "assigned", "on_site", "fixed", "verified"] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const ticketSchema = z.object({
  id: z.number(),
  camera_id: z.string(),
  camera_name: z.string(),
  cell_code: z.string().nullable(),
  state: z.enum(TICKET_STATES),
  source: z.string(),
  title: z.string(),
  description: z.string(),
  assignee_user_id: z.number().nullable(),
  assignee: z.string().nullable(),
  opened_by: z.string(),
  opened_at: isoTime,
  updated_at: isoTime,
  verified_at: isoTime.nullable(),
  version: z.number(),
  allowed_transitions: z.array(z.enum(TICKET_STATES)),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const ticketHistorySchema = z.object({
  at: isoTime,
  actor: z.string(),
  from_state: z.string().nullable(),
  to_state: z.string().nullable(),
  note: z.string().nullable(),
});

const ticketWithHistorySchema = ticketSchema.extend({ history: z.array(ticketHistorySchema) });
export type TicketWithHistory = z.infer<typeof ticketWithHistorySchema>;

const assigneeSchema = z.object({ userId: z.number(), username: z.string(), displayName: z.string() });
/** Someone a ticket can be assigned to (GET /tickets/:id/assignees). */
export type TicketAssignee = z.infer<typeof assigneeSchema>;

export interface TicketFilter {
  states?: readonly TicketState[];
  cameraId?: string;
}

export interface TicketTransition {
  to: TicketState;
  note?: string;
  assignee_user_id?: number;
  version?: number;
}

function fleetQuery(filter: FleetFilter, limit: number, offset: number): Query {
  const text = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  return {
    state: filter.states && filter.states.length > 0 ? filter.states.join(",") : undefined,
    vendor: text(filter.vendor),
    model: text(filter.model),
    firmware: text(filter.firmware),
    cell: text(filter.cell),
    since: text(filter.since),
    q: text(filter.q),
    limit,
    offset,
  };
}

const cameraPath = (id: string) => `/api/v1/cameras/${encodeURIComponent(id)}` as const;

/** Camera fleet health and repair tickets (health:read, health:maintain, tickets:read, tickets:edit). */
export class TechnicianApi {
  readonly #http: JsonRequester;

  constructor(options: HttpClientOptions = {}) {
    this.#http = new JsonRequester(options);
  }

  healthLabels(): Promise<HealthLabels> {
    return this.#http.get("/api/v1/health/labels", healthLabelsSchema);
  }

  fleet(filter: FleetFilter, limit = 100, offset = 0): Promise<FleetPage> {
    return this.#http.get("/api/v1/health/fleet", fleetPageSchema, fleetQuery(filter, limit, offset));
  }

  cameraHealth(id: string): Promise<CameraHealth> {
    return this.#http.get(`${cameraPath(id)}/health`, cameraHealthSchema);
  }

  cameraEvents(id: string, before: number | null, limit = 50) {
    return this.#http.get(
      `${cameraPath(id)}/events`,
      z.object({ events: z.array(cameraEventSchema), next_before: z.number().nullable() }),
      { before, limit },
    );
  }

  setMaintenance(id: string, on: boolean, note?: string): Promise<void> {
    return this.#http.send("POST", `${cameraPath(id)}/maintenance`, note ? { on, note } : { on });
  }

  resetAuthFailure(id: string): Promise<void> {
    return this.#http.send("POST", `${cameraPath(id)}/auth-reset`, {});
  }

  async tickets(filter: TicketFilter, limit = 100, offset = 0): Promise<Ticket[]> {
    const query: Query = {
      state: filter.states && filter.states.length > 0 ? filter.states.join(",") : undefined,
      camera_id: filter.cameraId,
      limit,
      offset,
    };
    return (await this.#http.get("/api/v1/tickets", z.object({ tickets: z.array(ticketSchema) }), query))
      .tickets;
  }

  ticket(id: number): Promise<TicketWithHistory> {
    return this.#http.get(`/api/v1/tickets/${id}`, ticketWithHistorySchema);
  }

  createTicket(input: { camera_id: string; title: string; description?: string }): Promise<Ticket> {
    return this.#http.post("/api/v1/tickets", input, ticketSchema);
  }

  async ticketAssignees(id: number): Promise<TicketAssignee[]> {
    return (
      await this.#http.get(
        `/api/v1/tickets/${id}/assignees`,
        z.object({ assignees: z.array(assigneeSchema) }),
      )
    ).assignees;
  }

  transitionTicket(id: number, change: TicketTransition): Promise<Ticket> {
    return this.#http.post(`/api/v1/tickets/${id}/transition`, change, ticketSchema);
  }
}
