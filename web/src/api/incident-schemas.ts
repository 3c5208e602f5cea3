import { incidentActions, incidentStates } from "@gridops/server/api-types";
import { z } from "zod";

// Response shapes of the incident, report and cell-editing routes (server/src/features/
// incidents, reports, cells). Parsed at the edge so a server change is one clear error.

export const INCIDENT_STATES = incidentStates;
export type IncidentState = (typeof INCIDENT_STATES)[number];
export const OPEN_STATES: readonly IncidentState[] = INCIDENT_STATES.filter(
  (s) => s !== "closed" && s !== "voided",
);

export const INCIDENT_ACTIONS = incidentActions;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];
/** Actions the server refuses without a reason (server lifecycle.ts noteRequired). */
export const NOTE_REQUIRED: ReadonlySet<IncidentAction> = new Set(["return", "reject", "suspend", "void"]);

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (typeof v === "string" ? v : v.toISOString()));
const lonLat = z.object({ lon: z.number(), lat: z.number() });

export const deadlineSchema = z.object({
  stage: z.string(),
  limitMinutes: z.number(),
  startedAt: isoDate,
  warnAt: isoDate.nullable(),
  dueAt: isoDate.nullable(),
  paused: z.boolean(),
  usedMinutes: z.number(),
  warnedAt: isoDate.nullable(),
  overdueAt: isoDate.nullable(),
});

export const incidentSchema = z.object({
  id: z.number(),
  reference: z.string(),
  category: z.string(),
  categoryName: z.string(),
  categoryNameEn: z.string(),
  source: z.string(),
  priority: z.string(),
  state: z.enum(INCIDENT_STATES),
  description: z.string(),
  title: z.string(),
  location: lonLat,
  cellCode: z.string(),
  assigneeUserId: z.number().nullable(),
  version: z.number(),
  reportedAt: isoDate,
  closedAt: isoDate.nullable(),
  updatedAt: isoDate,
  deadline: deadlineSchema.nullable(),
  everOverdue: z.boolean(),
  allowedActions: z.array(z.enum(INCIDENT_ACTIONS)),
});
export type Incident = z.infer<typeof incidentSchema>;

export const incidentPageSchema = z.object({
  incidents: z.array(incidentSchema),
  nextBeforeId: z.number().nullable(),
});

export const createdIncidentSchema = z.object({ incident: incidentSchema });

export const timelineSchema = z.object({
  events: z.array(
    z.object({
      id: z.number(),
      incidentId: z.number(),
      kind: z.string(),
      action: z.string().nullable(),
      fromState: z.string().nullable(),
      toState: z.string().nullable(),
      actor: z.string(),
      occurredAt: isoDate,
      note: z.string().nullable(),
      attachments: z.array(z.object({ sha256: z.string(), mediaType: z.string(), sizeBytes: z.number() })),
    }),
  ),
});
export type TimelineEvent = z.infer<typeof timelineSchema>["events"][number];

export const categoriesSchema = z.object({
  categories: z.array(
    z.object({
      code: z.string(),
      parentCode: z.string().nullable(),
      name: z.string(),
      nameEn: z.string(),
      active: z.boolean(),
    }),
  ),
});
export type IncidentCategory = z.infer<typeof categoriesSchema>["categories"][number];

export const attachmentsSchema = z.object({
  attachments: z.array(z.object({ sha256: z.string() }).passthrough()),
});

export const missingReportsSchema = z.object({
  date: z.string(),
  deadline: z.string(),
  deadlinePassed: z.boolean(),
  expected: z.number(),
  filed: z.number(),
  missing: z.array(
    z.object({
      cellCode: z.string(),
      name: z.string(),
      nameEn: z.string().nullable(),
      leader: z.object({ userId: z.number(), username: z.string(), displayName: z.string() }).nullable(),
    }),
  ),
});
export type MissingReports = z.infer<typeof missingReportsSchema>;

export const dailyReportSchema = z.object({
  id: z.number(),
  cellCode: z.string(),
  reportDate: z.string(),
  nothingToReport: z.boolean(),
  late: z.boolean(),
  filedAt: isoDate,
});
export const dailyReportsSchema = z.object({ reports: z.array(dailyReportSchema) });
export type DailyReport = z.infer<typeof dailyReportSchema>;

export interface ReportItemInput {
  description: string;
  category?: string;
  location?: { lon: number; lat: number };
  createIncident: boolean;
}
