import { z } from "zod";
import { timestamp } from "../../http/wire.js";
import { incidentStates } from "../incidents/lifecycle.js";

// Response bodies of the Open311 GeoReport v2 routes as they go over the wire (OpenAPI; checked in tests).
// Field names and the array bodies are the GeoReport v2 specification's, not GridOps' own style.

export const open311DiscoveryResponse = z.object({
  changeset: timestamp,
  contact: z.string(),
  key_service: z.string(),
  endpoints: z.array(
    z.object({
      specification: z.string(),
      url: z.string(),
      changeset: timestamp,
      type: z.literal("production"),
      formats: z.array(z.string()),
    }),
  ),
});

export const open311ServicesResponse = z.array(
  z.object({
    service_code: z.string().describe("An incident category code"),
    service_name: z.string(),
    description: z.string(),
    metadata: z.literal(false),
    type: z.literal("realtime"),
    keywords: z.string(),
    group: z.string().describe("The top-level category's name"),
  }),
);

export const open311SubmittedResponse = z.array(
  z.object({
    service_request_id: z.string().describe("The incident id"),
    service_notice: z.string(),
    account_id: z.null(),
  }),
);

export const open311RequestsResponse = z.array(
  z.object({
    service_request_id: z.string(),
    status: z.enum(["open", "closed"]),
    status_notes: z.enum(incidentStates).describe("The incident's GridOps state"),
    service_name: z.string(),
    service_code: z.string(),
    description: z
      .string()
      .nullable()
      .describe("Only for callers whose api_key covers the incident's cell; null otherwise"),
    agency_responsible: z.null(),
    service_notice: z.null(),
    requested_datetime: timestamp,
    updated_datetime: timestamp,
    expected_datetime: timestamp.nullable().describe("The current stage's due time"),
    address: z.null(),
    address_id: z.null(),
    zipcode: z.null(),
    lat: z.number(),
    long: z.number(),
    media_url: z.null(),
  }),
);
