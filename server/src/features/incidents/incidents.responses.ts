import { z } from "zod";
import { geoFeature, lonLatOut, pointGeometry, timestamp } from "../../http/wire.js";
import { incidentActions, incidentStates } from "./lifecycle.js";

// Response bodies of the incident routes as they go over the wire (OpenAPI; checked in tests).

const deadline = z.object({
  stage: z.string(),
  limitMinutes: z.number(),
  startedAt: timestamp,
  warnAt: timestamp.nullable(),
  dueAt: timestamp.nullable(),
  paused: z.boolean(),
  usedMinutes: z.number(),
  warnedAt: timestamp.nullable(),
  overdueAt: timestamp.nullable(),
});

export const incidentResponse = z.object({
  id: z.number().int(),
  reference: z.string(),
  category: z.string(),
  categoryName: z.string(),
  categoryNameEn: z.string(),
  source: z.string(),
  sourceRef: z.string().nullable(),
  priority: z.string(),
  state: z.enum(incidentStates),
  stateBeforeSuspend: z.enum(incidentStates).nullable(),
  description: z.string(),
  title: z.string(),
  location: lonLatOut,
  cellCode: z.string(),
  cameraId: z.string().nullable(),
  reporterUserId: z.number().int().nullable(),
  reporter: z.string(),
  assigneeUserId: z.number().int().nullable(),
  accountableUserId: z.number().int().nullable(),
  mergedIntoId: z.number().int().nullable(),
  version: z.number().int(),
  reportedAt: timestamp,
  closedAt: timestamp.nullable(),
  updatedAt: timestamp,
  deadline: deadline.nullable(),
  everOverdue: z.boolean(),
  duplicates: z.array(
    z.object({ id: z.number().int(), distanceM: z.number(), state: z.string(), reportedAt: timestamp }),
  ),
  callback: z.object({ rating: z.string(), note: z.string().nullable(), recordedAt: timestamp }).nullable(),
  allowedActions: z.array(z.enum(incidentActions)).describe("What the caller may do next"),
});

export const incidentPageResponse = z.object({
  incidents: z.array(incidentResponse),
  nextBeforeId: z.number().int().nullable().describe("Pass as before_id for the next page; null on the last"),
});

export const createdIncidentResponse = z.object({
  incident: incidentResponse,
  duplicates: z.array(z.object({ id: z.number().int(), distanceM: z.number() })),
  existing: z
    .boolean()
    .describe("An open incident with the same source reference existed; nothing was created"),
});

/** The realtime summary (incident.created / incident.updated), also each map feature's properties. */
export const incidentSummaryResponse = z.object({
  id: z.number().int(),
  reference: z.string().nullable(),
  cellCode: z.string(),
  category: z.string(),
  priority: z.string(),
  state: z.string(),
  title: z.string(),
  location: lonLatOut.nullable(),
  dueAt: timestamp.nullable(),
  overdue: z.boolean(),
  overdueAt: timestamp.nullable(),
  reportedAt: timestamp,
  closedAt: timestamp.nullable(),
  version: z.number().int(),
  updatedAt: timestamp,
});

export const incidentMapResponse = z.object({
  type: z.literal("FeatureCollection"),
  features: z.array(geoFeature(z.number().int(), pointGeometry, incidentSummaryResponse)),
  truncated: z.boolean().describe("More incidents matched than limit"),
});

/** A photo as a timeline event names it. */
const attachmentRef = z.object({ sha256: z.string(), mediaType: z.string(), sizeBytes: z.number().int() });

export const timelineResponse = z.object({
  events: z.array(
    z.object({
      id: z.number().int(),
      incidentId: z.number().int(),
      kind: z.string(),
      action: z.string().nullable(),
      fromState: z.string().nullable(),
      toState: z.string().nullable(),
      actorUserId: z.number().int().nullable(),
      actor: z.string(),
      occurredAt: timestamp,
      note: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
      attachments: z.array(attachmentRef),
    }),
  ),
});

export const categoriesResponse = z.object({
  categories: z.array(
    z.object({
      code: z.string(),
      parentCode: z.string().nullable(),
      name: z.string(),
      nameEn: z.string(),
      sortOrder: z.number().int(),
      active: z.boolean(),
    }),
  ),
});

export const timeLimitsResponse = z.object({
  limits: z.array(
    z.object({
      category: z.string().nullable(),
      priority: z.string().nullable(),
      stage: z.string(),
      limitMinutes: z.number(),
    }),
  ),
});

export const attachmentsResponse = z.object({
  attachments: z.array(attachmentRef.extend({ fileName: z.string() })),
});
