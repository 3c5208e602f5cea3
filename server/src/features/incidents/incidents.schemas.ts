import { z } from "zod";
import { bboxSchema } from "../../http/geojson.js";
import { incidentActions, incidentStates, stages } from "./lifecycle.js";

export const incidentSources = [
  "camera_health",
  "hotlist_hit",
  "grid_worker_report",
  "hotline_intake",
  "manual",
  "open311",
] as const;
export const incidentPriorities = ["low", "normal", "high", "urgent"] as const;
export const callbackRatings = ["satisfied", "basically_satisfied", "unsatisfied"] as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a lower-case hex SHA-256 from the attachment upload");
const categoryCode = z
  .string()
  .regex(/^[a-z0-9_.-]{1,64}$/, "a category code such as traffic.illegal_parking");
const note = z.string().trim().min(1).max(4000);

export const lonLat = z.strictObject({
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
});

export const incidentIdParams = z.strictObject({
  id: z.coerce.number({ message: "the incident id must be a number" }).int().positive(),
});

export const attachmentParams = incidentIdParams.extend({ sha256 });

export const createIncidentBody = z.strictObject({
  category: categoryCode,
  /** Sources other features use (camera_health, hotlist_hit, open311) are not accepted over this route. */
  source: z.enum(["grid_worker_report", "hotline_intake", "manual"]).default("manual"),
  sourceRef: z.string().min(1).max(200).optional(),
  priority: z.enum(incidentPriorities).default("normal"),
  location: lonLat,
  description: z.string().trim().min(1).max(4000),
  cameraId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  attachments: z.array(sha256).max(10).default([]),
  assigneeUserId: z.number().int().positive().optional(),
});

export const transitionBody = z.strictObject({
  action: z.enum(incidentActions),
  version: z.number().int().positive(),
  note: note.optional(),
  attachments: z.array(sha256).max(10).default([]),
  assigneeUserId: z.number().int().positive().optional(),
});

export const mergeBody = z.strictObject({
  into: z.number().int().positive(),
  version: z.number().int().positive(),
  note: note.optional(),
});

export const callbackBody = z.strictObject({
  rating: z.enum(callbackRatings),
  note: z.string().trim().max(2000).optional(),
});

const boolParam = z.enum(["true", "false"]).transform((v) => v === "true");
const isoInstant = (name: string) =>
  z.iso
    .datetime({ offset: true, message: `${name} must be an ISO 8601 date-time with a time zone` })
    .transform((v) => new Date(v));

export const listIncidentsQuery = z
  .strictObject({
    state: z
      .string()
      .transform((s) => s.split(","))
      .pipe(z.array(z.enum(incidentStates)))
      .optional(),
    cell: z
      .string()
      .regex(/^[0-9A-Za-z]{1,32}$/)
      .optional(),
    category: categoryCode.optional(),
    priority: z.enum(incidentPriorities).optional(),
    assignee: z.union([z.literal("me"), z.coerce.number().int().positive()]).optional(),
    overdue: boolParam.optional(),
    open: boolParam.optional(),
    /** Reported at or after this instant. */
    reported_from: isoInstant("reported_from").optional(),
    /** Reported before this instant. */
    reported_to: isoInstant("reported_to").optional(),
    /** Not closed or voided before this instant: what was live at any time since (replay windows). */
    active_since: isoInstant("active_since").optional(),
    before_id: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => !q.reported_from || !q.reported_to || q.reported_from < q.reported_to, {
    message: "reported_from must be before reported_to",
    path: ["reported_to"],
  });

export const categoryBody = z.strictObject({
  code: categoryCode,
  parentCode: categoryCode.nullable().default(null),
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
  sortOrder: z.number().int().default(0),
  active: z.boolean().default(true),
});

export const timeLimitsBody = z.strictObject({
  limits: z
    .array(
      z.strictObject({
        category: categoryCode.nullable(),
        priority: z.enum(incidentPriorities).nullable(),
        stage: z.enum(stages),
        limitMinutes: z
          .number()
          .int()
          .min(1)
          .max(60 * 24 * 365),
      }),
    )
    .min(1)
    .max(500),
});

export const incidentMapQuery = z.strictObject({
  bbox: bboxSchema.optional(),
  /** Only open incidents (default) or all. */
  open: boolParam.default(true),
  limit: z.coerce.number().int().min(1).max(5000).default(5000),
});
