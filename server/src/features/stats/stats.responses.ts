import { z } from "zod";
import { timestamp } from "../../http/wire.js";
import { incidentPriorities } from "../incidents/incidents.schemas.js";

// Response bodies of the statistics routes as they go over the wire (OpenAPI; checked in tests).

const statsLevel = z.string().describe("A level of the cell scheme");

export const incidentStatsResponse = z.object({
  from: timestamp,
  to: timestamp,
  level: statsLevel,
  cells: z.array(
    z.object({
      cellCode: z.string(),
      name: z.string(),
      nameEn: z.string().nullable(),
      level: z.string(),
      received: z.number().int().describe("Incidents reported in [from, to); merged ones count once"),
      closed: z.number().int(),
      closedOnTime: z.number().int().describe("Closed without any stage ever going overdue"),
      overdue: z.number().int().describe("Incidents that went overdue at some stage"),
      avgHandlingHours: z
        .number()
        .nullable()
        .describe("Mean hours from report to closing; null when none closed"),
      callbacks: z.number().int(),
      satisfied: z.number().int(),
      basicallySatisfied: z.number().int(),
      unsatisfied: z.number().int(),
      closedOnTimeRate: z
        .number()
        .min(0)
        .max(1)
        .nullable()
        .describe("closedOnTime / closed; null when none closed"),
      satisfactionRate: z
        .number()
        .min(0)
        .max(1)
        .nullable()
        .describe("(satisfied + basically satisfied) / callbacks; null without callbacks"),
    }),
  ),
});

export const openIncidentsResponse = z.object({
  level: statsLevel,
  cells: z.array(
    z.object({
      cellCode: z.string(),
      level: z.string(),
      open: z.number().int(),
      overdue: z.number().int().describe("Open incidents whose current stage is overdue"),
      topPriority: z
        .enum(incidentPriorities)
        .nullable()
        .describe("Highest open priority; null when none open"),
    }),
  ),
});
