import { cameraHealthSchema, healthReasons, healthStates } from "@gridops/camera-adapters/health/index";
import { z } from "zod";
import { lonLatOut, timestamp } from "../../http/wire.js";

// Response bodies of the camera health routes as they go over the wire (OpenAPI; checked in tests).

const state = z.enum(healthStates);
const reason = z.enum(healthReasons);
const localized = z.object({ en: z.string(), "zh-CN": z.string() });

export const healthLabelsResponse = z.object({
  states: z.record(state, localized),
  reasons: z.record(reason, localized),
});

export const fleetResponse = z.object({
  cameras: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      vendor: z.string(),
      model: z.string().nullable(),
      firmware: z.string().nullable(),
      cell_code: z.string().nullable(),
      state,
      since: timestamp,
      reasons: z.array(reason),
      last_check_at: timestamp.nullable(),
      silenced: z.boolean().describe("In maintenance: raises no alerts"),
      open_ticket_id: z.number().int().nullable().describe("The newest repair ticket not yet verified"),
    }),
  ),
  counts: z.record(state, z.number().int()).describe("Cameras per state within the other filters"),
  total: z.number().int().describe("Cameras matching all filters"),
  limit: z.number().int(),
  offset: z.number().int(),
});

const cameraEvent = z.object({
  id: z.number().int(),
  camera_id: z.string(),
  at: timestamp,
  kind: z.enum([
    "state_changed",
    "maintenance_started",
    "maintenance_ended",
    "auth_reset",
    "onboarded",
    "credentials_changed",
    "incident_opened",
    "ticket_opened",
  ]),
  from_state: state.nullable(),
  to_state: state.nullable(),
  reasons: z.array(reason),
  actor: z.string(),
  details: z.record(z.string(), z.unknown()).describe("Free-form, per kind"),
});

const deepFindings = z.object({
  at: timestamp,
  image: z.enum(["ok", "black", "frozen", "no_video"]).nullable(),
  deviations: z.array(z.object({ kind: z.string() })),
  events: z.object({ tamper: z.boolean(), videoLoss: z.boolean(), storageFailure: z.boolean() }),
});

const checkedHealth = z.object({
  state,
  since: timestamp,
  reasons: z.array(reason),
  silenced: z.boolean(),
  counters: cameraHealthSchema.shape.counters.nullable(),
  pending: cameraHealthSchema.shape.pending.describe("A state change the damping is holding back"),
  next_check_at: timestamp,
  last_check_at: timestamp.nullable(),
  last_deep_check_at: timestamp.nullable(),
  last_error: z.string().nullable(),
  deep_findings: deepFindings.nullable(),
  escalated_at: timestamp.nullable().describe("When the offline camera opened an incident or ticket"),
});

export const cameraHealthResponse = z.object({
  camera: z.object({
    id: z.string(),
    name: z.string(),
    vendor: z.string(),
    model: z.string().nullable(),
    firmware: z.string().nullable(),
    cell_code: z.string().nullable(),
    location: lonLatOut,
    clock_offset_ms: z.number().int().nullable(),
  }),
  health: z
    .union([checkedHealth, z.object({ state, since: timestamp, reasons: z.array(reason) })])
    .describe("The inventory status alone until the poller has checked the camera"),
  uptime_pct: z
    .object({ h24: z.number().nullable(), d7: z.number().nullable(), d30: z.number().nullable() })
    .describe("Percent of counted time up (online or degraded); null without checks in the window"),
  timeline: z.array(
    z.object({
      at: timestamp,
      from_state: state.nullable(),
      to_state: state.nullable(),
      reasons: z.array(reason),
    }),
  ),
  events: z.array(cameraEvent).describe("The 50 newest"),
  snapshot: z.object({ url: z.string(), taken_at: timestamp }).nullable(),
});

export const cameraEventsResponse = z.object({
  events: z.array(cameraEvent),
  next_before: z.number().int().nullable().describe("Pass as before for the next page; null on the last"),
});

export const healthActionResponse = z.object({
  state,
  changed: z.boolean().describe("False when the camera was already in the asked-for condition"),
});
